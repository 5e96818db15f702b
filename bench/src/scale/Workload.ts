/**
 * What the load is made of, read from the seeded database: members to read, disjoint pools of
 * members to write (Roster's and the baseline's, so that neither finds the other's changes), the
 * roles, a rare and a common search term, and the organizations writes spread over. Then the
 * operations, each a stream of calls for one server.
 */
import pg from "pg"
import type * as Load from "./Load.js"

export interface Organization {
  readonly organizationId: string
  readonly token: string
}

export interface Fixtures {
  readonly main: Organization
  readonly members: number
  readonly adminRoleId: string
  readonly memberRoleId: string
  readonly readIds: ReadonlyArray<string>
  /** ACTIVE Members, by side and use. */
  readonly writers: Readonly<
    Record<Side, { readonly roles: ReadonlyArray<string>; readonly lifecycle: ReadonlyArray<string> }>
  >
  readonly rare: { readonly term: string; readonly matches: number }
  readonly common: { readonly term: string; readonly matches: number }
  readonly statusFilter: { readonly status: string; readonly matches: number }
  /** Other organizations, each with ACTIVE Members split by side. */
  readonly spread: ReadonlyArray<
    Organization & { readonly memberRoleId: string; readonly writers: Readonly<Record<Side, ReadonlyArray<string>>> }
  >
}

export type Side = "roster" | "baseline"

const pool = 300

const rolesOf = async (client: pg.Client, organizationId: string) => {
  const { rows } = await client.query<{ id: string; is_default: boolean }>(
    "SELECT id, is_default FROM roles WHERE organization_id = $1",
    [organizationId]
  )
  return { admin: rows.find((row) => !row.is_default)!.id, member: rows.find((row) => row.is_default)!.id }
}

const activeMembers = async (client: pg.Client, organizationId: string, roleId: string, limit: number) =>
  (
    await client.query<{ user_id: string }>(
      `SELECT user_id FROM memberships WHERE organization_id = $1 AND role_id = $2 AND status = 'ACTIVE'
       ORDER BY md5(user_id::text) LIMIT $3`,
      [organizationId, roleId, limit]
    )
  ).rows.map((row) => row.user_id)

const countMatching = async (client: pg.Client, organizationId: string, term: string) =>
  Number(
    (
      await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.organization_id = $1 AND m.status IN ('ACTIVE', 'INACTIVE', 'TERMINATED')
           AND (lower(u.email) LIKE $2 OR lower(m.first_name) LIKE $2 OR lower(m.last_name) LIKE $2)`,
        [organizationId, `%${term.toLowerCase()}%`]
      )
    ).rows[0]!.n
  )

const split = <A>(items: ReadonlyArray<A>, parts: number): Array<Array<A>> =>
  Array.from({ length: parts }, (_, part) => items.filter((_, i) => i % parts === part))

export const read = async (url: string, main: Organization, spread: ReadonlyArray<Organization>): Promise<Fixtures> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query("ANALYZE")
    const roles = await rolesOf(client, main.organizationId)
    const visible = "m.organization_id = $1 AND m.status IN ('ACTIVE', 'INACTIVE', 'TERMINATED')"
    const members = Number(
      (
        await client.query<{ n: string }>(`SELECT count(*) AS n FROM memberships m WHERE ${visible}`, [
          main.organizationId
        ])
      ).rows[0]!.n
    )
    const readIds = (
      await client.query<{ user_id: string }>(
        `SELECT user_id FROM memberships m WHERE ${visible} ORDER BY md5(user_id::text) LIMIT 2000`,
        [main.organizationId]
      )
    ).rows.map((row) => row.user_id)
    // Up to `pool` each, leaving 50 untouched for `DatabaseTime`'s writes.
    const candidates = await activeMembers(client, main.organizationId, roles.member, 4 * pool + 50)
    const [rosterRoles, baselineRoles, rosterLifecycle, baselineLifecycle] = split(
      candidates.slice(0, Math.max(8, Math.min(4 * pool, candidates.length - 50))),
      4
    )
    // Rare: one member's whole email local part. Common: the most frequent first name, or failing a
    // name shared by 10 % of members, the most frequent email domain.
    const rareEmail = (
      await client.query<{ email: string }>(
        `SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE ${visible} ORDER BY md5(u.id::text) LIMIT 1`,
        [main.organizationId]
      )
    ).rows[0]!.email
    // The whole address: a shorter part of it (`bench-135`) would also find `bench-1350`…
    const rareTerm = rareEmail
    const terms = (
      await client.query<{ term: string }>(
        `(SELECT lower(m.first_name) AS term FROM memberships m WHERE ${visible} AND m.first_name IS NOT NULL
          GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)
         UNION ALL
         (SELECT split_part(u.email, '@', 2) FROM memberships m JOIN users u ON u.id = m.user_id WHERE ${visible}
          GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)`,
        [main.organizationId]
      )
    ).rows.map((row) => row.term)
    let common = { term: terms[0] ?? "a", matches: 0 }
    for (const term of terms) {
      common = { term, matches: await countMatching(client, main.organizationId, term) }
      if (common.matches >= members / 10) break
    }
    const statusFilter = {
      status: "INACTIVE",
      matches: Number(
        (
          await client.query<{ n: string }>(
            "SELECT count(*) AS n FROM memberships WHERE organization_id = $1 AND status = 'INACTIVE'",
            [main.organizationId]
          )
        ).rows[0]!.n
      )
    }
    const others: Array<Fixtures["spread"][number]> = []
    for (const organization of spread) {
      const own = await rolesOf(client, organization.organizationId)
      const [roster, baseline] = split(await activeMembers(client, organization.organizationId, own.member, 40), 2)
      others.push({ ...organization, memberRoleId: own.member, writers: { roster: roster!, baseline: baseline! } })
    }
    return {
      main,
      members,
      adminRoleId: roles.admin,
      memberRoleId: roles.member,
      readIds,
      writers: {
        roster: { roles: rosterRoles!, lifecycle: rosterLifecycle! },
        baseline: { roles: baselineRoles!, lifecycle: baselineLifecycle! }
      },
      rare: { term: rareTerm, matches: await countMatching(client, main.organizationId, rareTerm) },
      common,
      statusFilter,
      spread: others
    }
  } finally {
    await client.end()
  }
}

export type OperationId =
  | "get-user"
  | "page-0"
  | "deep-page"
  | "cursor-page"
  | "search-rare"
  | "search-common"
  | "status-filter"
  | "role-change"
  | "lifecycle-one"
  | "lifecycle-spread"

export interface Operation {
  readonly id: OperationId
  readonly label: string
  readonly kind: "read" | "write"
}

export const operations: ReadonlyArray<Operation> = [
  { id: "get-user", label: "GET user", kind: "read" },
  { id: "page-0", label: "list, page 0", kind: "read" },
  { id: "deep-page", label: "list, middle page", kind: "read" },
  { id: "cursor-page", label: "list, cursor page", kind: "read" },
  { id: "search-rare", label: "search, rare term", kind: "read" },
  { id: "search-common", label: "search, common term", kind: "read" },
  { id: "status-filter", label: "status filter", kind: "read" },
  { id: "role-change", label: "role change", kind: "write" },
  { id: "lifecycle-one", label: "terminate/reinstate, one organization", kind: "write" },
  { id: "lifecycle-spread", label: "terminate/reinstate, spread", kind: "write" }
]

export const pageSize = 20

const users = "/organizations/users"

/** Turns around a list forever. */
const cycle = <A>(items: ReadonlyArray<A>) => {
  let i = 0
  return () => items[i++ % items.length]!
}

/**
 * Each member of `pool` in turn gets the first call, then each the second, and so on: a member
 * is changed back only after the whole pool went by (and twenty members are in flight at once).
 */
const alternating = (pool: ReadonlyArray<string>, calls: ReadonlyArray<(userId: string) => Load.Call>) => {
  let i = 0
  return () => {
    const n = i++
    return calls[Math.floor(n / pool.length) % calls.length]!(pool[n % pool.length]!)
  }
}

/**
 * The calls of `operation` for `side`; undefined where the server lacks what it needs (a cursor
 * page from a server whose lists give no `next`).
 */
export const calls = (
  operation: OperationId,
  side: Side,
  fixtures: Fixtures,
  cursorPath: string | undefined,
  phase: Load.Phase = "measured"
): (() => Load.Call) | undefined => {
  const get = (path: string) => (): Load.Call => ({ method: "GET", path })
  // A quarter of each pool warms up, the rest is measured (see `Load.measure`).
  const part = <A>(pool: ReadonlyArray<A>) => {
    const quarter = Math.floor(pool.length / 4)
    return phase === "warmup" ? pool.slice(0, quarter) : pool.slice(quarter)
  }
  const writers = { roles: part(fixtures.writers[side].roles), lifecycle: part(fixtures.writers[side].lifecycle) }
  switch (operation) {
    case "get-user": {
      const next = cycle(fixtures.readIds)
      return () => ({ method: "GET", path: `${users}/${next()}` })
    }
    case "page-0":
      return get(`${users}?page=0&size=${pageSize}`)
    case "deep-page":
      return get(`${users}?page=${Math.floor(fixtures.members / pageSize / 2)}&size=${pageSize}`)
    case "cursor-page":
      return cursorPath === undefined ? undefined : get(cursorPath)
    case "search-rare":
      return get(`${users}?q=${encodeURIComponent(fixtures.rare.term)}&size=${pageSize}`)
    case "search-common":
      return get(`${users}?q=${encodeURIComponent(fixtures.common.term)}&size=${pageSize}`)
    case "status-filter":
      return get(`${users}?status=${fixtures.statusFilter.status}&size=${pageSize}`)
    case "role-change":
      return alternating(writers.roles, [
        (userId) => ({ method: "PUT", path: `${users}/${userId}/role`, body: { roleId: fixtures.adminRoleId } }),
        (userId) => ({ method: "PUT", path: `${users}/${userId}/role`, body: { roleId: fixtures.memberRoleId } })
      ])
    case "lifecycle-one":
      return alternating(writers.lifecycle, [
        (userId) => ({ method: "POST", path: `${users}/${userId}/terminate` }),
        (userId) => ({ method: "POST", path: `${users}/${userId}/reinstate`, body: { roleId: fixtures.memberRoleId } })
      ])
    case "lifecycle-spread": {
      // Round robin over the organizations: consecutive calls (those in flight together) hit different ones.
      const targets = fixtures.spread.flatMap((organization, o) =>
        part(organization.writers[side]).map((userId, i) => ({
          organization,
          userId,
          order: i * fixtures.spread.length + o
        }))
      )
      targets.sort((a, b) => a.order - b.order)
      let i = 0
      return () => {
        const n = i++
        const { organization, userId } = targets[n % targets.length]!
        return Math.floor(n / targets.length) % 2 === 0
          ? { method: "POST", path: `${users}/${userId}/terminate`, token: organization.token }
          : {
              method: "POST",
              path: `${users}/${userId}/reinstate`,
              body: { roleId: organization.memberRoleId },
              token: organization.token
            }
      }
    }
  }
}

/**
 * The path of the page after a list's first (`path`, members by default), from the server's own
 * answer: its `Link: <…>; rel="next"` header, else a `next` cursor in the body; undefined when it
 * gives neither.
 */
export const nextPage = async (url: string, token: string, path: string = users): Promise<string | undefined> => {
  const first = `${url}${path}?size=${pageSize}`
  const response = await fetch(first, { headers: { authorization: token } })
  const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.headers.get("link") ?? "")?.[1]
  const body = (await response.json()) as { readonly next?: unknown }
  if (link !== undefined) {
    // A link may be relative (`<?cursor=…>`): to the page it came with.
    const target = new URL(link, first)
    return `${target.pathname}${target.search}`
  }
  return typeof body.next === "string" ? `${path}?size=${pageSize}&cursor=${encodeURIComponent(body.next)}` : undefined
}
