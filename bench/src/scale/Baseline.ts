/**
 * The raw baseline Roster is measured against: express and a `pg` Pool answering the benchmark's
 * routes with the SQL a straightforward handler would send, in the same JSON shape, on the same
 * database and data. A token is checked as a raw handler would: its SHA-256 looked up, its
 * permissions read. It keeps none of Roster's guarantees (no last-manager or escalation guard, no
 * validation beyond what the SQL needs, no audit of who did what beyond one event row per write):
 * it is the floor, not a competitor.
 */
import express from "express"
import { createHash } from "node:crypto"
import type pg from "pg"

interface Caller {
  readonly organizationId: string
  readonly permissions: ReadonlyArray<string>
}

interface MemberRow {
  readonly id: string
  readonly user_id: string
  readonly organization_id: string
  readonly role_id: string
  readonly status: string
  readonly first_name: string | null
  readonly last_name: string | null
  readonly title: string | null
  readonly created_at: Date
  readonly email: string
  readonly idp_id: string | null
  readonly last_signed_in_at: Date | null
}

const columns = `m.id, m.user_id, m.organization_id, m.role_id, m.status, m.first_name, m.last_name, m.title,
  m.created_at, u.email, u.idp_id, u.last_signed_in_at`

const toUser = (row: MemberRow) => ({
  id: row.user_id,
  email: row.email,
  idpId: row.idp_id,
  roleId: row.role_id,
  profile: {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    title: row.title,
    organizationId: row.organization_id,
    roleId: row.role_id,
    status: row.status,
    createdDateTime: row.created_at.toISOString(),
    lastSignedInAt:
      row.last_signed_in_at === null || row.last_signed_in_at < row.created_at
        ? null
        : row.last_signed_in_at.toISOString()
  },
  createdDateTime: row.created_at.toISOString()
})

const visible = ["ACTIVE", "INACTIVE", "TERMINATED"]

/** A keyset cursor: the last row's (created_at, user_id), as Roster orders members. */
const encodeCursor = (row: MemberRow) =>
  Buffer.from(JSON.stringify([row.created_at.toISOString(), row.user_id])).toString("base64url")
const decodeCursor = (cursor: string): [string, string] => JSON.parse(Buffer.from(cursor, "base64url").toString())

export const make = (pool: pg.Pool): express.Express => {
  const app = express()
  app.use(express.json())

  const caller = async (req: express.Request, res: express.Response, permission: string) => {
    const header = (req.get("authorization") ?? "").replace(/^bearer\s+/i, "").trim()
    const hash = createHash("sha256").update(header).digest("hex")
    const { rows } = await pool.query<{ organization_id: string; permissions: Array<string> }>(
      `SELECT organization_id, permissions FROM organization_tokens
       WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hash]
    )
    const token = rows[0]
    if (token === undefined) {
      res.status(401).json({ error: "unauthorized" })
      return undefined
    }
    if (!token.permissions.includes(permission)) {
      res.status(403).json({ error: "forbidden" })
      return undefined
    }
    return { organizationId: token.organization_id, permissions: token.permissions } satisfies Caller
  }

  const route =
    (permission: string, handle: (req: express.Request, res: express.Response, who: Caller) => Promise<void>) =>
    async (req: express.Request, res: express.Response) => {
      try {
        const who = await caller(req, res, permission)
        if (who !== undefined) await handle(req, res, who)
      } catch (error) {
        res.status(500).json({ error: String(error) })
      }
    }

  app.get(
    "/organizations/users",
    route("can_view_users", async (req, res, who) => {
      const size = Number(req.query.size ?? 20)
      const page = Number(req.query.page ?? 0)
      const where = ["m.organization_id = $1", "m.status = ANY($2)"]
      const params: Array<unknown> = [who.organizationId, req.query.status === undefined ? visible : [req.query.status]]
      if (typeof req.query.q === "string") {
        params.push(`%${req.query.q.toLowerCase()}%`)
        const p = `$${params.length}`
        where.push(`(lower(u.email) LIKE ${p} OR lower(m.first_name) LIKE ${p} OR lower(m.last_name) LIKE ${p})`)
      }
      const filter = where.join(" AND ")
      const { rows: counted } = await pool.query<{ total: string }>(
        `SELECT count(*) AS total FROM memberships m JOIN users u ON u.id = m.user_id WHERE ${filter}`,
        params
      )
      let keyset = ""
      if (typeof req.query.cursor === "string") {
        params.push(...decodeCursor(req.query.cursor))
        keyset = ` AND (m.created_at, m.user_id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`
      }
      params.push(size, typeof req.query.cursor === "string" ? 0 : page * size)
      const { rows } = await pool.query<MemberRow>(
        `SELECT ${columns} FROM memberships m JOIN users u ON u.id = m.user_id WHERE ${filter}${keyset}
         ORDER BY m.created_at, m.user_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
        params
      )
      const total = Number(counted[0]!.total)
      const last = rows.at(-1)
      res.json({
        content: rows.map(toUser),
        totalElements: total,
        totalPages: Math.ceil(total / size),
        size,
        number: page,
        ...(rows.length === size && last !== undefined ? { next: encodeCursor(last) } : {})
      })
    })
  )

  app.get(
    "/organizations/users/:userId",
    route("can_view_users", async (req, res, who) => {
      const { rows } = await pool.query<MemberRow>(
        `SELECT ${columns} FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.organization_id = $1 AND m.user_id = $2`,
        [who.organizationId, req.params.userId]
      )
      if (rows[0] === undefined) res.status(404).json({ error: "not found" })
      else res.json(toUser(rows[0]))
    })
  )

  /** One statement: the membership changed where its status allows, and an event of it. */
  const change = (type: string, set: string, from: ReadonlyArray<string>, withRole: boolean) =>
    route("can_manage_users", async (req, res, who) => {
      const params: Array<unknown> = [who.organizationId, req.params.userId, from, type]
      if (withRole) params.push(req.body?.roleId)
      const { rows } = await pool.query<MemberRow>(
        `WITH changed AS (
           UPDATE memberships m SET ${set}, updated_at = now()
           WHERE m.organization_id = $1 AND m.user_id = $2 AND m.status = ANY($3)
             ${withRole ? "AND EXISTS (SELECT 1 FROM roles r WHERE r.id = $5 AND r.organization_id = $1)" : ""}
           RETURNING m.*
         ), logged AS (
           INSERT INTO events (id, organization_id, user_id, actor, type, before, after, reason, at)
           SELECT gen_random_uuid(), organization_id, user_id, '{"_tag":"Token"}'::jsonb, $4, NULL, NULL, NULL, now() FROM changed
         )
         SELECT ${columns} FROM changed m JOIN users u ON u.id = m.user_id`,
        params
      )
      if (rows[0] === undefined) res.status(409).json({ error: "conflict" })
      else res.json(toUser(rows[0]))
    })

  app.put(
    "/organizations/users/:userId/role",
    change("user.role_changed", "role_id = $5", ["ACTIVE", "INACTIVE"], true)
  )
  app.post(
    "/organizations/users/:userId/terminate",
    change("user.terminated", "status = 'TERMINATED'", ["ACTIVE", "INACTIVE"], false)
  )
  app.post(
    "/organizations/users/:userId/reinstate",
    change("user.reinstated", "status = 'ACTIVE', role_id = $5", ["TERMINATED"], true)
  )
  return app
}
