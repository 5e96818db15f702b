/**
 * The org-user-admin suite: creating a user in the organization (a Member with a password and a
 * confirmed email, `ask_user_to_update_password_on_login` honoured) and the list by partial email
 * with `offset`, `size` and `has_more`.
 */
import { OrgUserAdmin } from "@roster/api"
import { UserRepository } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { describe, expect, it } from "vitest"
import type { Harness } from "./OrgUserAdminHarness.js"
import { password, uniqueEmail } from "./OrgUserAdminHarness.js"

const { domain } = OrgUserAdmin.errorCodes

export const tests = (h: Harness) => {
  const { get, post, expectError } = h

  describe("POST /v1/org/{orgId}/user (createUserAndAddToOrg)", () => {
    it("adds an ACTIVE Member with a password and a confirmed email: 200 { user_id }", async () => {
      const org = await h.organization()
      const email = uniqueEmail("ada")
      const secret = password()
      const reply = await post(`/v1/org/${org.id}/user`, await org.token(), {
        email,
        password: secret,
        first_name: "Ada",
        last_name: "Lovelace"
      })
      expect(reply.status).toBe(200)
      const userId = reply.json.user_id
      const member = await h.run(
        Effect.flatMap(UserRepository, (users) => users.findById(userId)).pipe(Effect.map(Option.getOrThrow))
      )
      expect(member.emailVerifiedAt).not.toBeNull()
      const listed = await get(`/v1/org/${org.id}/user?q=${encodeURIComponent(email)}`, await org.token())
      expect(listed.json).toEqual({
        items: [{ id: userId, email, first_name: "Ada", last_name: "Lovelace" }],
        has_more: false
      })
      const roster = await get(`/organizations/users/${userId}`, await org.token())
      expect(roster.json).toMatchObject({ roleId: org.member.id, profile: { status: "ACTIVE" } })
      // The password works, and need not be changed: ask_user_to_update_password_on_login is false by default.
      const signedIn = await h.signIn(email, secret)
      expect(signedIn.body.passwordChangeRequired).toBe(false)
    })

    it("asks for a new password at the first sign-in when ask_user_to_update_password_on_login is true", async () => {
      const org = await h.organization()
      const email = uniqueEmail()
      const secret = password()
      const reply = await post(`/v1/org/${org.id}/user`, await org.token(), {
        email,
        password: secret,
        ask_user_to_update_password_on_login: true,
        first_name: "",
        last_name: " "
      })
      expect(reply.status).toBe(200)
      expect((await h.signIn(email, secret)).body.passwordChangeRequired).toBe(true)
      // Blank names are no names.
      const listed = await get(`/v1/org/${org.id}/user?q=${encodeURIComponent(email)}`, await org.token())
      expect(listed.json.items).toEqual([{ id: reply.json.user_id, email }])
    })

    it("422 naming every missing or invalid field, with the surface's names; nothing is made", async () => {
      const org = await h.organization()
      const token = await org.token()
      const users = `/v1/org/${org.id}/user`
      const missing = await post(users, token, {})
      expectError(missing, 422, "VALIDATION_FAILED", domain.ValidationFailed)
      expect(missing.json.payload.errors.map((e: any) => e.message.split(":")[0]).sort()).toEqual([
        "email",
        "first_name",
        "last_name",
        "password"
      ])
      const cases: ReadonlyArray<readonly [Record<string, unknown>, RegExp]> = [
        [{ first_name: "x".repeat(41) }, /^first_name: must be at most 40 characters/],
        [{ last_name: "é".repeat(41) }, /^last_name: must be at most 40 characters/],
        [{ email: "not-an-email" }, /^email: must be an email address/],
        [{ email: `${"a".repeat(310)}@example.com` }, /^email: must be at most 319 characters/],
        [{ password: "short" }, /^password: must be 8 to 64 characters/],
        [{ ask_user_to_update_password_on_login: "yes" }, /^ask_user_to_update_password_on_login: /],
        [{ role: "Admin" }, /^role: /],
        [{ first_name: 42 }, /^first_name: /]
      ]
      for (const [change, message] of cases) {
        const body = { email: uniqueEmail(), password: password(), first_name: "A", last_name: "B", ...change }
        const reply = await post(users, token, body)
        expectError(reply, 422, "VALIDATION_FAILED", domain.ValidationFailed, message)
      }
      // The password may not be the email; the operation's own rule names the surface's field.
      const email = uniqueEmail()
      expectError(
        await post(users, token, { email, password: email, first_name: "A", last_name: "B" }),
        422,
        "VALIDATION_FAILED",
        domain.ValidationFailed,
        /^password: /
      )
      expect((await get(users, token)).json.items).toEqual([])
    })

    it("an email already in the organization is 422 ALREADY_MEMBER; a deleted one is created again", async () => {
      const org = await h.organization()
      const token = await org.token()
      const users = `/v1/org/${org.id}/user`
      const body = { email: uniqueEmail("grace"), password: password(), first_name: "Grace", last_name: "Hopper" }
      const first = await post(users, token, body)
      expect(first.status).toBe(200)
      const again = await post(users, token, { ...body, email: body.email.toUpperCase() })
      expectError(again, 422, "ALREADY_MEMBER", domain.AlreadyMember)
      expect((await post(`${users}/${first.json.user_id}/delete`, token)).status).toBe(204)
      const readded = await post(users, token, body)
      expect(readded.json).toEqual({ user_id: first.json.user_id })
      expect(await h.statusOf(org, first.json.user_id)).toBe("ACTIVE")
    })

    it("an identity another organization manages is 403 USER_NOT_MANAGED: no takeover by create", async () => {
      const acme = await h.organization()
      const globex = await h.organization()
      const theirs = await globex.add({ password: password() as any })
      const reply = await post(`/v1/org/${acme.id}/user`, await acme.token(), {
        email: theirs.email,
        password: password(),
        first_name: "Not",
        last_name: "Yours"
      })
      expectError(reply, 403, "USER_NOT_MANAGED", domain.UserNotManaged)
      expect((await get(`/v1/org/${acme.id}/user`, await acme.token())).json.items).toEqual([])
    })
  })

  describe("GET /v1/org/{orgId}/user (getUserListByEmail)", () => {
    const listOf = async (org: { readonly id: string }, token: string, query: string) => {
      const reply = await get(`/v1/org/${org.id}/user${query}`, token)
      expect(reply.status, JSON.stringify(reply.json)).toBe(200)
      return reply.json as { items: ReadonlyArray<any>; has_more: boolean }
    }

    it("matches part of the email, in any case, and never the names; absent or blank q lists everyone", async () => {
      const org = await h.organization()
      const token = await org.token(["can_view_users"])
      const ada = await org.add({ email: "ada.lovelace@Analytical.example", firstName: "Ada", lastName: "Navy" })
      const grace = await org.add({ email: "grace@navy.example", firstName: "Grace", lastName: "Hopper" })
      const alan = await org.add({ email: "alan@bletchley.example", firstName: "Alan" })
      // Members added in the same millisecond are listed by id: compared as sets.
      const ids = async (query: string) => (await listOf(org, token, query)).items.map((item) => item.id).sort()
      const everyone = [ada.id, grace.id, alan.id].sort()
      expect(await ids("?q=NAVY")).toEqual([grace.id])
      expect(await ids("?q=analytical.EX")).toEqual([ada.id])
      expect(await ids("?q=hopper")).toEqual([])
      expect(await ids("?q=.example")).toEqual(everyone)
      expect(await ids("?q=%25")).toEqual([])
      expect(await ids("")).toEqual(everyone)
      expect(await ids("?q=")).toEqual(everyone)
      expect(await ids("?q=%20%20")).toEqual(everyone)
      const { items } = await listOf(org, token, "?q=bletchley")
      expect(items).toEqual([{ id: alan.id, email: "alan@bletchley.example", first_name: "Alan" }])
    })

    it("pages by offset and size (10 by default), has_more saying whether more follow", async () => {
      const org = await h.organization()
      const token = await org.token(["can_view_users"])
      const added: Array<string> = []
      for (let i = 0; i < 12; i++)
        added.push((await org.add({ email: `p${String(i).padStart(2, "0")}@paged.example` })).id)
      await org.add({ email: "someone@else.example" })
      const page = async (query: string) => {
        const { items, has_more } = await listOf(org, token, query)
        return { ids: items.map((item) => item.id), has_more }
      }
      // In Roster's order (by when each joined, then by id): every page is a slice of it.
      const ids = (await page("?q=paged&size=200")).ids
      expect([...ids].sort()).toEqual([...added].sort())
      expect(await page("?q=paged")).toEqual({ ids: ids.slice(0, 10), has_more: true })
      expect(await page("?q=paged&offset=10")).toEqual({ ids: ids.slice(10), has_more: false })
      expect(await page("?q=paged&offset=3&size=4")).toEqual({ ids: ids.slice(3, 7), has_more: true })
      expect(await page("?q=paged&offset=8&size=4")).toEqual({ ids: ids.slice(8, 12), has_more: false })
      expect(await page("?q=paged&offset=12")).toEqual({ ids: [], has_more: false })
      expect(await page("?q=paged&offset=500")).toEqual({ ids: [], has_more: false })
      expect(await page("?q=paged&size=0")).toEqual({ ids: [], has_more: true })
      expect(await page("?q=paged&size=0&offset=12")).toEqual({ ids: [], has_more: false })
      expect(await page("?q=PAGED&size=200")).toEqual({ ids, has_more: false })
      const everyone = await page("?size=13")
      expect([everyone.ids.length, everyone.has_more]).toEqual([13, false])
      expect(await page("?size=12")).toEqual({ ids: everyone.ids.slice(0, 12), has_more: true })
    })

    it("leaves deleted members out, and lists disabled ones", async () => {
      const org = await h.organization()
      const token = await org.token()
      const kept = await org.add({ email: uniqueEmail("kept") })
      const disabled = await org.add({ email: uniqueEmail("disabled") })
      const deleted = await org.add({ email: uniqueEmail("deleted") })
      expect((await post(`/v1/org/${org.id}/user/${disabled.id}/disable`, token)).status).toBe(204)
      expect((await post(`/v1/org/${org.id}/user/${deleted.id}/delete`, token)).status).toBe(204)
      expect((await listOf(org, token, "")).items.map((item) => item.id).sort()).toEqual([kept.id, disabled.id].sort())
    })

    it("422 naming a malformed offset, size or q", async () => {
      const org = await h.organization()
      const token = await org.token()
      const users = `/v1/org/${org.id}/user`
      for (const [query, message] of [
        ["?offset=-1", /^offset: must be a whole number, 0 or more/],
        ["?offset=1.5", /^offset: /],
        ["?offset=99999999999", /^offset: /],
        ["?size=201", /^size: must be a whole number from 0 to 200/],
        ["?size=-1", /^size: /],
        ["?size=ten", /^size: /],
        [`?q=${"x".repeat(201)}`, /^q: must be at most 200 characters/],
        ["?q=a&q=b", /^q: must be given once/],
        ["?page=1", /^page: is not a recognised query parameter/]
      ] as const) {
        expectError(await get(`${users}${query}`, token), 422, "VALIDATION_FAILED", domain.ValidationFailed, message)
      }
    })
  })
}
