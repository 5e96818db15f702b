/** The HTTP suite's organization roles and API tokens: create, list, expiry, revoke, and ROLE_ESCALATION. */
import { Permission, randomUuid } from "@roster/domain"
import { describe, expect, it } from "vitest"
import type { Harness } from "./HttpHarness.js"

export const tests = (h: Harness) => {
  const { get, post, del, expectError, secrets } = h

  describe("GET /organizations/roles", () => {
    it("lists the organization's roles with their permissions and the default", async () => {
      const reply = await get("/organizations/roles", h.admin)
      expect(reply.json).toEqual([
        { id: h.acme.admin.id, name: "Admin", permissions: [...Permission.all], isDefault: false },
        { id: h.acme.member.id, name: "Member", permissions: ["can_view_users"], isDefault: true }
      ])
    })
  })

  describe("GET /organizations/current", () => {
    it("is the organization the caller acts in, for any of its callers", async () => {
      const reply = await get("/organizations/current", await h.acme.token([]))
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ id: h.acme.id, name: expect.any(String), createdDateTime: expect.any(String) })
    })
  })

  describe("/organizations/tokens", () => {
    it("pages by limit and cursor, newest first, with a Link; without either it answers every token as before", async () => {
      const org = await h.organization()
      const token = await org.token(Permission.all)
      for (const n of [1, 2, 3, 4])
        await post("/organizations/tokens", token, { name: `t${n}`, permissions: ["can_view_users"] })
      const everything = await get("/organizations/tokens", token)
      expect(everything.status).toBe(200)
      expect(everything.json.map((t: any) => t.name).slice(0, 4)).toEqual(["t4", "t3", "t2", "t1"])
      expect(everything.json).toHaveLength(5)
      expect(everything.headers.get("link")).toBeNull()
      const seen: Array<unknown> = []
      let reply = await get("/organizations/tokens?limit=2", token)
      for (;;) {
        expect(reply.status).toBe(200)
        expect(Array.isArray(reply.json)).toBe(true)
        seen.push(...reply.json)
        const link = reply.headers.get("link")
        if (link === null) break
        const cursor = /^<\?limit=2&cursor=([A-Za-z0-9_-]+)>; rel="next"$/.exec(link)?.[1]
        expect(cursor).toEqual(expect.any(String))
        reply = await get(`/organizations/tokens?limit=2&cursor=${cursor}`, token)
      }
      expect(seen).toEqual(everything.json)
      expect(reply.json).toHaveLength(1)
      // A cursor alone pages by 20; the last page has no Link.
      const cursor = /cursor=([A-Za-z0-9_-]+)/.exec(
        (await get("/organizations/tokens?limit=1", token)).headers.get("link")!
      )![1]
      const rest = await get(`/organizations/tokens?cursor=${cursor}`, token)
      expect(rest.json).toEqual(everything.json.slice(1))
      expect(rest.headers.get("link")).toBeNull()
      for (const limit of ["0", "101", "abc"]) {
        expectError(
          await get(`/organizations/tokens?limit=${limit}`, token),
          400,
          "VALIDATION_FAILED",
          /^limit: must be a whole number from 1 to 100/
        )
      }
      expectError(
        await get(`/organizations/tokens?page=1&cursor=${cursor}`, token),
        400,
        "VALIDATION_FAILED",
        /^page: /
      )
      expectError(
        await get("/organizations/tokens?cursor=bm9wZQ", token),
        400,
        "VALIDATION_FAILED",
        /^cursor: must be a cursor/
      )
      const events = (await get("/organizations/events?size=1", token)).json.next
      expect(events).toEqual(expect.any(String))
      expectError(
        await get(`/organizations/tokens?cursor=${events}`, token),
        400,
        "VALIDATION_FAILED",
        /^cursor: was not made by this list/
      )
    })

    it("creates a token (201), whose secret is shown once and works at once", async () => {
      const created = await post("/organizations/tokens", h.admin, {
        name: "  ci  ",
        permissions: ["can_view_users", "can_view_users"]
      })
      expect(created.status).toBe(201)
      secrets.add(created.json.token)
      expect(created.json).toMatchObject({
        name: "ci",
        permissions: ["can_view_users"],
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null
      })
      expect((await get("/organizations/users", created.json.token)).status).toBe(200)
      const listed = (await get("/organizations/tokens", h.admin)).json.find((t: any) => t.id === created.json.id)
      expect(listed).toBeDefined()
      expect(listed.token).toBeUndefined()
      expect(listed.lastUsedAt).not.toBeNull()
      expect(listed.createdByUserId).toBeNull()
      expect(Object.keys(listed).sort()).toEqual([
        "createdAt",
        "createdByUserId",
        "expiresAt",
        "id",
        "lastUsedAt",
        "name",
        "permissions",
        "revokedAt"
      ])
    })

    it("refuses bad input, naming each field", async () => {
      expectError(
        await post("/organizations/tokens", h.admin, { name: "", permissions: ["can_view_users"] }),
        400,
        "VALIDATION_FAILED",
        /^name: /
      )
      expectError(
        await post("/organizations/tokens", h.admin, { name: "x", permissions: [] }),
        400,
        "VALIDATION_FAILED",
        /^permissions/
      )
      expectError(
        await post("/organizations/tokens", h.admin, { name: "x", permissions: ["can_fly"] }),
        400,
        "VALIDATION_FAILED",
        /^permissions.*can_fly/
      )
      expectError(
        await post("/organizations/tokens", h.admin, { name: "x" }),
        400,
        "VALIDATION_FAILED",
        "permissions: is required"
      )
      for (const expiresAt of [
        "1",
        "tomorrow",
        "2030-01-01",
        1893456000000,
        "2099-02-30T00:00:00Z",
        "2099-01-01T24:00:00Z",
        "2099-04-31T10:00:00Z"
      ]) {
        expectError(
          await post("/organizations/tokens", h.admin, { name: "x", permissions: ["can_view_users"], expiresAt }),
          400,
          "VALIDATION_FAILED",
          /^expiresAt: /
        )
      }
      expectError(
        await post("/organizations/tokens", h.admin, {
          name: "x",
          permissions: ["can_view_users"],
          expiresAt: "2001-01-01T00:00:00Z"
        }),
        400,
        "VALIDATION_FAILED",
        "expiresAt: must be in the future"
      )
    })

    it("refuses an expiry outside the years 0001 to 9999 in UTC: 400 naming expiresAt, no token made", async () => {
      const before = (await get("/organizations/tokens", h.admin)).json.length
      for (const expiresAt of [
        "9999-12-31T23:59:59-23:59",
        "9999-12-31T23:59:59.999-00:01",
        "0000-01-01T00:00:00Z",
        "-000001-01-01T00:00:00Z",
        "+010000-01-01T00:00:00Z"
      ]) {
        const reply = await post("/organizations/tokens", h.admin, {
          name: "x",
          permissions: ["can_view_users"],
          expiresAt
        })
        expectError(reply, 400, "VALIDATION_FAILED", /^expiresAt: /)
        if (/^\d{4}-/.test(expiresAt))
          expect(reply.json.errors[0].message).toBe("expiresAt: must fall within the years 0001 to 9999 in UTC")
      }
      expect((await get("/organizations/tokens", h.admin)).json.length).toBe(before)
      // The last instant there is.
      const last = await post("/organizations/tokens", h.admin, {
        name: "x",
        permissions: ["can_view_users"],
        expiresAt: "9999-12-31T23:59:59+23:59"
      })
      secrets.add(last.json.token)
      expect(last.json.expiresAt).toBe("9999-12-31T00:00:59.000Z")
    })

    it("takes an expiry, and null for none", async () => {
      const expiring = await post("/organizations/tokens", h.admin, {
        name: "x",
        permissions: ["can_view_users"],
        expiresAt: "2099-12-31T23:00:00+01:00"
      })
      secrets.add(expiring.json.token)
      expect(expiring.json.expiresAt).toBe("2099-12-31T22:00:00.000Z")
      const forever = await post("/organizations/tokens", h.admin, {
        name: "x",
        permissions: ["can_view_users"],
        expiresAt: null
      })
      secrets.add(forever.json.token)
      expect(forever.json.expiresAt).toBeNull()
    })

    it("a token cannot mint a more powerful one: ROLE_ESCALATION", async () => {
      const minter = await h.acme.token(["can_manage_tokens"])
      expectError(
        await post("/organizations/tokens", minter, { name: "x", permissions: ["can_manage_users"] }),
        403,
        "ROLE_ESCALATION"
      )
    })

    it("revokes (200, idempotent); unknown is 404 TOKEN_NOT_FOUND; a bad id is 400 naming tokenId", async () => {
      const created = await post("/organizations/tokens", h.admin, { name: "doomed", permissions: ["can_view_users"] })
      secrets.add(created.json.token)
      const revoked = await del(`/organizations/tokens/${created.json.id}`, h.admin)
      expect(revoked.status).toBe(200)
      expect(revoked.json.revokedAt).not.toBeNull()
      const again = await del(`/organizations/tokens/${created.json.id}`, h.admin)
      expect(again.json.revokedAt).toBe(revoked.json.revokedAt)
      expectError(await get("/organizations/users", created.json.token), 401, "UNAUTHORIZED")
      expectError(await del(`/organizations/tokens/${randomUuid()}`, h.admin), 404, "TOKEN_NOT_FOUND")
      expectError(await del("/organizations/tokens/nope", h.admin), 400, "VALIDATION_FAILED", /^tokenId: /)
    })

    it("a token cannot revoke one stronger than itself (ROLE_ESCALATION); the stronger one still works", async () => {
      const strong = await h.acme.token(Permission.all)
      const weak = await h.acme.token(["can_manage_tokens"])
      const list = await get("/organizations/tokens", weak)
      const strongId = list.json.find(
        (t: any) => t.permissions.length === Permission.all.length && t.revokedAt === null
      ).id
      expectError(
        await del(`/organizations/tokens/${strongId}`, weak),
        403,
        "ROLE_ESCALATION",
        /^You cannot revoke a token holding permissions you do not: .*can_manage_users/
      )
      expect((await get("/organizations/users?size=1", strong)).status).toBe(200)
      expectError(
        await post("/organizations/tokens", h.admin, { name: "none", permissions: [] }),
        400,
        "VALIDATION_FAILED",
        "permissions: must list at least one permission"
      )
    })

    it("a token may revoke itself, and is refused from then on", async () => {
      const created = await post("/organizations/tokens", h.admin, { name: "self", permissions: ["can_manage_tokens"] })
      secrets.add(created.json.token)
      expect((await del(`/organizations/tokens/${created.json.id}`, created.json.token)).status).toBe(200)
      expectError(await get("/organizations/tokens", created.json.token), 401, "UNAUTHORIZED")
    })
  })
}
