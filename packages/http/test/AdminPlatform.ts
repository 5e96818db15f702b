/**
 * The administration suite's platform administration (`/admin/users…`) and the platform audit log
 * (`/admin/events`).
 */
import { randomUuid } from "@roster/domain"
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import { fixtures } from "./AdminFixtures.js"

export const tests = (h: IdentityHarness.Harness) => {
  const { member, login, expectSignedOut, expectSignedIn, enableTotp, admin, expectRoughly } = fixtures(h)

  describe("platform administration", () => {
    it("needs a platform admin's session", async () => {
      const org = await h.organization()
      const ada = await member(org)
      const { auth } = await h.signIn(ada.email, ada.password)
      h.expectError(await h.request("GET", "/admin/users"), 401, "UNAUTHORIZED")
      h.expectError(await h.request("GET", "/admin/users", { auth: await org.token() }), 401, "UNAUTHORIZED")
      h.expectError(
        await h.request("GET", "/admin/users", { auth: `Bearer ${await org.token()}` }),
        401,
        "UNAUTHORIZED"
      )
      h.expectError(await h.request("GET", "/admin/users", { auth }), 403, "FORBIDDEN", "platform admin")
      h.expectError(await h.request("POST", `/admin/users/${ada.id}/promote`, { auth }), 403, "FORBIDDEN")
      h.expectError(await h.request("DELETE", `/admin/users/${ada.id}`, { auth }), 403, "FORBIDDEN")
      // The refused calls changed nothing.
      expect((await h.signIn(ada.email, ada.password)).body.user.isPlatformAdmin).toBe(false)
    })

    it("lists accounts, searching the email case-insensitively, page by page", async () => {
      const root = await admin()
      const org = await h.organization()
      const marker = `zq${randomUuid().slice(0, 8)}`
      const emails = [1, 2, 3].map((n) => `list-${marker}-${n}@example.com`)
      for (const email of emails) await org.add({ email })
      const page = (query: string) => h.request("GET", `/admin/users?${query}`, { auth: root.auth })
      const first = await page(`q=${marker.toUpperCase()}&size=2&page=0`)
      expect(first.status).toBe(200)
      expect(first.json).toMatchObject({ totalElements: 3, totalPages: 2, size: 2, number: 0 })
      const second = await page(`q=${marker}&size=2&page=1`)
      expect(second.json).toMatchObject({ totalElements: 3, totalPages: 2, size: 2, number: 1 })
      expect(second.json.content).toHaveLength(1)
      expect([...first.json.content, ...second.json.content].map((a: any) => a.email).sort()).toEqual(emails)
      expect((await page(`q=${marker}-2`)).json.content.map((a: any) => a.email)).toEqual([emails[1]])
      expect((await page(`q=nobody-${marker}`)).json).toMatchObject({ content: [], totalElements: 0 })
      h.expectError(await page("size=0"), 400, "VALIDATION_FAILED", "size")
      h.expectError(await page("page=-1"), 400, "VALIDATION_FAILED", "page")
      h.expectError(await page("q=%00"), 400, "VALIDATION_FAILED", /^q: must not contain/)
      // Platform admins only, or everyone else.
      const admins = await page("platformAdmin=true&size=200")
      expect(admins.json.content.length).toBeGreaterThan(0)
      expect(admins.json.content.every((account: any) => account.isPlatformAdmin)).toBe(true)
      expect(admins.json.content.map((account: any) => account.id)).toContain(root.id)
      const others = await page(`platformAdmin=false&q=${marker}`)
      expect(others.json.totalElements).toBe(3)
      h.expectError(await page("platformAdmin=yes"), 400, "VALIDATION_FAILED", /^platformAdmin: /)
      h.expectError(await page("size=201"), 400, "VALIDATION_FAILED", "size")
    })

    it("creates an account in an organization, who can then sign in there", async () => {
      const root = await admin()
      const org = await h.organization()
      const email = IdentityHarness.uniqueEmail("made")
      const password = IdentityHarness.password()
      h.secret(password)
      const reply = await h.request("POST", "/admin/users", {
        auth: root.auth,
        body: { email, name: "Made Here", organizationId: org.id, password }
      })
      expect(reply.status).toBe(201)
      expect(reply.headers.get("location")).toBe(`/admin/users/${reply.json.id}`)
      expect(reply.json).toMatchObject({
        email,
        name: "Made Here",
        isPlatformAdmin: false,
        disabled: false,
        hasPassword: true,
        memberships: [{ organization: { id: org.id, name: org.name }, role: { id: org.member.id }, status: "ACTIVE" }]
      })
      const { auth, body } = await h.signIn(email, password)
      expect(body.user.id).toBe(reply.json.id)
      const mine = await h.request("GET", "/me/organizations", { auth })
      expect(mine.json).toEqual([expect.objectContaining({ id: org.id, status: "ACTIVE" })])
      const got = await h.request("GET", `/admin/users/${reply.json.id}`, { auth: root.auth })
      expect(got.status).toBe(200)
      expect(got.json).toEqual({ ...reply.json, lastSignedInAt: got.json.lastSignedInAt })
      expect(got.json.lastSignedInAt).not.toBeNull()
    })

    it("refuses a taken email, a bad email, an unknown organization and an unknown id", async () => {
      const root = await admin()
      const org = await h.organization()
      const ada = await member(org)
      const create = (body: unknown) => h.request("POST", "/admin/users", { auth: root.auth, body })
      h.expectError(await create({ email: ada.email }), 409, "EMAIL_TAKEN", "exists already")
      h.expectError(await create({ email: ada.email.toUpperCase() }), 409, "EMAIL_TAKEN")
      // The same address in another Unicode form (a decomposed "é") is the same address.
      const accented = `rené-${randomUuid()}@example.com`
      expect((await create({ email: accented })).status).toBe(201)
      h.expectError(await create({ email: accented.normalize("NFD") }), 409, "EMAIL_TAKEN")
      h.expectError(await create({ email: "not-an-email" }), 400, "VALIDATION_FAILED", "email")
      const lost = IdentityHarness.uniqueEmail("lost")
      const unknownOrg = await create({ email: lost, organizationId: randomUuid() })
      expect(unknownOrg.status).toBe(404)
      h.expectError(unknownOrg, 404, "ORGANIZATION_NOT_FOUND")
      // Nothing was made.
      expect((await h.request("GET", `/admin/users?q=${lost}`, { auth: root.auth })).json.totalElements).toBe(0)
      h.expectError(await h.request("GET", `/admin/users/${randomUuid()}`, { auth: root.auth }), 404, "USER_NOT_FOUND")
      h.expectError(await h.request("GET", "/admin/users/not-a-uuid", { auth: root.auth }), 400, "VALIDATION_FAILED")
    })

    it("deactivate ends the sessions and blocks sign-in; reactivate lets the user back in", async () => {
      const root = await admin()
      const org = await h.organization()
      const ada = await member(org)
      const { auth } = await h.signIn(ada.email, ada.password)
      // A link made before deactivation must not outlive it.
      const link = await h.request("GET", `/organizations/users/${ada.id}/magic-link`, { auth: await org.token() })
      const linkToken = link.json.url.split("#token=")[1]
      const reply = await h.request("POST", `/admin/users/${ada.id}/deactivate`, { auth: root.auth })
      expect(reply.status).toBe(200)
      expect(reply.json).toMatchObject({ id: ada.id, disabled: true })
      expect(reply.json.disabledAt).not.toBeNull()
      await expectSignedOut(auth)
      h.expectError(await login(ada.email, ada.password), 403, "ACCOUNT_DISABLED", "deactivated")
      h.expectError(await login(ada.email, "wrong-password-1"), 401, "INVALID_CREDENTIALS")
      h.expectError(
        await h.request("GET", `/organizations/users/${ada.id}/magic-link`, { auth: await org.token() }),
        403,
        "ACCOUNT_DISABLED"
      )
      const back = await h.request("POST", `/admin/users/${ada.id}/reactivate`, { auth: root.auth })
      expect(back.status).toBe(200)
      expect(back.json).toMatchObject({ disabled: false, disabledAt: null })
      await expectSignedIn((await h.signIn(ada.email, ada.password)).auth)
      h.expectError(await h.request("POST", "/auth/magic-link", { body: { token: linkToken } }), 400, "INVALID_LINK")
    })

    it("promote makes a platform admin, demote takes it away", async () => {
      const root = await admin()
      const org = await h.organization()
      const ada = await member(org)
      const promoted = await h.request("POST", `/admin/users/${ada.id}/promote`, { auth: root.auth })
      expect(promoted.status).toBe(200)
      expect(promoted.json.isPlatformAdmin).toBe(true)
      const { auth } = await h.signIn(ada.email, ada.password)
      expect((await h.request("GET", "/admin/users", { auth })).status).toBe(200)
      const demoted = await h.request("POST", `/admin/users/${ada.id}/demote`, { auth: root.auth })
      expect(demoted.status).toBe(200)
      expect(demoted.json.isPlatformAdmin).toBe(false)
      h.expectError(await h.request("GET", "/admin/users", { auth }), 403, "FORBIDDEN")
    })

    it("disable-mfa removes the second factor: sign-in needs no code", async () => {
      const root = await admin()
      const org = await h.organization()
      const ada = await member(org)
      const { auth } = await h.signIn(ada.email, ada.password)
      await enableTotp(auth)
      h.expectError(await login(ada.email, ada.password), 401, "MFA_REQUIRED")
      const reply = await h.request("POST", `/admin/users/${ada.id}/disable-mfa`, { auth: root.auth })
      expect(reply.status).toBe(200)
      expect(reply.json.mfaEnabled).toBe(false)
      await expectSignedOut(auth)
      const again = await h.signIn(ada.email, ada.password)
      expect(again.body.user.mfaEnabled).toBe(false)
    })

    it("verify-email marks the email verified", async () => {
      const root = await admin()
      const org = await h.organization()
      // Without a password, so that the address is not confirmed yet; the platform then gives one.
      const ada = { ...(await org.add()), password: IdentityHarness.password() }
      h.secret(ada.password)
      await h.request("POST", `/admin/users/${ada.id}/reset-password`, {
        auth: root.auth,
        body: { password: ada.password }
      })
      const before = await h.request("GET", `/admin/users/${ada.id}`, { auth: root.auth })
      expect(before.json).toMatchObject({ emailVerified: false, emailVerifiedAt: null })
      const reply = await h.request("POST", `/admin/users/${ada.id}/verify-email`, { auth: root.auth })
      expect(reply.status).toBe(200)
      expect(reply.json.emailVerified).toBe(true)
      expectRoughly(reply.json.emailVerifiedAt, h.clock.now().getTime())
      expect((await h.signIn(ada.email, ada.password)).body.user.emailVerified).toBe(true)
    })

    it("reset-password sets the password and ends every session", async () => {
      const root = await admin()
      const org = await h.organization()
      const ada = await member(org)
      const { auth } = await h.signIn(ada.email, ada.password)
      const fresh = IdentityHarness.password("new")
      h.secret(fresh)
      const path = `/admin/users/${ada.id}/reset-password`
      h.expectError(
        await h.request("POST", path, { auth: root.auth, body: { password: ada.email } }),
        400,
        "VALIDATION_FAILED",
        "password"
      )
      const reply = await h.request("POST", path, { auth: root.auth, body: { password: fresh } })
      expect(reply.status).toBe(200)
      expect(reply.json).toMatchObject({ id: ada.id, hasPassword: true })
      await expectSignedOut(auth)
      h.expectError(await login(ada.email, ada.password), 401, "INVALID_CREDENTIALS")
      await expectSignedIn((await h.signIn(ada.email, fresh)).auth)
    })

    it("delete erases the identity: sessions end, sign-in fails, the membership is FORGOTTEN", async () => {
      const root = await admin()
      const org = await h.organization()
      const ada = await member(org)
      const { auth } = await h.signIn(ada.email, ada.password)
      const reply = await h.request("DELETE", `/admin/users/${ada.id}`, { auth: root.auth })
      expect(reply.status).toBe(204)
      await expectSignedOut(auth)
      h.expectError(await login(ada.email, ada.password), 401, "INVALID_CREDENTIALS")
      h.expectError(await h.request("GET", `/admin/users/${ada.id}`, { auth: root.auth }), 404, "USER_NOT_FOUND")
      const seen = await h.request("GET", `/organizations/users/${ada.id}`, { auth: await org.token() })
      expect(seen.status).toBe(200)
      expect(seen.json.profile.status).toBe("FORGOTTEN")
      expect(seen.json.email).not.toBe(ada.email)
    })

    it("refuses to delete an organization's last manager, and deletes nothing", async () => {
      const root = await admin()
      const org = await h.organization()
      const other = await h.organization()
      const boss = await member(org, { roleId: org.admin.id })
      await other.add({ email: boss.email })
      await org.token() // tokens do not count as managers
      h.expectError(
        await h.request("DELETE", `/admin/users/${boss.id}`, { auth: root.auth }),
        409,
        "LAST_MANAGER",
        "last active member who can manage users"
      )
      await h.signIn(boss.email, boss.password)
      const account = await h.request("GET", `/admin/users/${boss.id}`, { auth: root.auth })
      expect(account.json.memberships.map((m: any) => m.status)).toEqual(["ACTIVE", "ACTIVE"])
    })
  })

  describe("the platform audit log", () => {
    it("lists every event, identity-level ones included, filtered by user, type and organization", async () => {
      const root = await admin()
      const org = await h.organization()
      const ada = await member(org)
      h.expectError(await login(ada.email, "not the password"), 401, "INVALID_CREDENTIALS")
      const { auth } = await h.signIn(ada.email, ada.password)
      await h.request("POST", "/auth/logout", { auth })

      const mine = await h.request("GET", `/admin/events?userId=${ada.id}`, { auth: root.auth })
      expect(mine.status).toBe(200)
      expect(mine.json.content.map((event: any) => [event.type, event.organizationId])).toEqual([
        ["session.revoked", null],
        ["session.created", null],
        ["auth.login_failed", null],
        ["identity.password_set", org.id],
        ["user.added", org.id]
      ])
      expect(mine.json).toMatchObject({ totalElements: 5, totalPages: 1, size: 20, number: 0 })
      expect(JSON.stringify(mine.json)).not.toContain(ada.password)

      const sessions = await h.request("GET", `/admin/events?userId=${ada.id}&type=session.created,session.revoked`, {
        auth: root.auth
      })
      expect(sessions.json.content.map((event: any) => event.type)).toEqual(["session.revoked", "session.created"])
      const inOrg = await h.request("GET", `/admin/events?organizationId=${org.id}`, { auth: root.auth })
      expect(new Set(inOrg.json.content.map((event: any) => event.organizationId))).toEqual(new Set([org.id]))
      expect(inOrg.json.content.map((event: any) => event.type)).toContain("organization.created")
      const everything = await h.request("GET", "/admin/events?size=200", { auth: root.auth })
      expect(everything.json.totalElements).toBeGreaterThan(mine.json.totalElements)
    })

    it("is for platform admins only, and validates its query", async () => {
      const root = await admin()
      const org = await h.organization()
      const ada = await member(org)
      const { auth } = await h.signIn(ada.email, ada.password)
      h.expectError(await h.request("GET", "/admin/events", { auth }), 403, "FORBIDDEN")
      h.expectError(await h.request("GET", "/admin/events", { auth: await org.token() }), 401, "UNAUTHORIZED")
      h.expectError(
        await h.request("GET", "/admin/events?type=user.exploded", { auth: root.auth }),
        400,
        "VALIDATION_FAILED",
        /^type: /
      )
      h.expectError(
        await h.request("GET", "/admin/events?organizationId=acme", { auth: root.auth }),
        400,
        "VALIDATION_FAILED",
        /^organizationId: /
      )
      h.expectError(
        await h.request("GET", "/admin/events?size=201", { auth: root.auth }),
        400,
        "VALIDATION_FAILED",
        /^size: /
      )
    })
  })
}
