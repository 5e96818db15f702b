/**
 * The administration suite's platform-users API: the account list as it asks for it (`page`, `limit`,
 * `search`) beside Roster's own names (`size`, `q`), an account created in `orgId`, and the picture a
 * platform admin sees.
 */
import { randomUuid } from "@roster/domain"
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import { fixtures } from "./AdminFixtures.js"

export const tests = (h: IdentityHarness.Harness) => {
  const { member, admin } = fixtures(h)

  /** Three accounts whose emails hold a marker no other test uses. */
  const marked = async () => {
    const org = await h.organization()
    const marker = `pu${randomUuid().slice(0, 8)}`
    const emails = [1, 2, 3].map((n) => `list-${marker}-${n}@example.com`)
    for (const email of emails) await org.add({ email })
    return { marker, emails }
  }

  describe("GET /admin/users as the platform-users API names its parameters", () => {
    it("takes page, limit and search: limit is the page size, search matches the email or name", async () => {
      const root = await admin()
      const { marker, emails } = await marked()
      const page = (query: string) => h.request("GET", `/admin/users?${query}`, { auth: root.auth })
      const first = await page(`search=${marker.toUpperCase()}&limit=2&page=0`)
      expect(first.status).toBe(200)
      expect(first.json).toMatchObject({ totalElements: 3, totalPages: 2, size: 2, number: 0 })
      const second = await page(`search=${marker}&limit=2&page=1`)
      expect(second.json).toMatchObject({ totalElements: 3, totalPages: 2, size: 2, number: 1 })
      expect([...first.json.content, ...second.json.content].map((a: any) => a.email).sort()).toEqual(emails)
      expect((await page(`search=${marker}-2`)).json.content.map((a: any) => a.email)).toEqual([emails[1]])
      // Without a size under either name, the page holds 20.
      expect((await page(`search=${marker}`)).json).toMatchObject({ size: 20, totalElements: 3 })
    })

    it("answers limit and search exactly as size and q", async () => {
      const root = await admin()
      const { marker } = await marked()
      const page = async (query: string) => (await h.request("GET", `/admin/users?${query}`, { auth: root.auth })).json
      expect(await page(`search=${marker}&limit=1&page=2`)).toEqual(await page(`q=${marker}&size=1&page=2`))
      expect(await page(`search=${marker}&size=2`)).toEqual(await page(`q=${marker}&limit=2`))
    })

    it("refuses limit with size, and search with q, naming both, even when they agree", async () => {
      const root = await admin()
      const page = (query: string) => h.request("GET", `/admin/users?${query}`, { auth: root.auth })
      for (const query of ["limit=5&size=5", "size=5&limit=10"]) {
        const reply = await page(query)
        h.expectError(reply, 400, "VALIDATION_FAILED")
        expect(reply.json.errors.map((e: any) => e.message.split(":")[0])).toEqual(["limit", "size"])
      }
      const both = await page("search=ada&q=ada&limit=5&size=5&page=1")
      h.expectError(both, 400, "VALIDATION_FAILED")
      expect(both.json.errors.map((e: any) => e.message)).toEqual([
        "limit: is another name for size: give one of size and limit, not both",
        "size: is another name for limit: give one of size and limit, not both",
        "search: is another name for q: give one of q and search, not both",
        "q: is another name for search: give one of q and search, not both"
      ])
    })

    it("checks limit and search as it checks size and q, and still refuses what it does not know", async () => {
      const root = await admin()
      const page = (query: string) => h.request("GET", `/admin/users?${query}`, { auth: root.auth })
      for (const limit of ["0", "201", "abc", "1.5", "-1"]) {
        h.expectError(await page(`limit=${limit}`), 400, "VALIDATION_FAILED", /^limit: must be a whole number/)
      }
      h.expectError(await page("search="), 400, "VALIDATION_FAILED", /^search: /)
      h.expectError(await page("search=%00"), 400, "VALIDATION_FAILED", /^search: must not contain/)
      h.expectError(await page(`search=${"a".repeat(201)}`), 400, "VALIDATION_FAILED", /^search: /)
      h.expectError(await page("limit=5&limit=6"), 400, "VALIDATION_FAILED", /^limit: must be given once/)
      h.expectError(await page("perPage=5"), 400, "VALIDATION_FAILED", /^perPage: .*limit.*search/)
    })

    it("pages by cursor: each account once, in order, with next and an exact Link; a cursor is given alone", async () => {
      const root = await admin()
      const { marker, emails } = await marked()
      const page = (query: string) => h.request("GET", `/admin/users?${query}`, { auth: root.auth })
      const seen: Array<string> = []
      let reply = await page(`search=${marker}&limit=1`)
      const numbers: Array<number> = []
      for (;;) {
        expect(reply.status).toBe(200)
        seen.push(...reply.json.content.map((a: any) => a.email))
        numbers.push(reply.json.number)
        if (reply.json.next === null) break
        expect(reply.headers.get("link")).toBe(`<?search=${marker}&limit=1&cursor=${reply.json.next}>; rel="next"`)
        reply = await page(`search=${marker}&limit=1&cursor=${reply.json.next}`)
      }
      expect(seen).toEqual(emails)
      expect(numbers).toEqual([0, 1, 2])
      expect(reply.headers.get("link")).toBeNull()
      expect(reply.json).toMatchObject({ totalElements: 3, size: 1, number: 2, next: null })
      const first = (await page(`q=${marker}&size=2`)).json
      expect(first.next).toEqual(expect.any(String))
      h.expectError(
        await page(`q=${marker}&page=0&cursor=${first.next}`),
        400,
        "VALIDATION_FAILED",
        "cursor: cannot be given with page: page by one or the other"
      )
      h.expectError(await page("cursor=not*base64"), 400, "VALIDATION_FAILED", /^cursor: must be a cursor/)
      h.expectError(await page("cursor=bm9wZQ"), 400, "VALIDATION_FAILED", /^cursor: must be a cursor/)
      const events = (await h.request("GET", "/admin/events?size=1", { auth: root.auth })).json.next
      h.expectError(await page(`cursor=${events}`), 400, "VALIDATION_FAILED", /^cursor: was not made by this list/)
    })

    it("is a platform admin's: a member is refused before the parameters are read", async () => {
      const org = await h.organization()
      const ada = await member(org)
      const { auth } = await h.signIn(ada.email, ada.password)
      h.expectError(await h.request("GET", "/admin/users?limit=5&size=5", { auth }), 403, "FORBIDDEN")
    })
  })

  describe("POST /admin/users with orgId, as the platform-users API names the organization", () => {
    it("creates the account ACTIVE there, as organizationId does; both is 400 naming both", async () => {
      const root = await admin()
      const org = await h.organization()
      const email = IdentityHarness.uniqueEmail("orgid")
      const password = IdentityHarness.password()
      h.secret(password)
      const made = await h.request("POST", "/admin/users", {
        auth: root.auth,
        body: { email, name: "Org Id", orgId: org.id, password }
      })
      expect(made.status).toBe(201)
      expect(made.json).toMatchObject({
        email,
        name: "Org Id",
        hasPassword: true,
        memberships: [{ organization: { id: org.id }, role: { id: org.member.id }, status: "ACTIVE" }]
      })
      await h.signIn(email, password)

      const other = IdentityHarness.uniqueEmail("orgid")
      const both = await h.request("POST", "/admin/users", {
        auth: root.auth,
        body: { email: other, orgId: org.id, organizationId: org.id }
      })
      h.expectError(both, 400, "VALIDATION_FAILED")
      expect(both.json.errors.map((e: any) => e.message.split(":")[0])).toEqual(["orgId", "organizationId"])
      h.expectError(
        await h.request("POST", "/admin/users", { auth: root.auth, body: { email: other, orgId: "acme" } }),
        400,
        "VALIDATION_FAILED",
        /^orgId: /
      )
      const unknown = await h.request("POST", "/admin/users", {
        auth: root.auth,
        body: { email: other, orgId: randomUuid() }
      })
      h.expectError(unknown, 404, "ORGANIZATION_NOT_FOUND")
      const listed = await h.request("GET", `/admin/users?search=${encodeURIComponent(other)}`, { auth: root.auth })
      expect(listed.json.totalElements).toBe(0)
    })
  })

  describe("an account's picture", () => {
    it("is what the user set, in the account view, the list and every platform action's answer", async () => {
      const root = await admin()
      const org = await h.organization()
      const ada = await member(org)
      const { auth } = await h.signIn(ada.email, ada.password)
      const view = () => h.request("GET", `/admin/users/${ada.id}`, { auth: root.auth })
      expect((await view()).json).toMatchObject({ id: ada.id, name: null, avatarUrl: null })
      const avatarUrl = "https://cdn.example.com/avatars/ada.png"
      const set = await h.request("PUT", "/me/profile", { auth, body: { name: "Ada King", avatarUrl } })
      expect(set.status).toBe(200)
      expect((await view()).json).toMatchObject({ id: ada.id, name: "Ada King", avatarUrl })
      const listed = await h.request("GET", `/admin/users?search=${encodeURIComponent(ada.email)}`, {
        auth: root.auth
      })
      expect(listed.json.content).toMatchObject([{ id: ada.id, avatarUrl }])
      const verified = await h.request("POST", `/admin/users/${ada.id}/verify-email`, { auth: root.auth })
      expect(verified.json).toMatchObject({ avatarUrl })
    })

    it("goes with the account when it is deleted", async () => {
      const root = await admin()
      const org = await h.organization()
      await org.add()
      const ada = await member(org)
      const { auth } = await h.signIn(ada.email, ada.password)
      const avatarUrl = `https://cdn.example.com/avatars/${randomUuid()}.png`
      await h.request("PUT", "/me/profile", { auth, body: { name: "Ada King", avatarUrl } })
      expect((await h.request("DELETE", `/admin/users/${ada.id}`, { auth: root.auth })).status).toBe(204)
      h.expectError(await h.request("GET", `/admin/users/${ada.id}`, { auth: root.auth }), 404, "USER_NOT_FOUND")
      const events = await h.request("GET", `/admin/events?userId=${ada.id}&size=200`, { auth: root.auth })
      expect(events.status).toBe(200)
      expect(events.json.content.map((e: any) => e.type)).toContain("identity.profile_updated")
      expect(JSON.stringify(events.json)).not.toContain(avatarUrl)
      expect(JSON.stringify(events.json)).not.toContain("Ada King")
    })
  })
}
