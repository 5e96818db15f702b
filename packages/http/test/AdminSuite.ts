/**
 * Credential administration by organizations (`/organizations/users/{id}/reset-password`,
 * `magic-link`, `email-verification`, `reset-mfa`, `forget`) and platform administration
 * (`/admin/users…`), end to end over HTTP on a given storage. Every test makes its own
 * organizations and users; the last-platform-admin rules run on a storage of their own.
 */
import type { MembershipStatus } from "@roster/domain"
import { Users, randomUuid } from "@roster/domain"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"

const minutes = (n: number) => n * 60_000

export const suite = (name: string, makePortsLayer: () => IdentityHarness.PortsLayer) =>
  describe(name, () => {
    const h = IdentityHarness.setup(makePortsLayer)

    type Org = IdentityHarness.Organization

    /** A member of `org` with a password (the Member role unless `roleId` says otherwise). */
    const member = async (org: Org, input: { readonly roleId?: string; readonly email?: string } = {}) => {
      const password = IdentityHarness.password()
      const added = await org.add({ ...input, password } as any)
      return { ...added, password }
    }

    const login = (email: string, password: string, code?: string) =>
      h.request("POST", "/auth/login", { body: { email, password, ...(code === undefined ? {} : { code }) } })

    const expectSignedOut = async (auth: string) => {
      h.expectError(await h.request("GET", "/me", { auth }), 401, "UNAUTHORIZED")
    }

    const expectSignedIn = async (auth: string) => {
      expect((await h.request("GET", "/me", { auth })).status).toBe(200)
    }

    const bringTo = (org: Org, userId: string, status: MembershipStatus.MembershipStatus) =>
      h.run(
        Effect.gen(function* () {
          const users = yield* Users
          const id = userId as any
          if (status === "INACTIVE") yield* users.deactivate(org.operator, id)
          if (status === "TERMINATED" || status === "REMOVED" || status === "FORGOTTEN") {
            yield* users.terminate(org.operator, id)
          }
          if (status === "REMOVED") yield* users.remove(org.operator, id, { reason: "moved on" })
          if (status === "FORGOTTEN") yield* users.forget(org.operator, id)
        })
      )

    /** Enrols and enables TOTP for the signed-in user; returns the secret. */
    const enableTotp = async (auth: string) => (await h.enableTotp(auth)).secret

    const resetPassword = (org: string, userId: string, body: unknown) =>
      h.request("POST", `/organizations/users/${userId}/reset-password`, { auth: org, body })

    /** A signed-in platform admin: `auth` is their session. */
    const admin = async () => {
      const created = await h.platformAdmin()
      const { auth } = await h.signIn(created.email, created.password)
      return { ...created, auth }
    }

    const expectRoughly = (iso: string, expectedMs: number) => {
      expect(Math.abs(new Date(iso).getTime() - expectedMs)).toBeLessThan(minutes(1))
    }

    describe("organization credential administration", () => {
      it("reset-password sets the password, ends every session, and the old password stops working", async () => {
        const org = await h.organization()
        const ada = await member(org)
        const first = await h.signIn(ada.email, ada.password)
        const second = await h.signIn(ada.email, ada.password)
        const fresh = IdentityHarness.password("new")
        h.secret(fresh)
        const reply = await resetPassword(await org.token(), ada.id, { password: fresh })
        expect(reply.status).toBe(204)
        await expectSignedOut(first.auth)
        await expectSignedOut(second.auth)
        h.expectError(await login(ada.email, ada.password), 401, "INVALID_CREDENTIALS")
        // An admin-set password is known to the admin: by default the user must replace it.
        const signedIn = await h.signIn(ada.email, fresh)
        expect(signedIn.body.passwordChangeRequired).toBe(true)
        const kept = IdentityHarness.password("kept")
        h.secret(kept)
        const keep = await resetPassword(await org.token(), ada.id, {
          password: kept,
          askUserToUpdatePasswordOnLogin: false
        })
        expect(keep.status).toBe(204)
        const again = await h.signIn(ada.email, kept)
        expect(again.body.passwordChangeRequired).toBe(false)
        await expectSignedIn(again.auth)
      })

      it("reset-password with askUserToUpdatePasswordOnLogin makes sign-in ask for a new password", async () => {
        const org = await h.organization()
        const ada = await member(org)
        const fresh = IdentityHarness.password("new")
        h.secret(fresh)
        const reply = await resetPassword(await org.token(), ada.id, {
          password: fresh,
          askUserToUpdatePasswordOnLogin: true
        })
        expect(reply.status).toBe(204)
        const signedIn = await h.signIn(ada.email, fresh)
        expect(signedIn.body.passwordChangeRequired).toBe(true)
      })

      it("reset-password refuses passwords that break the rules, naming password", async () => {
        const org = await h.organization()
        const ada = await member(org)
        const token = await org.token()
        const tooShort = "short7x"
        const tooLong = `long-${"x".repeat(60)}`
        expect(tooLong).toHaveLength(65)
        h.secret(tooShort)
        h.secret(tooLong)
        for (const password of [tooShort, tooLong, ada.email, ada.email.toUpperCase()]) {
          h.expectError(await resetPassword(token, ada.id, { password }), 400, "VALIDATION_FAILED", "password")
        }
        // Still the old password.
        await h.signIn(ada.email, ada.password)
      })

      it("reset-password refuses unknown fields, malformed ids, tokens without can_manage_users, other organizations' users", async () => {
        const org = await h.organization()
        const other = await h.organization()
        const ada = await member(org)
        const stranger = await member(other)
        const token = await org.token()
        const fresh = IdentityHarness.password("new")
        h.secret(fresh)
        h.expectError(await resetPassword(token, ada.id, { password: fresh, admin: true }), 400, "VALIDATION_FAILED")
        h.expectError(await resetPassword(token, "not-a-uuid", { password: fresh }), 400, "VALIDATION_FAILED", "userId")
        h.expectError(
          await resetPassword(await org.token(["can_view_users", "can_reset_2fa"]), ada.id, { password: fresh }),
          403,
          "FORBIDDEN",
          "can_manage_users"
        )
        h.expectError(await resetPassword(token, stranger.id, { password: fresh }), 404, "USER_NOT_FOUND")
        h.expectError(await resetPassword(token, randomUuid(), { password: fresh }), 404, "USER_NOT_FOUND")
        // Nothing changed.
        await h.signIn(ada.email, ada.password)
        await h.signIn(stranger.email, stranger.password)
      })

      it("magic-link gives a 15-minute sign-in link that signs the user in once", async () => {
        const org = await h.organization()
        const ada = await member(org)
        const reply = await h.request("GET", `/organizations/users/${ada.id}/magic-link`, { auth: await org.token() })
        expect(reply.status).toBe(200)
        expect(reply.json.url).toMatch(/^https:\/\/app\.example\.test\/auth\/magic-link#token=mlt_[0-9A-Za-z]+$/)
        expectRoughly(reply.json.expiresAt, h.clock.now().getTime() + minutes(15))
        const token = reply.json.url.split("#token=")[1]
        const signedIn = await h.request("POST", "/auth/magic-link", { body: { token } })
        expect(signedIn.status).toBe(200)
        expect(signedIn.json.user.id).toBe(ada.id)
        h.expectError(await h.request("POST", "/auth/magic-link", { body: { token } }), 400, "INVALID_LINK")
      })

      it("email-verification gives a 7-day link that verifies the email", async () => {
        const org = await h.organization()
        const ada = await member(org)
        const reply = await h.request("POST", `/organizations/users/${ada.id}/email-verification`, {
          auth: await org.token()
        })
        expect(reply.status).toBe(200)
        expect(reply.json.url).toMatch(/^https:\/\/app\.example\.test\/auth\/verify-email#token=evt_[0-9A-Za-z]+$/)
        expectRoughly(reply.json.expiresAt, h.clock.now().getTime() + minutes(7 * 24 * 60))
        const token = reply.json.url.split("#token=")[1]
        expect((await h.request("POST", "/auth/verify-email", { body: { token } })).status).toBe(204)
        const { body } = await h.signIn(ada.email, ada.password)
        expect(body.user.emailVerified).toBe(true)
      })

      it("a HEAD of magic-link is 405 and makes no link", async () => {
        const root = await admin()
        const org = await h.organization()
        const ada = await member(org)
        const head = await h.request("HEAD", `/organizations/users/${ada.id}/magic-link`, { auth: await org.token() })
        expect(head.status).toBe(405)
        expect(head.headers.get("allow")).toBe("GET")
        const options = await h.request("OPTIONS", `/organizations/users/${ada.id}/magic-link`)
        expect(options.headers.get("allow")).toBe("GET, OPTIONS")
        const issued = await h.request("GET", `/admin/events?userId=${ada.id}&type=auth.magic_link_issued`, {
          auth: root.auth
        })
        expect(issued.json.totalElements).toBe(0)
      })

      it("magic-link and email-verification need can_manage_users", async () => {
        const org = await h.organization()
        const ada = await member(org)
        const weak = await org.token(["can_view_users", "can_reset_2fa"])
        h.expectError(
          await h.request("GET", `/organizations/users/${ada.id}/magic-link`, { auth: weak }),
          403,
          "FORBIDDEN",
          "can_manage_users"
        )
        h.expectError(
          await h.request("POST", `/organizations/users/${ada.id}/email-verification`, { auth: weak }),
          403,
          "FORBIDDEN",
          "can_manage_users"
        )
      })

      const credentialActions = (token: string, userId: string, password: string) => [
        () => resetPassword(token, userId, { password }),
        () => h.request("GET", `/organizations/users/${userId}/magic-link`, { auth: token }),
        () => h.request("POST", `/organizations/users/${userId}/email-verification`, { auth: token })
      ]

      for (const status of ["ACTIVE", "INACTIVE", "TERMINATED"] as const) {
        it(`refuses a user with an ${status} membership in another organization (USER_NOT_MANAGED)`, async () => {
          const org = await h.organization()
          const other = await h.organization()
          const ada = await member(org)
          await other.add({ email: ada.email })
          await bringTo(other, ada.id, status)
          const token = await org.token()
          const fresh = IdentityHarness.password("new")
          h.secret(fresh)
          const resetMfa = () => h.request("POST", `/organizations/users/${ada.id}/reset-mfa`, { auth: token })
          for (const action of [...credentialActions(token, ada.id, fresh), resetMfa]) {
            h.expectError(await action(), 403, "USER_NOT_MANAGED", "also belongs to another organization")
          }
          // The password is unchanged.
          await h.signIn(ada.email, ada.password)
        })
      }

      it("manages the user again once the other membership is REMOVED", async () => {
        const org = await h.organization()
        const other = await h.organization()
        const ada = await member(org)
        await other.add({ email: ada.email })
        const token = await org.token()
        const fresh = IdentityHarness.password("new")
        h.secret(fresh)
        h.expectError(await resetPassword(token, ada.id, { password: fresh }), 403, "USER_NOT_MANAGED")
        await bringTo(other, ada.id, "REMOVED")
        const [reset, magic, verification] = credentialActions(token, ada.id, fresh)
        expect((await reset!()).status).toBe(204)
        expect((await magic!()).status).toBe(200)
        expect((await verification!()).status).toBe(200)
        await h.signIn(ada.email, fresh)
      })

      it("never manages a platform admin who is a member", async () => {
        const org = await h.organization()
        const root = await h.platformAdmin()
        await org.add({ email: root.email })
        const token = await org.token()
        const fresh = IdentityHarness.password("new")
        h.secret(fresh)
        const resetMfa = () => h.request("POST", `/organizations/users/${root.id}/reset-mfa`, { auth: token })
        const { auth } = await h.signIn(root.email, root.password)
        for (const action of [...credentialActions(token, root.id, fresh), resetMfa]) {
          h.expectError(await action(), 403, "USER_NOT_MANAGED", "platform admin")
        }
        // The admin's session survived: reset-mfa did nothing.
        expect((await h.request("GET", "/me", { auth })).status).toBe(200)
        await h.signIn(root.email, root.password)
      })

      it("refuses a token that lacks a permission of the target's role (ROLE_ESCALATION)", async () => {
        const org = await h.organization()
        const boss = await member(org, { roleId: org.admin.id })
        const plain = await member(org)
        const token = await org.token(["can_view_users", "can_manage_users"])
        const fresh = IdentityHarness.password("new")
        h.secret(fresh)
        for (const action of credentialActions(token, boss.id, fresh)) {
          h.expectError(
            await action(),
            403,
            "ROLE_ESCALATION",
            "sign-in of an account whose role holds permissions you do not: can_reset_2fa"
          )
        }
        await h.signIn(boss.email, boss.password)
        // The same token may act on a member whose role it covers.
        expect((await resetPassword(token, plain.id, { password: fresh })).status).toBe(204)
      })

      it("reset-mfa removes the second factor and ends every session", async () => {
        const org = await h.organization()
        const ada = await member(org)
        const { auth } = await h.signIn(ada.email, ada.password)
        const secret = await enableTotp(auth)
        h.expectError(await login(ada.email, ada.password), 401, "MFA_REQUIRED")
        h.clock.advance(30_000) // the enabling code is spent: the next step's code
        const withCode = await h.signIn(ada.email, ada.password, h.totp(secret))
        const reply = await h.request("POST", `/organizations/users/${ada.id}/reset-mfa`, { auth: await org.token() })
        expect(reply.status).toBe(202)
        expect(reply.text).toBe("")
        await expectSignedOut(auth)
        await expectSignedOut(withCode.auth)
        const again = await h.signIn(ada.email, ada.password)
        const me = await h.request("GET", "/me", { auth: again.auth })
        expect(me.json).toMatchObject({ id: ada.id, mfaEnabled: false, recoveryCodesLeft: 0 })
      })

      it("reset-mfa needs can_reset_2fa", async () => {
        const org = await h.organization()
        const ada = await member(org)
        h.expectError(
          await h.request("POST", `/organizations/users/${ada.id}/reset-mfa`, {
            auth: await org.token(["can_view_users", "can_manage_users"])
          }),
          403,
          "FORBIDDEN",
          "can_reset_2fa"
        )
      })

      it("forgetting a user's only membership erases them: sessions end and sign-in fails", async () => {
        const org = await h.organization()
        const ada = await member(org)
        const { auth } = await h.signIn(ada.email, ada.password)
        await bringTo(org, ada.id, "TERMINATED")
        const reply = await h.request("POST", `/organizations/users/${ada.id}/forget`, { auth: await org.token() })
        expect(reply.status).toBe(200)
        expect(reply.json.profile.status).toBe("FORGOTTEN")
        await expectSignedOut(auth)
        h.expectError(await login(ada.email, ada.password), 401, "INVALID_CREDENTIALS")
      })
    })

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
        h.expectError(
          await h.request("GET", `/admin/users/${randomUuid()}`, { auth: root.auth }),
          404,
          "USER_NOT_FOUND"
        )
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

    describe("the last platform admin", () => {
      // A storage of its own, so that the platform admins are only the ones made here.
      const p = IdentityHarness.setup(makePortsLayer)

      const signedInAdmin = async () => {
        const created = await p.platformAdmin()
        return { ...created, auth: (await p.signIn(created.email, created.password)).auth }
      }

      const actingAdmins = async (auth: string) => {
        const page = await p.request("GET", "/admin/users?size=200", { auth })
        expect(page.status).toBe(200)
        return page.json.content.filter((a: any) => a.isPlatformAdmin && !a.disabled).map((a: any) => a.id)
      }

      it("cannot be demoted, deactivated or deleted, and a disabled admin does not count", async () => {
        const only = await signedInAdmin()
        const other = await signedInAdmin()
        const deactivated = await p.request("POST", `/admin/users/${other.id}/deactivate`, { auth: only.auth })
        expect(deactivated.status).toBe(200)
        for (const [method, path] of [
          ["POST", `/admin/users/${only.id}/demote`],
          ["POST", `/admin/users/${only.id}/deactivate`],
          ["DELETE", `/admin/users/${only.id}`]
        ] as const) {
          p.expectError(
            await p.request(method, path, { auth: only.auth }),
            409,
            "LAST_PLATFORM_ADMIN",
            "last platform admin"
          )
        }
        expect(await actingAdmins(only.auth)).toEqual([only.id])
        await p.signIn(only.email, only.password)
        // With the other admin back, either may step down.
        expect((await p.request("POST", `/admin/users/${other.id}/reactivate`, { auth: only.auth })).status).toBe(200)
        const demoted = await p.request("POST", `/admin/users/${only.id}/demote`, { auth: only.auth })
        expect(demoted.status).toBe(200)
        const survivor = (await p.signIn(other.email, other.password)).auth
        expect(await actingAdmins(survivor)).toEqual([other.id])
      })

      it("of two admins stepping down at once, exactly one succeeds", async () => {
        const a = await signedInAdmin()
        const b = await signedInAdmin()
        // Leave exactly these two.
        for (const id of await actingAdmins(a.auth)) {
          if (id !== a.id && id !== b.id) {
            expect((await p.request("POST", `/admin/users/${id}/demote`, { auth: a.auth })).status).toBe(200)
          }
        }
        for (let round = 0; round < 3; round++) {
          expect((await actingAdmins(a.auth)).sort()).toEqual([a.id, b.id].sort())
          const replies = await Promise.all([
            p.request("POST", `/admin/users/${a.id}/demote`, { auth: a.auth }),
            p.request("POST", `/admin/users/${b.id}/demote`, { auth: b.auth })
          ])
          expect(replies.map((r) => r.status).sort()).toEqual([200, 409])
          const refused = replies.find((r) => r.status === 409)!
          p.expectError(refused, 409, "LAST_PLATFORM_ADMIN")
          const [survivor, demoted] = replies[0]!.status === 409 ? [a, b] : [b, a]
          expect(await actingAdmins(survivor.auth)).toEqual([survivor.id])
          p.expectError(await p.request("GET", "/admin/users", { auth: demoted.auth }), 403, "FORBIDDEN")
          const back = await p.request("POST", `/admin/users/${demoted.id}/promote`, { auth: survivor.auth })
          expect(back.status).toBe(200)
        }
        // And the same for deactivating each other.
        const replies = await Promise.all([
          p.request("POST", `/admin/users/${b.id}/deactivate`, { auth: a.auth }),
          p.request("POST", `/admin/users/${a.id}/deactivate`, { auth: b.auth })
        ])
        const statuses = replies.map((r) => r.status).sort()
        // The loser is refused either by the rule (409) or, when its session ended first, by the guard (401).
        expect([
          [200, 409],
          [200, 401]
        ]).toContainEqual(statuses)
        const winner = replies[0]!.status === 200 ? a : b
        expect(await actingAdmins(winner.auth)).toEqual([winner.id])
      })

      it("leaks no secret", () => {
        expect(p.secretsLeaked()).toEqual({ logs: [], responses: [] })
      })
    })

    it("leaks no secret in any response or log line", () => {
      expect(h.secretsLeaked()).toEqual({ logs: [], responses: [] })
    })
  })
