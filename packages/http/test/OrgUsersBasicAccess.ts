/**
 * org-users-basic: who may call it, in which organization, and a request's shape — 401, 403 before
 * anything is looked up or changed (another organization's `org_id`, a missing permission, a
 * session in an organization where the user is not ACTIVE), and 400 for a wrong or missing
 * `action` or `org_id`; a session acts where its user is an ACTIVE member.
 */
import { describe, expect, it } from "vitest"
import * as HttpClient from "./HttpClient.js"
import * as IdentityHarness from "./IdentityHarness.js"
import { type Change, type Harness, actions, paths } from "./OrgUsersBasicHarness.js"

const changes: ReadonlyArray<Change> = ["add", "update", "remove"]

export const tests = (h: Harness) => {
  const { identity, send, list, change, expectFailure, organization } = h

  /** A body each change accepts, for the user `email` of `orgId`. */
  const bodyOf = (kind: Change, orgId: string, email: string) =>
    kind === "add"
      ? { org_id: orgId, user_id: email }
      : kind === "update"
        ? { org_id: orgId, user_id: email, state: "inactive" }
        : { org_id: orgId, user_id: email, reason: "left" }

  describe("org-users-basic: access", () => {
    it("answers 401 without a secret, or with one nobody holds, before reading anything", async () => {
      const org = await organization()
      const missing = await list("", org.id)
      expectFailure(missing, 401, "UNAUTHORIZED")
      expect(missing.headers.get("www-authenticate")).toContain("Bearer")
      expectFailure(await list("Bearer tot_nobody", org.id), 401, "UNAUTHORIZED")
      for (const kind of changes) {
        expectFailure(
          await change(kind, "Bearer ses_nobody", bodyOf(kind, org.id, "x@example.com")),
          401,
          "UNAUTHORIZED"
        )
      }
    })

    it("answers 403 for another organization's org_id, and nothing happens there", async () => {
      const mine = await organization()
      const theirs = await organization()
      const token = await mine.token()
      const victim = await theirs.add({ roleId: theirs.admin.id as any })
      const before = await h.events(theirs)
      expectFailure(await list(token, theirs.id), 403, "FORBIDDEN", "You do not act in this organization")
      for (const kind of changes) {
        const email = kind === "add" ? IdentityHarness.uniqueEmail() : victim.email
        expectFailure(await change(kind, token, bodyOf(kind, theirs.id, email)), 403, "FORBIDDEN")
      }
      expect(await h.events(theirs)).toEqual(before)
      expect(await h.users(theirs)).toEqual(new Map([[victim.email, { role: "Admin", state: "active" }]]))
      // An id that is no organization's, or no id at all, is not yours either.
      expectFailure(await list(token, "42"), 403, "FORBIDDEN")
      expectFailure(await change("add", token, { org_id: 42, user_id: "x@example.com" }), 403, "FORBIDDEN")
      expectFailure(await list(token, "00000000-0000-4000-8000-000000000000"), 403, "FORBIDDEN")
    })

    it("answers 403 for a permission the caller lacks, before the body is read", async () => {
      const org = await organization()
      const viewer = await org.token(["can_view_users"])
      for (const kind of changes) {
        const refused = await change(kind, viewer, bodyOf(kind, org.id, IdentityHarness.uniqueEmail()))
        expectFailure(refused, 403, "FORBIDDEN", "can_manage_users")
      }
      expectFailure(await list(await org.token(["can_manage_tokens"]), org.id), 403, "FORBIDDEN", "can_view_users")
      // 403 before the request's own fields are looked at.
      const early = await send("GET", `${paths.list}?action=nope&org_id=${org.id}`, {
        auth: await org.token(["can_reset_2fa"])
      })
      expectFailure(early, 403, "FORBIDDEN")
    })

    it("answers 400 naming action and the value expected when it is wrong or missing", async () => {
      const org = await organization()
      const token = await org.token()
      const member = await org.add()
      expectFailure(
        await send("GET", `${paths.list}?action=user&org_id=${org.id}`, { auth: token }),
        400,
        "VALIDATION_FAILED",
        'action: must be "users"'
      )
      expectFailure(
        await send("GET", `${paths.list}?org_id=${org.id}`, { auth: token }),
        400,
        "VALIDATION_FAILED",
        'action: is required: "users"'
      )
      for (const kind of changes) {
        const body = bodyOf(kind, org.id, member.email)
        const expected = actions[kind]
        const wrong = await send("POST", `${paths[kind]}?action=users`, { auth: token, body })
        expectFailure(wrong, 400, "VALIDATION_FAILED", `action: must be "${expected}"`)
        const missing = await send("POST", paths[kind], { auth: token, body })
        expectFailure(missing, 400, "VALIDATION_FAILED", `action: is required: "${expected}"`)
        const twice = await send("POST", `${paths[kind]}?action=${expected}&action=${expected}`, { auth: token, body })
        expectFailure(twice, 400, "VALIDATION_FAILED", "action: must be given once")
      }
      // Nothing was changed by any of them.
      expect((await h.users(org)).get(member.email)).toEqual({ role: "Member", state: "active" })
      expectFailure(
        await send("GET", `${paths.list}?action=users&org_id=${org.id}&status=ACTIVE`, { auth: token }),
        400,
        "VALIDATION_FAILED",
        /^status: is not a recognised query parameter; use action, org_id, page, size/
      )
    })

    it("answers 400 when org_id is missing, and for a body that is no JSON object", async () => {
      const org = await organization()
      const token = await org.token()
      expectFailure(
        await send("GET", `${paths.list}?action=users`, { auth: token }),
        400,
        "VALIDATION_FAILED",
        "org_id: is required"
      )
      expectFailure(
        await change("add", token, { user_id: "x@example.com" }),
        400,
        "VALIDATION_FAILED",
        "org_id: is required"
      )
      const garbled = await send("POST", `${paths.add}?action=add_user`, { auth: token, rawBody: "{ not json" })
      expectFailure(garbled, 400, "VALIDATION_FAILED", "not valid JSON")
      const unknown = await change("add", token, { org_id: org.id, user_id: "x@example.com", name: "X" })
      expectFailure(unknown, 400, "VALIDATION_FAILED", "name: is not a recognised field")
    })

    it("answers 413 for a body over the limit, in the surface's shape", async () => {
      const org = await organization()
      const token = await org.token()
      for (const kind of changes) {
        const huge = await change(kind, token, {
          ...bodyOf(kind, org.id, "x@example.com"),
          padding: "x".repeat(1024 * 1024)
        })
        expectFailure(huge, 413, "PAYLOAD_TOO_LARGE")
      }
    })

    it("answers a wrong method with 405 in the surface's shape, and OPTIONS with the methods", async () => {
      const org = await organization()
      const token = await org.token()
      for (const [path, allowed] of [
        [paths.list, "GET, HEAD"],
        [paths.add, "POST"]
      ] as const) {
        // Not a documented answer of any operation: sent around the document's check.
        const wrong = await HttpClient.send(identity.url(), "PUT", `${path}?org_id=${org.id}`, {
          auth: token,
          body: {}
        })
        expect(wrong.status).toBe(405)
        expect(wrong.headers.get("allow")).toBe(allowed)
        expect(wrong.json).toMatchObject({ status: 405, error: { code: "METHOD_NOT_ALLOWED" } })
        expect(wrong.json.error).toEqual(wrong.json.errors[0])
        const options = await HttpClient.send(identity.url(), "OPTIONS", path)
        expect(options.status).toBe(204)
        expect(options.headers.get("allow")).toBe(`${allowed}, OPTIONS`)
      }
    })

    it("answers an unknown path under the surface with 404 in its shape; its document is still served", async () => {
      for (const path of ["/v1/organizations/users/nowhere", "/v1/organizations/users/list/extra"]) {
        const missing = await HttpClient.send(identity.url(), "GET", path)
        expect(missing.status).toBe(404)
        expect(missing.json).toMatchObject({ status: 404, error: { code: "NOT_FOUND" } })
        expect(missing.json.error).toEqual(missing.json.errors[0])
      }
      const document = await HttpClient.send(identity.url(), "GET", "/v1/organizations/users/openapi.json")
      expect(document.status).toBe(200)
      expect(document.json.openapi).toMatch(/^3\./)
    })

    it("lets a session act where its user is an ACTIVE member, and nowhere else", async () => {
      const org = await organization()
      const other = await organization()
      const password = IdentityHarness.password()
      const manager = await org.add({ roleId: org.admin.id as any, password: password as any })
      // A member of the other organization too, but INACTIVE there.
      const elsewhere = await other.add({ email: manager.email, status: "INACTIVE" })
      expect(elsewhere.id).toBe(manager.id)
      const { auth } = await identity.signIn(manager.email, password)
      const listed = await list(auth, org.id)
      expect(listed.status).toBe(200)
      expect(listed.json.mfa).toEqual({ view: true, create: true, update: true, delete: true, usersmgmt: true })
      const added = IdentityHarness.uniqueEmail()
      expect((await change("add", auth, { org_id: org.id, user_id: added, role: "member" })).status).toBe(200)
      expect((await h.users(org)).get(added)).toEqual({ role: "Member", state: "active" })
      // Where the membership is INACTIVE, and where there is none: 403, nothing happens.
      const stranger = await organization()
      const before = await h.events(other)
      for (const target of [other, stranger]) {
        expectFailure(await list(auth, target.id), 403, "FORBIDDEN")
        expectFailure(
          await change("add", auth, { org_id: target.id, user_id: IdentityHarness.uniqueEmail() }),
          403,
          "FORBIDDEN"
        )
      }
      expect(await h.events(other)).toEqual(before)
      expect([...(await h.users(stranger)).keys()]).toEqual([])
    })

    it("holds a session to its member's role, and to changing its password first", async () => {
      const org = await organization()
      const password = IdentityHarness.password()
      const member = await org.add({ password: password as any })
      const { auth } = await identity.signIn(member.email, password)
      const listed = await list(auth, org.id)
      expect(listed.json.mfa).toEqual({ view: true, create: false, update: false, delete: false, usersmgmt: false })
      expectFailure(
        await change("add", auth, { org_id: org.id, user_id: IdentityHarness.uniqueEmail() }),
        403,
        "FORBIDDEN",
        "can_manage_users"
      )
      const newcomer = await org.add({
        password: password as any,
        askUserToUpdatePasswordOnLogin: true,
        roleId: org.admin.id as any
      })
      const pending = await identity.signIn(newcomer.email, password)
      expect(pending.body.passwordChangeRequired).toBe(true)
      expectFailure(await list(pending.auth, org.id), 403, "PASSWORD_CHANGE_REQUIRED")
    })
  })
}
