/**
 * The HTTP suite's access checks: authentication (401), the permission of every route (403), the order
 * of checks (401 → 403 → 400 → 404 → 409) and tenant isolation.
 */
import type { Permission as PermissionType } from "@roster/domain"
import { OrganizationToken, Permission, randomUuid } from "@roster/domain"
import { describe, expect, it } from "vitest"
import type { Harness } from "./HttpHarness.js"

export const tests = (h: Harness) => {
  const { request, get, post, put, del, expectError, organization, secrets } = h

  describe("authentication (401 UNAUTHORIZED)", () => {
    it("refuses a request without Authorization", async () => {
      const reply = await get("/organizations/users")
      expectError(reply, 401, "UNAUTHORIZED", "Missing Authorization")
      expect(reply.headers.get("www-authenticate")).toContain("Bearer")
    })

    it("refuses an empty or malformed Authorization", async () => {
      for (const auth of [
        "",
        "   ",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "tot_short",
        "tot_" + "!".repeat(52),
        h.admin + "x"
      ]) {
        expectError(await get("/organizations/users", auth), 401, "UNAUTHORIZED")
      }
    })

    it("refuses a well-formed token that does not exist", async () => {
      expectError(await get("/organizations/users", OrganizationToken.generateSecret()), 401, "UNAUTHORIZED")
    })

    it("takes the raw token and the Bearer form, whatever the scheme's case", async () => {
      for (const auth of [h.admin, `Bearer ${h.admin}`, `bearer ${h.admin}`, `BEARER   ${h.admin}`, `  ${h.admin}  `]) {
        expect((await get("/organizations/users", auth)).status).toBe(200)
      }
    })

    it("refuses a revoked token", async () => {
      const created = await post("/organizations/tokens", h.admin, { name: "revoked", permissions: ["can_view_users"] })
      secrets.add(created.json.token)
      expect((await get("/organizations/users", created.json.token)).status).toBe(200)
      expect((await del(`/organizations/tokens/${created.json.id}`, h.admin)).status).toBe(200)
      expectError(await get("/organizations/users", created.json.token), 401, "UNAUTHORIZED")
    })

    it("refuses an expired token", async () => {
      const created = await post("/organizations/tokens", h.admin, {
        name: "short-lived",
        permissions: ["can_view_users"],
        expiresAt: new Date(Date.now() + 1_000).toISOString()
      })
      expect(created.status).toBe(201)
      secrets.add(created.json.token)
      expect((await get("/organizations/users", created.json.token)).status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, Date.parse(created.json.expiresAt) - Date.now() + 50))
      expectError(await get("/organizations/users", created.json.token), 401, "UNAUTHORIZED")
    })

    it("comes before everything else: an unauthenticated malformed body is 401", async () => {
      const reply = await request("PUT", `/organizations/users/not-a-uuid/role`, { rawBody: "{oops" })
      expectError(reply, 401, "UNAUTHORIZED")
    })
  })

  describe("permissions (403 FORBIDDEN), one per route", () => {
    interface Sample {
      readonly method: string
      readonly path: (ids: { userId: string; tokenId: string }) => string
      readonly body?: unknown
      readonly permission: PermissionType.Permission | null
    }
    const samples: ReadonlyArray<Sample> = [
      { method: "GET", path: () => "/organizations/users", permission: "can_view_users" },
      { method: "POST", path: () => "/organizations/users", body: "new-user", permission: "can_manage_users" },
      { method: "GET", path: ({ userId }) => `/organizations/users/${userId}`, permission: "can_view_users" },
      {
        method: "PUT",
        path: ({ userId }) => `/organizations/users/${userId}/profile`,
        body: { title: "Engineer" },
        permission: "can_manage_users"
      },
      {
        method: "PUT",
        path: ({ userId }) => `/organizations/users/${userId}/role`,
        body: "member-role",
        permission: "can_manage_users"
      },
      ...["deactivate", "activate", "terminate", "forget"].map(
        (action): Sample => ({
          method: "POST",
          path: ({ userId }) => `/organizations/users/${userId}/${action}`,
          permission: "can_manage_users"
        })
      ),
      {
        method: "POST",
        path: ({ userId }) => `/organizations/users/${userId}/reinstate`,
        body: "member-role",
        permission: "can_manage_users"
      },
      {
        method: "POST",
        path: ({ userId }) => `/organizations/users/${userId}/remove`,
        body: { reason: "left" },
        permission: "can_manage_users"
      },
      {
        method: "POST",
        path: ({ userId }) => `/organizations/users/${userId}/reset-mfa`,
        permission: "can_reset_2fa"
      },
      { method: "GET", path: () => "/organizations/roles", permission: null },
      { method: "GET", path: () => "/organizations/tokens", permission: "can_manage_tokens" },
      {
        method: "POST",
        path: () => "/organizations/tokens",
        body: { name: "minted", permissions: ["can_manage_tokens"] },
        permission: "can_manage_tokens"
      },
      {
        method: "DELETE",
        path: ({ tokenId }) => `/organizations/tokens/${tokenId}`,
        permission: "can_manage_tokens"
      },
      { method: "GET", path: () => "/organizations/events", permission: "can_view_audit" }
    ]

    const send = async (sample: Sample, auth: string | undefined) => {
      const userId = await h.acme.add()
      // No stronger than a can_manage_tokens token: revoking it needs nothing more.
      const target = await post("/organizations/tokens", h.admin, {
        name: "target",
        permissions: ["can_manage_tokens"]
      })
      secrets.add(target.json.token)
      const tokenId = target.json.id
      const body =
        sample.body === "new-user"
          ? { email: `new-${randomUuid()}@example.com` }
          : sample.body === "member-role"
            ? { roleId: h.acme.member.id }
            : sample.body
      return request(sample.method, sample.path({ userId, tokenId }), {
        ...(auth === undefined ? {} : { auth }),
        ...(body === undefined ? {} : { body })
      })
    }

    for (const sample of samples) {
      const label = `${sample.method} ${sample.path({ userId: "{userId}", tokenId: "{tokenId}" })}`

      it(`${label} needs a token (401 without one)`, async () => {
        expectError(await send(sample, undefined), 401, "UNAUTHORIZED")
      })

      if (sample.permission === null) {
        it(`${label} is open to any token of the organization`, async () => {
          expect((await send(sample, await h.acme.token(["can_reset_2fa"]))).status).toBe(200)
        })
        continue
      }
      const required = sample.permission

      it(`${label} is 403 without ${required}`, async () => {
        // can_manage_users implies can_view_users, so it goes too when the route needs viewing.
        const lacking = Permission.all.filter(
          (p) => p !== required && !(required === "can_view_users" && p === "can_manage_users")
        )
        const reply = await send(sample, await h.acme.token(lacking))
        expectError(reply, 403, "FORBIDDEN", required)
      })

      it(`${label} is allowed with ${required} alone`, async () => {
        // Past the permission check: the use case answers (a 409 is the state machine speaking).
        const reply = await send(sample, await h.acme.token([required]))
        expect([200, 201, 202, 409]).toContain(reply.status)
      })
    }

    it("a view-only token reads but cannot write", async () => {
      const viewer = await h.acme.token(["can_view_users"])
      const userId = await h.acme.add()
      expect((await get("/organizations/users", viewer)).status).toBe(200)
      expect((await get(`/organizations/users/${userId}`, viewer)).status).toBe(200)
      expectError(await post(`/organizations/users/${userId}/terminate`, viewer), 403, "FORBIDDEN")
      expectError(await put(`/organizations/users/${userId}/profile`, viewer, { title: "x" }), 403, "FORBIDDEN")
      expectError(await post("/organizations/users", viewer, { email: "v@example.com" }), 403, "FORBIDDEN")
      expectError(await post(`/organizations/users/${userId}/reset-mfa`, viewer), 403, "FORBIDDEN")
    })

    it("can_reset_2fa alone resets MFA and nothing else", async () => {
      const support = await h.acme.token(["can_reset_2fa"])
      const userId = await h.acme.add()
      expect((await post(`/organizations/users/${userId}/reset-mfa`, support)).status).toBe(202)
      expectError(await get(`/organizations/users/${userId}`, support), 403, "FORBIDDEN")
      expectError(await post(`/organizations/users/${userId}/terminate`, support), 403, "FORBIDDEN")
    })

    it("can_manage_users implies can_view_users", async () => {
      const manager = await h.acme.token(["can_manage_users"])
      expect((await get("/organizations/users", manager)).status).toBe(200)
    })
  })

  describe("the order of checks: 401 → 403 → 400 → 404 → 409", () => {
    it("403 before 400: a view-only token sending a malformed body to a write route", async () => {
      const viewer = await h.acme.token(["can_view_users"])
      expectError(
        await request("PUT", "/organizations/users/not-a-uuid/role", { auth: viewer, rawBody: "{oops" }),
        403,
        "FORBIDDEN"
      )
      expectError(
        await request("PUT", `/organizations/users/${randomUuid()}/profile`, { auth: viewer, body: [1, 2] }),
        403,
        "FORBIDDEN"
      )
    })

    it("403 before 413: the body of a forbidden request is never read", async () => {
      const viewer = await h.acme.token(["can_view_users"])
      const reply = await request("POST", "/organizations/users", {
        auth: viewer,
        rawBody: JSON.stringify({ email: "x".repeat(2 * 1024 * 1024) })
      })
      expectError(reply, 403, "FORBIDDEN")
    })

    it("400 naming userId for a bad id, with a valid token", async () => {
      for (const bad of ["not-a-uuid", "123", "tot_abc"]) {
        const reply = await get(`/organizations/users/${bad}`, h.admin)
        expectError(reply, 400, "VALIDATION_FAILED", /^userId: /)
      }
    })

    it("400 lists every problem of the path and the body at once", async () => {
      const reply = await put("/organizations/users/nope/role", h.admin, { roleId: "nope", extra: true })
      expect(reply.status).toBe(400)
      const messages = reply.json.errors.map((e: any) => e.message)
      expect(messages).toHaveLength(3)
      expect(messages.some((m: string) => m.startsWith("userId: "))).toBe(true)
      expect(messages.some((m: string) => m.startsWith("roleId: "))).toBe(true)
      expect(messages).toContain("extra: is not a recognised field")
    })

    it("400 before 404: a malformed body for a user who does not exist", async () => {
      expectError(
        await put(`/organizations/users/${randomUuid()}/role`, h.admin, {}),
        400,
        "VALIDATION_FAILED",
        "roleId: is required"
      )
    })

    it("404 USER_NOT_FOUND for an unknown user, on every user route", async () => {
      const id = randomUuid()
      expectError(await get(`/organizations/users/${id}`, h.admin), 404, "USER_NOT_FOUND", id)
      expectError(await put(`/organizations/users/${id}/profile`, h.admin, { title: "x" }), 404, "USER_NOT_FOUND")
      expectError(
        await put(`/organizations/users/${id}/role`, h.admin, { roleId: h.acme.member.id }),
        404,
        "USER_NOT_FOUND"
      )
      for (const action of ["deactivate", "activate", "terminate", "forget", "reset-mfa"]) {
        expectError(await post(`/organizations/users/${id}/${action}`, h.admin), 404, "USER_NOT_FOUND")
      }
      expectError(
        await post(`/organizations/users/${id}/reinstate`, h.admin, { roleId: h.acme.member.id }),
        404,
        "USER_NOT_FOUND"
      )
      expectError(await post(`/organizations/users/${id}/remove`, h.admin, { reason: "x" }), 404, "USER_NOT_FOUND")
    })

    it("an id in upper case names the same user", async () => {
      const userId = await h.acme.add()
      expect((await get(`/organizations/users/${userId.toUpperCase()}`, h.admin)).json.id).toBe(userId)
    })

    it("404 before 409: an unknown user cannot be in the wrong state", async () => {
      expectError(await post(`/organizations/users/${randomUuid()}/activate`, h.admin), 404, "USER_NOT_FOUND")
    })

    it("a role that does not exist in the organization is 400 ROLE_NOT_FOUND, before the user is looked up", async () => {
      const role = randomUuid()
      expectError(
        await post(`/organizations/users/${randomUuid()}/reinstate`, h.admin, { roleId: role }),
        400,
        "ROLE_NOT_FOUND",
        role
      )
    })
  })

  describe("tenant isolation", () => {
    it("a token of another organization sees none of its users: 404, never 403", async () => {
      const globex = await organization()
      const globexAdmin = await globex.token(Permission.all)
      const userId = await h.acme.add()
      expectError(await get(`/organizations/users/${userId}`, globexAdmin), 404, "USER_NOT_FOUND")
      expectError(await post(`/organizations/users/${userId}/terminate`, globexAdmin), 404, "USER_NOT_FOUND")
      expectError(
        await put(`/organizations/users/${userId}/profile`, globexAdmin, { title: "x" }),
        404,
        "USER_NOT_FOUND"
      )
      expectError(await post(`/organizations/users/${userId}/reset-mfa`, globexAdmin), 404, "USER_NOT_FOUND")
      const list = await get("/organizations/users?size=200", globexAdmin)
      expect(list.json.content.map((u: any) => u.id)).not.toContain(userId)
      expect((await get(`/organizations/users/${userId}`, h.admin)).json.profile.status).toBe("ACTIVE")
    })

    it("the roles, tokens and events of another organization are out of reach", async () => {
      const globex = await organization()
      const globexAdmin = await globex.token(Permission.all)
      const roles = await get("/organizations/roles", globexAdmin)
      expect(roles.json.map((r: any) => r.id).sort()).toEqual([globex.admin.id, globex.member.id].sort())
      expectError(
        await put(`/organizations/users/${await globex.add()}/role`, globexAdmin, { roleId: h.acme.admin.id }),
        400,
        "ROLE_NOT_FOUND"
      )
      const acmeTokenId = (await get("/organizations/tokens", h.admin)).json[0].id
      expectError(await del(`/organizations/tokens/${acmeTokenId}`, globexAdmin), 404, "TOKEN_NOT_FOUND")
      expect((await get("/organizations/tokens", globexAdmin)).json.map((t: any) => t.id)).not.toContain(acmeTokenId)
      const acmeUser = await h.acme.add()
      const events = await get("/organizations/events?size=200", globexAdmin)
      expect(events.json.content.length).toBeGreaterThan(0)
      expect(events.json.content.map((e: any) => e.userId)).not.toContain(acmeUser)
      expect((await get(`/organizations/events?userId=${acmeUser}`, globexAdmin)).json.totalElements).toBe(0)
    })
  })
}
