/**
 * The org-user-admin suite: who may call (401, 403 before anything is looked up or read), across
 * organizations (another's orgId is 403 and changes nothing, another's userId is 404), sessions
 * acting in the path's organization, wrong methods and unknown paths in the surface's shape, a 500
 * that says nothing of the server, and the document served.
 */
import { readFile } from "node:fs/promises"
import { OrgUserAdmin } from "@roster/api"
import { describe, expect, it } from "vitest"
import { ErrorResponse } from "../src/index.js"
import type { Harness } from "./OrgUserAdminHarness.js"
import * as OrgUserAdminHarness from "./OrgUserAdminHarness.js"

const { errorCodes } = OrgUserAdmin
const { domain, http } = errorCodes

/** Every route of the document, with a body it would take, on `userId` where it names one. */
const everyRoute = (orgId: string, userId: string) => {
  const user = `/v1/org/${orgId}/user/${userId}`
  return [
    {
      method: "POST",
      path: `/v1/org/${orgId}/user`,
      body: { email: "x@example.com", password: "a-long-password", first_name: "A", last_name: "B" }
    },
    { method: "GET", path: `/v1/org/${orgId}/user?q=example` },
    { method: "POST", path: `${user}/password/reset`, body: { password: "another-password" } },
    { method: "GET", path: `${user}/magiclink` },
    { method: "POST", path: `${user}/delete` },
    { method: "POST", path: `${user}/disable` },
    { method: "POST", path: `${user}/enable` }
  ] as const
}

export const tests = (h: Harness) => {
  const { request, get, post, expectError } = h

  describe("who may call", () => {
    it("401 without Authorization, or with a token or session that is not one, on every route", async () => {
      const org = await h.organization()
      const member = await org.add()
      for (const route of everyRoute(org.id, member.id)) {
        for (const auth of [undefined, "Bearer tot_notatoken", "Bearer ses_notasession", "Basic Zm9vOmJhcg=="]) {
          const reply = await request(route.method, route.path, {
            ...(auth === undefined ? {} : { auth }),
            ...("body" in route ? { body: route.body } : {})
          })
          expectError(reply, 401, "UNAUTHORIZED", domain.Unauthorized)
        }
      }
      expect(await h.statusOf(org, member.id)).toBe("ACTIVE")
    })

    it("403 for another organization's orgId, before anything is looked up or read, changing nothing", async () => {
      const acme = await h.organization()
      const globex = await h.organization()
      const token = await acme.token()
      const theirs = await globex.add()
      for (const route of everyRoute(globex.id, theirs.id)) {
        const reply = await request(route.method, route.path, {
          auth: token,
          // A malformed body would be 422 after the organization was accepted: 403 comes first.
          ...(route.method === "POST" ? { body: { nonsense: true } } : {})
        })
        expectError(reply, 403, "FORBIDDEN", domain.Forbidden, /do not act in this organization/)
      }
      // The same with a user who does not exist, and an orgId that is no id at all.
      for (const route of [...everyRoute(globex.id, crypto.randomUUID()), ...everyRoute("acme", theirs.id)]) {
        expectError(await request(route.method, route.path, { auth: token }), 403, "FORBIDDEN", domain.Forbidden)
      }
      expect(await h.statusOf(globex, theirs.id)).toBe("ACTIVE")
      const list = await get(`/v1/org/${globex.id}/user`, await globex.token())
      expect(list.json.items.map((item: any) => item.id)).toEqual([theirs.id])
    })

    it("404 for a userId of another organization, an unknown one and one that is no id, with its own token", async () => {
      const acme = await h.organization()
      const globex = await h.organization()
      const token = await acme.token()
      const theirs = await globex.add({ password: OrgUserAdminHarness.password() as any })
      for (const userId of [theirs.id, crypto.randomUUID(), "not-an-id", theirs.id.toUpperCase().replace(/-/g, "")]) {
        for (const route of everyRoute(acme.id, userId).filter((route) => route.path.includes(userId))) {
          const reply = await request(route.method, route.path, {
            auth: token,
            ...("body" in route ? { body: route.body } : {})
          })
          expectError(reply, 404, "USER_NOT_FOUND", domain.UserNotFound)
        }
      }
      expect(await h.statusOf(globex, theirs.id)).toBe("ACTIVE")
    })

    it("an id in upper case is the same user", async () => {
      const org = await h.organization()
      const member = await org.add()
      const reply = await post(
        `/v1/org/${org.id.toUpperCase()}/user/${member.id.toUpperCase()}/disable`,
        await org.token()
      )
      expect(reply.status).toBe(204)
      expect(await h.statusOf(org, member.id)).toBe("INACTIVE")
    })

    it("403 for a token without can_manage_users on ADMIN routes, before the body; MEMBER's list takes can_view_users", async () => {
      const org = await h.organization()
      const member = await org.add()
      const viewer = await org.token(["can_view_users"])
      for (const route of everyRoute(org.id, member.id).filter((route) => !route.path.includes("?q="))) {
        const reply = await request(route.method, route.path, {
          auth: viewer,
          ...(route.method === "POST" ? { body: { nonsense: true } } : {})
        })
        expectError(reply, 403, "FORBIDDEN", domain.Forbidden, /can_manage_users/)
      }
      expect((await get(`/v1/org/${org.id}/user`, viewer)).status).toBe(200)
      expectError(
        await get(`/v1/org/${org.id}/user`, await org.token(["can_view_audit"])),
        403,
        "FORBIDDEN",
        domain.Forbidden
      )
      expect(await h.statusOf(org, member.id)).toBe("ACTIVE")
    })
  })

  describe("a signed-in member's session (Bearer ses_…), acting in the path's organization", () => {
    it("an ACTIVE Admin's session administers its organization; no X-Organization-Id is needed", async () => {
      const org = await h.organization()
      const secret = OrgUserAdminHarness.password()
      const admin = await org.add({ roleId: org.admin.id, password: secret as any })
      const { auth } = await h.signIn(admin.email, secret)
      const created = await post(`/v1/org/${org.id}/user`, auth, {
        email: OrgUserAdminHarness.uniqueEmail(),
        password: OrgUserAdminHarness.password(),
        first_name: "Ada",
        last_name: "Lovelace"
      })
      expect(created.status).toBe(200)
      expect((await post(`/v1/org/${org.id}/user/${created.json.user_id}/disable`, auth)).status).toBe(204)
      const events = await h.events(org, created.json.user_id)
      expect(events.at(-1)).toMatchObject({ type: "user.deactivated", actor: { type: "user", id: admin.id } })
    })

    it("a session naming another organization is 403 there, even one the user belongs to but not ACTIVE", async () => {
      const acme = await h.organization()
      const globex = await h.organization()
      const secret = OrgUserAdminHarness.password()
      const admin = await acme.add({ roleId: acme.admin.id, password: secret as any })
      const { auth } = await h.signIn(admin.email, secret)
      const theirs = await globex.add()
      for (const route of everyRoute(globex.id, theirs.id)) {
        expectError(await request(route.method, route.path, { auth }), 403, "FORBIDDEN", domain.Forbidden)
      }
      // A member of Globex too, but INACTIVE there: still not Globex's to administer.
      await globex.add({ email: admin.email, roleId: globex.admin.id, status: "INACTIVE" })
      expectError(
        await post(`/v1/org/${globex.id}/user/${theirs.id}/disable`, auth),
        403,
        "FORBIDDEN",
        domain.Forbidden
      )
      expect(await h.statusOf(globex, theirs.id)).toBe("ACTIVE")
    })

    it("a Member's session may list but not administer; a session that must change its password may do neither", async () => {
      const org = await h.organization()
      const secret = OrgUserAdminHarness.password()
      const member = await org.add({ password: secret as any })
      const { auth } = await h.signIn(member.email, secret)
      expect((await get(`/v1/org/${org.id}/user`, auth)).status).toBe(200)
      expectError(await post(`/v1/org/${org.id}/user/${member.id}/disable`, auth), 403, "FORBIDDEN", domain.Forbidden)

      const other = OrgUserAdminHarness.password()
      const admin = await org.add({
        roleId: org.admin.id,
        password: other as any,
        askUserToUpdatePasswordOnLogin: true
      })
      const pending = await h.signIn(admin.email, other)
      expect(pending.body.passwordChangeRequired).toBe(true)
      expectError(
        await get(`/v1/org/${org.id}/user`, pending.auth),
        403,
        "PASSWORD_CHANGE_REQUIRED",
        domain.PasswordChangeRequired
      )
    })
  })

  describe("methods, paths and failures in the surface's shape", () => {
    it("a wrong method is 405 with Allow, OPTIONS lists the methods, HEAD never makes a magic link", async () => {
      const org = await h.organization()
      const member = await org.add({ password: OrgUserAdminHarness.password() as any })
      const token = await org.token()
      const users = `/v1/org/${org.id}/user`
      const cases = [
        ["PUT", users, "POST, GET, HEAD"],
        ["DELETE", users, "POST, GET, HEAD"],
        ["GET", `${users}/${member.id}/delete`, "POST"],
        ["PATCH", `${users}/${member.id}/enable`, "POST"],
        ["POST", `${users}/${member.id}/magiclink`, "GET"],
        ["HEAD", `${users}/${member.id}/magiclink`, "GET"]
      ] as const
      for (const [method, path, allow] of cases) {
        const reply = await request(method, path, { auth: token })
        expect(reply.status, `${method} ${path}`).toBe(405)
        expect(reply.headers.get("allow")).toBe(allow)
        if (method !== "HEAD") expectError(reply, 405, "METHOD_NOT_ALLOWED", http.METHOD_NOT_ALLOWED)
      }
      const options = await request("OPTIONS", users)
      expect([options.status, options.headers.get("allow")]).toEqual([204, "POST, GET, HEAD, OPTIONS"])
      // The HEAD issued no link: none is in the audit log.
      expect((await h.events(org, member.id)).map((event) => event.type)).not.toContain("auth.magic_link_issued")
      // HEAD of the list is a GET without its body.
      expect((await request("HEAD", `${users}?q=x`, { auth: token })).status).toBe(200)
    })

    it("an unknown path under /v1/org/ is 404 in the surface's shape; one outside it is Roster's", async () => {
      const org = await h.organization()
      const token = await org.token()
      for (const path of [`/v1/org/${org.id}/users`, `/v1/org/${org.id}/user/x/y/z`, "/v1/org", "/v1/org/"]) {
        expectError(await get(path, token), 404, "NOT_FOUND", http.NOT_FOUND)
      }
      const outside = await get("/v1/orgs", token)
      expect(outside.status).toBe(404)
      expect(outside.json).toEqual({
        errors: [expect.objectContaining({ code: "NOT_FOUND" })],
        fingerprint: expect.any(String),
        requestId: expect.any(String)
      })
    })

    it("a body that is not JSON, or over 1 MB, is refused in the surface's shape", async () => {
      const org = await h.organization()
      const token = await org.token()
      const users = `/v1/org/${org.id}/user`
      expectError(
        await request("POST", users, { auth: token, rawBody: "{", contentType: "application/json" }),
        422,
        "VALIDATION_FAILED",
        domain.ValidationFailed
      )
      const large = await request("POST", users, { auth: token, rawBody: `"${"x".repeat(1024 * 1024)}"` })
      expectError(large, 413, "PAYLOAD_TOO_LARGE", http.PAYLOAD_TOO_LARGE)
    })

    it("a failure of the server is 500 with the fingerprint alone, and the log has the cause", async () => {
      const org = await h.organization()
      const reply = await get(`/v1/org/${org.id}/user?q=${OrgUserAdminHarness.failingSearch}`, await org.token())
      expectError(reply, 500, "INTERNAL", http.INTERNAL)
      const fingerprint = reply.json.payload.fingerprint
      expect(reply.json.error_message).toContain(fingerprint)
      expect(reply.text).not.toContain("database went away")
      const logged = h.logs.find((line) => line.includes(fingerprint))
      expect(logged).toContain("database went away")
    })
  })

  describe("the error_code table", () => {
    it("gives every code Roster can answer its own number, unique, whose first three digits are the status", () => {
      const numbers = Object.values({ ...domain, ...http })
      expect(new Set(numbers).size).toBe(numbers.length)
      for (const [tag, status] of Object.entries(ErrorResponse.statuses)) {
        const code = ErrorResponse.codes[tag as keyof typeof ErrorResponse.codes]
        const number = OrgUserAdmin.errorCodeOf(code)
        expect(number, `${tag} (${code}) has a number of its own`).not.toBe(http.INTERNAL)
        expect(Math.floor(number / 100), `${tag} (${code}): ${number}`).toBe(OrgUserAdmin.statusOf(status))
      }
      expect(OrgUserAdmin.errorCodeOf(ErrorResponse.internalCode)).toBe(http.INTERNAL)
      expect(OrgUserAdmin.errorCodeOf("SOMETHING_NEW")).toBe(http.INTERNAL)
    })

    it("is the one docs/DESIGN.md states", async () => {
      const design = await readFile(new URL("../../../docs/DESIGN.md", import.meta.url), "utf8")
      const section = design.slice(design.indexOf("### org-user-admin"))
      const stated = [...section.matchAll(/`([A-Z_]+)`(?: \([^)]*\))? *\| (\d{5}) /g)].map(([, code, number]) => [
        code,
        Number(number)
      ])
      const codes = [...Object.values(ErrorResponse.codes), ErrorResponse.internalCode]
      expect(stated.map(([code]) => code).sort()).toEqual([...codes].sort())
      for (const [code, number] of stated) expect(OrgUserAdmin.errorCodeOf(code as string), code as string).toBe(number)
    })
  })

  describe("GET /v1/openapi.json", () => {
    it("is the reference document, as vendored, and every operation in it is served by one route", async () => {
      const reply = await get("/v1/openapi.json")
      expect(reply.status).toBe(200)
      const vendored = JSON.parse(
        await readFile(new URL("../contract/org-user-admin.openapi.json", import.meta.url), "utf8")
      )
      expect(reply.json).toEqual(vendored)
      const documented = Object.entries(vendored.paths as Record<string, Record<string, any>>).flatMap(
        ([path, operations]) =>
          Object.entries(operations).map(
            ([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`
          )
      )
      const served = OrgUserAdmin.routes.map((route) => `${route.method} ${route.path} ${route.id}`)
      expect(served.sort()).toEqual(documented.sort())
    })
  })
}
