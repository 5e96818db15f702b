/**
 * The HTTP suite's changes to a member: the profile (and the body it is sent in), the role, the
 * membership state machine and LAST_MANAGER.
 */
import { Lifecycle, MembershipStatus, Permission, randomUuid } from "@roster/domain"
import { describe, expect, it } from "vitest"
import type { Harness } from "./HttpHarness.js"

export const tests = (h: Harness) => {
  const { request, get, post, put, expectError, organization, bringTo } = h

  describe("PUT /organizations/users/{userId}/profile", () => {
    it("an absent field stays, null clears it, text is trimmed", async () => {
      const userId = await h.acme.add({ firstName: "Margaret", lastName: "Hamilton", title: "Engineer" })
      const path = `/organizations/users/${userId}/profile`
      const cleared = await put(path, h.admin, { title: null })
      expect(cleared.status).toBe(200)
      expect(cleared.json.profile).toMatchObject({ firstName: "Margaret", lastName: "Hamilton", title: null })
      const unchanged = await put(path, h.admin, {})
      expect(unchanged.json.profile).toMatchObject({ firstName: "Margaret", lastName: "Hamilton", title: null })
      const renamed = await put(path, h.admin, { firstName: "  Maggie  ", lastName: null })
      expect(renamed.json.profile).toMatchObject({ firstName: "Maggie", lastName: null, title: null })
      expect((await get(`/organizations/users/${userId}`, h.admin)).json.profile).toMatchObject({
        firstName: "Maggie",
        lastName: null
      })
    })

    it("refuses an empty name, wrong types, overlong text and unknown fields, naming each", async () => {
      const path = `/organizations/users/${await h.acme.add()}/profile`
      expectError(await put(path, h.admin, { firstName: "" }), 400, "VALIDATION_FAILED", "firstName: must not be empty")
      expectError(await put(path, h.admin, { lastName: 7 }), 400, "VALIDATION_FAILED", /^lastName: /)
      expectError(
        await put(path, h.admin, { title: "x".repeat(201) }),
        400,
        "VALIDATION_FAILED",
        "title: must be at most 200 characters"
      )
      const both = await put(path, h.admin, { firstName: ["a"], nickname: "Al" })
      expect(both.json.errors.map((e: any) => e.message.split(":")[0]).sort()).toEqual(["firstName", "nickname"])
    })

    it("refuses a body that is not a JSON object, a missing body, malformed JSON and a non-JSON Content-Type", async () => {
      const path = `/organizations/users/${await h.acme.add()}/profile`
      for (const rawBody of ["[]", '"text"', "null", "42", "true"]) {
        expectError(
          await request("PUT", path, { auth: h.admin, rawBody }),
          400,
          "VALIDATION_FAILED",
          "body: must be a JSON object"
        )
      }
      expectError(await request("PUT", path, { auth: h.admin }), 400, "VALIDATION_FAILED", /^body: is required/)
      expectError(
        await request("PUT", path, { auth: h.admin, rawBody: '{"title": ' }),
        400,
        "VALIDATION_FAILED",
        "body: is not valid JSON"
      )
      expectError(
        await request("PUT", path, {
          auth: h.admin,
          rawBody: "title=x",
          contentType: "application/x-www-form-urlencoded"
        }),
        400,
        "VALIDATION_FAILED",
        "body: must be JSON"
      )
      expectError(
        await request("PUT", path, { auth: h.admin, rawBody: '{"title":"x"}', contentType: null }),
        400,
        "VALIDATION_FAILED",
        "body: must be JSON"
      )
      expectError(
        await request("PUT", path, {
          auth: h.admin,
          rawBody: '{"title":"x"}',
          contentType: "application/json; charset=latin1"
        }),
        400,
        "VALIDATION_FAILED",
        "UTF-8"
      )
      expect(
        (
          await request("PUT", path, {
            auth: h.admin,
            rawBody: '{"title":"x"}',
            contentType: "application/json; charset=utf-8"
          })
        ).status
      ).toBe(200)
      expect(
        (
          await request("PUT", path, {
            auth: h.admin,
            rawBody: '{"title":"y"}',
            contentType: "application/merge-patch+json"
          })
        ).status
      ).toBe(200)
    })

    it("413 PAYLOAD_TOO_LARGE for a body over 1 MB", async () => {
      const path = `/organizations/users/${await h.acme.add()}/profile`
      const reply = await request("PUT", path, {
        auth: h.admin,
        rawBody: JSON.stringify({ title: "x".repeat(2 * 1024 * 1024) })
      })
      expectError(reply, 413, "PAYLOAD_TOO_LARGE", "1 MB")
      // The connection is still good for the next request.
      expect((await get(`/organizations/users?size=1`, h.admin)).status).toBe(200)
    })

    it("413 for a body over 1 MB whatever its type", async () => {
      const path = `/organizations/users/${await h.acme.add()}/profile`
      const reply = await request("PUT", path, {
        auth: h.admin,
        rawBody: "x".repeat(2 * 1024 * 1024),
        contentType: "text/plain"
      })
      expectError(reply, 413, "PAYLOAD_TOO_LARGE", "1 MB")
    })

    it("refuses bodies nested too deep, not UTF-8, or not decodable as their Content-Encoding (400, never 500)", async () => {
      const userId = await h.acme.add()
      const path = `/organizations/users/${userId}/profile`
      const deep = `{"title":${"[".repeat(100_000)}${"]".repeat(100_000)}}`
      expectError(
        await request("PUT", path, { auth: h.admin, rawBody: deep }),
        400,
        "VALIDATION_FAILED",
        "title: is nested more than 32 levels deep"
      )
      const latin1 = Buffer.from('{"title":"caf\xe9"}', "latin1")
      expectError(
        await request("PUT", path, { auth: h.admin, rawBody: latin1 }),
        400,
        "VALIDATION_FAILED",
        "body: must be UTF-8"
      )
      for (const encoding of ["gzip", "deflate", "br"]) {
        expectError(
          await request("PUT", path, {
            auth: h.admin,
            rawBody: '{"title":"x"}',
            headers: { "content-encoding": encoding }
          }),
          400,
          "VALIDATION_FAILED",
          `body: could not be decoded as Content-Encoding ${encoding}`
        )
      }
      expect((await get(`/organizations/users/${userId}`, h.admin)).json.profile.title).toBeNull()
    })

    it("quotes no more than a few hundred characters of a rejected value", async () => {
      const path = `/organizations/users/${await h.acme.add()}/profile`
      const reply = await put(path, h.admin, { firstName: Array.from({ length: 5000 }, (_, i) => i) })
      expect(reply.status).toBe(400)
      expect(reply.json.errors[0].message.length).toBeLessThanOrEqual(500)
    })
  })

  describe("PUT /organizations/users/{userId}/role", () => {
    it("changes the role; roleId and profile.roleId agree", async () => {
      const userId = await h.acme.add()
      const reply = await put(`/organizations/users/${userId}/role`, h.admin, { roleId: h.acme.admin.id })
      expect(reply.status).toBe(200)
      expect(reply.json.roleId).toBe(h.acme.admin.id)
      expect(reply.json.profile.roleId).toBe(h.acme.admin.id)
    })

    it("refuses a bad roleId (400), an unknown one (400 ROLE_NOT_FOUND) and an escalation (403 ROLE_ESCALATION)", async () => {
      const userId = await h.acme.add()
      const path = `/organizations/users/${userId}/role`
      expectError(await put(path, h.admin, { roleId: "Admin" }), 400, "VALIDATION_FAILED", /^roleId: /)
      expectError(await put(path, h.admin, {}), 400, "VALIDATION_FAILED", "roleId: is required")
      expectError(await put(path, h.admin, { roleId: randomUuid() }), 400, "ROLE_NOT_FOUND")
      const reply = await put(path, await h.acme.token(["can_manage_users"]), { roleId: h.acme.admin.id })
      expectError(reply, 403, "ROLE_ESCALATION", "can_manage_tokens")
    })
  })

  describe("the membership state machine, over HTTP", () => {
    const operationRequest = (operation: Lifecycle.Operation, userId: string, roleId: string) => {
      const user = `/organizations/users/${userId}`
      switch (operation) {
        case "updateProfile":
          return put(`${user}/profile`, h.admin, { title: "Engineer" })
        case "changeRole":
          return put(`${user}/role`, h.admin, { roleId })
        case "reinstate":
          return post(`${user}/reinstate`, h.admin, { roleId })
        case "remove":
          return post(`${user}/remove`, h.admin, { reason: "left the company" })
        case "resetMfa":
          return post(`${user}/reset-mfa`, h.admin)
        default:
          return post(`${user}/${operation}`, h.admin)
      }
    }

    for (const from of MembershipStatus.all) {
      for (const operation of Lifecycle.operations) {
        const to = Lifecycle.table[from][operation]
        it(`${from} --${operation}--> ${to ?? "409 INVALID_STATUS_TRANSITION"}`, async () => {
          const userId = await h.acme.add()
          await bringTo(h.acme, userId, from)
          const reply = await operationRequest(operation, userId, h.acme.member.id)
          if (to === null) {
            expectError(reply, 409, "INVALID_STATUS_TRANSITION", from)
          } else {
            expect(reply.status).toBe(operation === "resetMfa" ? 202 : 200)
            if (operation !== "resetMfa") expect(reply.json.profile.status).toBe(to)
          }
          expect((await get(`/organizations/users/${userId}`, h.admin)).json.profile.status).toBe(to ?? from)
        })
      }
    }

    it("reset-mfa answers 202 with an empty body and no Content-Type", async () => {
      const reply = await post(`/organizations/users/${await h.acme.add()}/reset-mfa`, h.admin)
      expect(reply.status).toBe(202)
      expect(reply.text).toBe("")
      expect(reply.headers.get("content-type")).toBeNull()
    })

    it("an operation that takes no body accepts none or {}, and refuses fields", async () => {
      const a = await h.acme.add()
      expect((await request("POST", `/organizations/users/${a}/deactivate`, { auth: h.admin, body: {} })).status).toBe(
        200
      )
      expect(
        (
          await request("POST", `/organizations/users/${a}/activate`, {
            auth: h.admin,
            contentType: "application/json"
          })
        ).status
      ).toBe(200)
      expectError(
        await request("POST", `/organizations/users/${a}/terminate`, { auth: h.admin, body: { reason: "x" } }),
        400,
        "VALIDATION_FAILED",
        "reason: is not a recognised field"
      )
      expectError(
        await request("POST", `/organizations/users/${a}/terminate`, {
          auth: h.admin,
          rawBody: "bye",
          contentType: "text/plain"
        }),
        400,
        "VALIDATION_FAILED",
        /^body: /
      )
      expect((await get(`/organizations/users/${a}`, h.admin)).json.profile.status).toBe("ACTIVE")
    })

    it("reinstate needs a roleId and may not escalate", async () => {
      const userId = await h.acme.add()
      await bringTo(h.acme, userId, "TERMINATED")
      expectError(
        await post(`/organizations/users/${userId}/reinstate`, h.admin),
        400,
        "VALIDATION_FAILED",
        /^body: is required/
      )
      expectError(
        await post(`/organizations/users/${userId}/reinstate`, h.admin, {}),
        400,
        "VALIDATION_FAILED",
        "roleId: is required"
      )
      const manager = await h.acme.token(["can_manage_users"])
      expectError(
        await post(`/organizations/users/${userId}/reinstate`, manager, { roleId: h.acme.admin.id }),
        403,
        "ROLE_ESCALATION"
      )
      const reply = await post(`/organizations/users/${userId}/reinstate`, manager, { roleId: h.acme.member.id })
      expect(reply.json.profile).toMatchObject({ status: "ACTIVE", roleId: h.acme.member.id })
    })

    it("remove needs a reason", async () => {
      const userId = await h.acme.add()
      expectError(
        await post(`/organizations/users/${userId}/remove`, h.admin, {}),
        400,
        "VALIDATION_FAILED",
        "reason: is required"
      )
      expectError(
        await post(`/organizations/users/${userId}/remove`, h.admin, { reason: "  " }),
        400,
        "VALIDATION_FAILED",
        "reason: must not be empty"
      )
    })

    it("forget erases the names, the title and (with no other membership) the email", async () => {
      const email = `forget-${randomUuid()}@example.com`
      const userId = await h.acme.add({ email, firstName: "Forget", lastName: "Me", title: "Temp" })
      await post(`/organizations/users/${userId}/terminate`, h.admin)
      const reply = await post(`/organizations/users/${userId}/forget`, h.admin)
      expect(reply.json.profile).toMatchObject({ status: "FORGOTTEN", firstName: null, lastName: null, title: null })
      expect(reply.json.email).not.toContain("forget-")
      const events = await get(`/organizations/events?userId=${userId}&size=200`, h.admin)
      expect(JSON.stringify(events.json)).not.toContain(email)
      expect(JSON.stringify(events.json)).not.toContain("Forget")
    })
  })

  describe("OUTRANKED: a lesser actor may not act on a greater one", () => {
    it("a token of can_manage_users alone cannot change or move an Admin; a Member it can", async () => {
      const org = await organization()
      await org.add({ roleId: org.admin.id })
      const boss = await org.add({ roleId: org.admin.id, firstName: "Grace" })
      const manager = await org.token(["can_manage_users"])
      const user = `/organizations/users/${boss}`
      const outranked = /^You cannot act on a member whose role holds permissions you do not: .*can_manage_tokens/
      expectError(await put(`${user}/role`, manager, { roleId: org.member.id }), 403, "OUTRANKED", outranked)
      expectError(await put(`${user}/profile`, manager, { firstName: "Mallory" }), 403, "OUTRANKED", outranked)
      expectError(await post(`${user}/deactivate`, manager), 403, "OUTRANKED", outranked)
      expectError(await post(`${user}/terminate`, manager), 403, "OUTRANKED", outranked)
      expectError(await post(`${user}/remove`, manager, { reason: "x" }), 403, "OUTRANKED", outranked)
      // Nothing changed, and nothing was recorded.
      const admin = await org.token(Permission.all)
      expect((await get(user, admin)).json.profile).toMatchObject({
        status: "ACTIVE",
        roleId: org.admin.id,
        firstName: "Grace"
      })
      const events = await get(`/organizations/events?userId=${boss}&size=200`, admin)
      expect(events.json.content.map((e: any) => e.type)).toEqual(["user.added"])
      // Bringing them back, or forgetting them once REMOVED, is acting on them too.
      await bringTo(org, boss, "TERMINATED")
      expectError(await post(`${user}/reinstate`, manager, { roleId: org.member.id }), 403, "OUTRANKED", outranked)
      await bringTo(org, boss, "REMOVED")
      expectError(await post(`${user}/forget`, manager), 403, "OUTRANKED", outranked)
      // Acting on an equal or lesser member is allowed, as before.
      const plain = await org.add()
      expect((await post(`/organizations/users/${plain}/terminate`, manager)).status).toBe(200)
      expect((await put(`/organizations/users/${plain}/profile`, manager, { title: "Alumna" })).status).toBe(200)
    })
  })

  describe("LAST_MANAGER", () => {
    it("the last ACTIVE member who can manage users cannot be terminated, deactivated, removed or demoted", async () => {
      const org = await organization()
      const token = await org.token(Permission.all)
      const boss = await org.add({ roleId: org.admin.id })
      const user = `/organizations/users/${boss}`
      expectError(await post(`${user}/terminate`, token), 409, "LAST_MANAGER")
      expectError(await post(`${user}/deactivate`, token), 409, "LAST_MANAGER")
      expectError(await post(`${user}/remove`, token, { reason: "x" }), 409, "LAST_MANAGER")
      expectError(await put(`${user}/role`, token, { roleId: org.member.id }), 409, "LAST_MANAGER")
      expect((await get(user, token)).json.profile).toMatchObject({ status: "ACTIVE", roleId: org.admin.id })
      const second = await post("/organizations/users", token, {
        email: `boss2-${randomUuid()}@example.com`,
        roleId: org.admin.id
      })
      expect(second.status).toBe(201)
      expect((await post(`${user}/terminate`, token)).json.profile.status).toBe("TERMINATED")
      expectError(await post(`/organizations/users/${second.json.id}/terminate`, token), 409, "LAST_MANAGER")
    })
  })
}
