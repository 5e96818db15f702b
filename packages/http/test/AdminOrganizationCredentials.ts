/**
 * The administration suite's credential administration by organizations: reset-password, magic-link,
 * email-verification, reset-mfa and forget, and the users an organization may not manage.
 */
import { randomUuid } from "@roster/domain"
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import { fixtures, minutes } from "./AdminFixtures.js"

export const tests = (h: IdentityHarness.Harness) => {
  const { member, login, expectSignedOut, expectSignedIn, bringTo, enableTotp, resetPassword, admin, expectRoughly } =
    fixtures(h)

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
          h.expectError(await action(), 403, "USER_NOT_MANAGED", "does not manage how user")
        }
        // The password is unchanged.
        await h.signIn(ada.email, ada.password)
      })
    }

    it("does not manage the user again once the other membership is REMOVED: that organization relied on it", async () => {
      const org = await h.organization()
      const other = await h.organization()
      const ada = await member(org)
      await other.add({ email: ada.email })
      const token = await org.token()
      const fresh = IdentityHarness.password("new")
      h.secret(fresh)
      h.expectError(await resetPassword(token, ada.id, { password: fresh }), 403, "USER_NOT_MANAGED")
      await bringTo(other, ada.id, "REMOVED")
      for (const action of credentialActions(token, ada.id, fresh)) {
        h.expectError(await action(), 403, "USER_NOT_MANAGED", "does not manage how user")
      }
      // Their own password still signs them in.
      await h.signIn(ada.email, ada.password)
    })

    it("no organization takes over a dormant account by adding it with a password of its choosing", async () => {
      const first = await h.organization()
      const second = await h.organization()
      const victim = await member(first)
      const { auth } = await h.signIn(victim.email, victim.password)
      await bringTo(first, victim.id, "REMOVED")
      const chosen = IdentityHarness.password("taken")
      h.secret(chosen)
      const token = await second.token()
      const adopted = await h.request("POST", "/organizations/users", {
        auth: token,
        body: { email: victim.email, password: chosen }
      })
      h.expectError(adopted, 403, "USER_NOT_MANAGED", "does not manage how user")
      // Nothing was written: no membership there, the victim's own password and session still good.
      expect((await h.request("GET", `/organizations/users/${victim.id}`, { auth: token })).status).toBe(404)
      expect((await login(victim.email, chosen)).status).toBe(401)
      await h.signIn(victim.email, victim.password)
      expect((await h.request("GET", "/me", { auth })).status).toBe(200)
      // Added without a password, they join and sign in with what they have.
      expect(
        (await h.request("POST", "/organizations/users", { auth: token, body: { email: victim.email } })).status
      ).toBe(201)
      await h.signIn(victim.email, victim.password)
    })

    it("no organization adopts an identity a platform admin made with no organization", async () => {
      const root = await h.platformAdmin()
      const { auth: admin } = await h.signIn(root.email, root.password)
      const own = IdentityHarness.password("own")
      h.secret(own)
      const email = IdentityHarness.uniqueEmail("loner")
      expect((await h.request("POST", "/admin/users", { auth: admin, body: { email, password: own } })).status).toBe(
        201
      )
      const org = await h.organization()
      const chosen = IdentityHarness.password("taken")
      h.secret(chosen)
      const adopted = await h.request("POST", "/organizations/users", {
        auth: await org.token(),
        body: { email, password: chosen }
      })
      h.expectError(adopted, 403, "USER_NOT_MANAGED", "does not manage how user")
      expect((await login(email, chosen)).status).toBe(401)
      await h.signIn(email, own)
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
        h.expectError(await action(), 403, "USER_NOT_MANAGED", "does not manage how user")
      }
      // The admin's session survived: reset-mfa did nothing.
      expect((await h.request("GET", "/me", { auth })).status).toBe(200)
      await h.signIn(root.email, root.password)
    })

    it("refuses a token that lacks a permission of the target's role (OUTRANKED)", async () => {
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
          "OUTRANKED",
          "You cannot act on a member whose role holds permissions you do not: can_reset_2fa"
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
}
