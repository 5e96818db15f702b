/**
 * The sign-in suite's password sign-in: the session it gives, its throttle, a password the user must
 * change, signing out and the Authorization header.
 */
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import { day, fixtures, lockMs, minute } from "./SignInFixtures.js"

export const tests = (h: IdentityHarness.Harness) => {
  const { member, login, thenRealTime, wrongCode, withTotp, inOrg } = fixtures(h)

  describe("password sign-in", () => {
    it("signs a member in with a 30-day session and their account", async () => {
      const ada = await member()
      const reply = await login({ email: ada.email, password: ada.password })
      expect(reply.status).toBe(200)
      expect(reply.json.token).toMatch(/^ses_[0-9A-Za-z]{52}$/)
      expect(reply.json.passwordChangeRequired).toBe(false)
      expect(reply.json.user).toEqual({
        id: ada.id,
        email: ada.email,
        name: null,
        avatarUrl: null,
        // Created by an organization with a password: the address counts as confirmed.
        emailVerified: true,
        isPlatformAdmin: false,
        mfaEnabled: false
      })
      const lifetime = Date.parse(reply.json.expiresAt) - Date.now()
      expect(Math.abs(lifetime - 30 * day)).toBeLessThan(5 * minute)
      const me = await h.request("GET", "/me", { auth: `Bearer ${reply.json.token}` })
      expect(me.json.id).toBe(ada.id)
    })

    it("fails an unknown email exactly like a wrong password", async () => {
      const ada = await member()
      const wrong = await login({ email: ada.email, password: "not-the-password" })
      const unknown = await login({ email: IdentityHarness.uniqueEmail("nobody"), password: "not-the-password" })
      h.expectError(wrong, 401, "INVALID_CREDENTIALS")
      expect(unknown.status).toBe(wrong.status)
      // Each answer has its own fingerprint and request id; nothing else differs.
      const { fingerprint: _a, requestId: _c, ...wrongBody } = wrong.json
      const { fingerprint: _b, requestId: _d, ...unknownBody } = unknown.json
      expect(unknownBody).toEqual(wrongBody)
      const headers = (reply: IdentityHarness.Reply) => {
        const lines: Array<string> = []
        reply.headers.forEach((value, key) => {
          if (key !== "date" && key !== "x-request-id") lines.push(`${key}: ${value}`)
        })
        return lines.sort()
      }
      expect(headers(wrong)).toContain("content-type: application/json")
      expect(headers(unknown)).toEqual(headers(wrong))
    })

    it("names the missing or blank field", async () => {
      const email = IdentityHarness.uniqueEmail()
      h.expectError(await login({ password: "whatever-1" }), 400, "VALIDATION_FAILED", "email")
      h.expectError(await login({ email: "   ", password: "whatever-1" }), 400, "VALIDATION_FAILED", "email")
      h.expectError(await login({ email }), 400, "VALIDATION_FAILED", "password")
      h.expectError(await login({ email, password: "" }), 400, "VALIDATION_FAILED", "password")
      // A NUL character cannot reach the database (it would be a 500 there).
      h.expectError(
        await login({ email: `${email}\u0000`, password: "whatever-1" }),
        400,
        "VALIDATION_FAILED",
        /^email: /
      )
    })
  })

  describe("throttle", () => {
    it("locks an email after five failures, with Retry-After, even for the right password", async () => {
      const ada = await member()
      for (let i = 0; i < 5; i++) {
        h.expectError(await login({ email: ada.email, password: `wrong-${i}-password` }), 401, "INVALID_CREDENTIALS")
      }
      const locked = await login({ email: ada.email, password: "wrong-again-password" })
      h.expectError(locked, 429, "TOO_MANY_ATTEMPTS")
      const retryAfter = Number(locked.headers.get("retry-after"))
      expect(retryAfter).toBeGreaterThan(0)
      expect(retryAfter).toBeLessThanOrEqual(900)
      expect(Number.isInteger(retryAfter)).toBe(true)
      h.expectError(await login({ email: ada.email, password: ada.password }), 429, "TOO_MANY_ATTEMPTS")
    })

    it("locks an unknown email the same way", async () => {
      const email = IdentityHarness.uniqueEmail("nobody")
      for (let i = 0; i < 5; i++) {
        h.expectError(await login({ email, password: "wrong-password" }), 401, "INVALID_CREDENTIALS")
      }
      const locked = await login({ email, password: "wrong-password" })
      h.expectError(locked, 429, "TOO_MANY_ATTEMPTS")
      expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(900)
    })

    it("lets the right password in once the lock has run out", async () => {
      const ada = await member()
      await thenRealTime(async () => {
        for (let i = 0; i < 5; i++) await login({ email: ada.email, password: "wrong-password" })
        h.expectError(await login({ email: ada.email, password: ada.password }), 429, "TOO_MANY_ATTEMPTS")
        h.clock.advance(lockMs + 1000)
        await h.signIn(ada.email, ada.password)
      })
    })

    it("counts every one of five concurrent failures", async () => {
      const ada = await member()
      const replies = await Promise.all(
        Array.from({ length: 5 }, (_, i) => login({ email: ada.email, password: `parallel-${i}-guess` }))
      )
      for (const reply of replies) h.expectError(reply, 401, "INVALID_CREDENTIALS")
      h.expectError(await login({ email: ada.email, password: ada.password }), 429, "TOO_MANY_ATTEMPTS")
    })

    it("checks no more than five of fifteen concurrent guesses: the rest wait out the lock", async () => {
      const ada = await member()
      const replies = await Promise.all(
        Array.from({ length: 15 }, (_, i) => login({ email: ada.email, password: `parallel-${i}-guess` }))
      )
      const statuses = replies.map((reply) => reply.status).sort()
      expect(statuses).toEqual([...Array(5).fill(401), ...Array(10).fill(429)])
      for (const reply of replies) {
        if (reply.status === 401) h.expectError(reply, 401, "INVALID_CREDENTIALS")
        else h.expectError(reply, 429, "TOO_MANY_ATTEMPTS")
      }
      h.expectError(await login({ email: ada.email, password: ada.password }), 429, "TOO_MANY_ATTEMPTS")
    })

    it("checks no more than five of fifteen concurrent second-factor guesses", async () => {
      const ada = await member()
      const { secret } = await withTotp(ada.email, ada.password)
      const wrong = wrongCode(secret)
      const replies = await Promise.all(
        Array.from({ length: 15 }, () => login({ email: ada.email, password: ada.password, code: wrong }))
      )
      const statuses = replies.map((reply) => reply.status).sort()
      expect(statuses).toEqual([...Array(5).fill(401), ...Array(10).fill(429)])
      for (const reply of replies) {
        if (reply.status === 401) h.expectError(reply, 401, "INVALID_MFA_CODE")
      }
      h.expectError(
        await login({ email: ada.email, password: ada.password, code: h.totp(secret) }),
        429,
        "TOO_MANY_ATTEMPTS"
      )
    })

    it("counts every spelling of one account's email together (İ, capitals, padding)", async () => {
      const kim = await member({ email: IdentityHarness.uniqueEmail("kim") })
      const [local, domain] = kim.email.split("@") as [string, string]
      const spellings = [
        kim.email,
        kim.email.toUpperCase(),
        ` ${kim.email} `,
        `${local.replace("i", "İ")}@${domain}`,
        `${local.replace("k", "K")}@${domain.toUpperCase()}`
      ]
      for (const [i, email] of spellings.entries()) {
        h.expectError(await login({ email, password: `wrong-${i}-password` }), 401, "INVALID_CREDENTIALS")
      }
      for (const email of [...spellings, `${local.replace("i", "İ").toUpperCase()}@${domain}`]) {
        h.expectError(await login({ email, password: kim.password }), 429, "TOO_MANY_ATTEMPTS")
      }
    })

    it("does not count a right password that stops at MFA_REQUIRED: the two-step sign-in never locks", async () => {
      const ada = await member()
      const { secret } = await withTotp(ada.email, ada.password)
      await thenRealTime(async () => {
        for (let i = 0; i < 4; i++) await login({ email: ada.email, password: `wrong-${i}-password` })
        for (let i = 0; i < 3; i++) {
          h.expectError(await login({ email: ada.email, password: ada.password }), 401, "MFA_REQUIRED")
        }
        // The next step (a new one: a code works once) signs in.
        h.clock.advance(30_000)
        await h.signIn(ada.email, ada.password, h.totp(secret))
      })
    })

    it("cannot be locked by typing an account's key as the email", async () => {
      const ada = await member()
      for (let i = 0; i < 6; i++) await login({ email: `user:${ada.id}`, password: `wrong-${i}-password` })
      await h.signIn(ada.email, ada.password)
    })

    it("forgets the count at a successful sign-in", async () => {
      const ada = await member()
      for (let i = 0; i < 4; i++) await login({ email: ada.email, password: `wrong-${i}-password` })
      await h.signIn(ada.email, ada.password)
      for (let i = 0; i < 4; i++) {
        h.expectError(await login({ email: ada.email, password: `wrong-${i}-password` }), 401, "INVALID_CREDENTIALS")
      }
      await h.signIn(ada.email, ada.password)
    })
  })

  describe("a password the user must change", () => {
    it("gives a session that may only change the password, then works fully", async () => {
      const ada = await member({ askUserToUpdatePasswordOnLogin: true })
      const { auth, body } = await h.signIn(ada.email, ada.password)
      expect(body.passwordChangeRequired).toBe(true)
      for (const [method, path] of [
        ["GET", "/me"],
        ["GET", "/me/sessions"],
        ["GET", "/me/organizations"],
        ["POST", "/me/mfa/totp"]
      ] as const) {
        h.expectError(await h.request(method, path, { auth }), 403, "PASSWORD_CHANGE_REQUIRED")
      }
      h.expectError(
        await h.request("GET", "/organizations/users", inOrg(auth, ada.org.id)),
        403,
        "PASSWORD_CHANGE_REQUIRED"
      )
      const newPassword = IdentityHarness.password("new")
      h.secret(newPassword)
      const changed = await h.request("POST", "/me/password", {
        auth,
        body: { currentPassword: ada.password, newPassword }
      })
      expect(changed.status).toBe(204)
      const me = await h.request("GET", "/me", { auth })
      expect(me.status).toBe(200)
      expect(me.json.id).toBe(ada.id)
      expect((await h.request("GET", "/organizations/users", inOrg(auth, ada.org.id))).status).toBe(200)
      expect((await login({ email: ada.email, password: newPassword })).json.passwordChangeRequired).toBe(false)
    })

    it("can sign out", async () => {
      const ada = await member({ askUserToUpdatePasswordOnLogin: true })
      const { auth } = await h.signIn(ada.email, ada.password)
      expect((await h.request("POST", "/auth/logout", { auth })).status).toBe(204)
      const newPassword = IdentityHarness.password("new")
      h.secret(newPassword)
      h.expectError(
        await h.request("POST", "/me/password", { auth, body: { currentPassword: ada.password, newPassword } }),
        401,
        "UNAUTHORIZED"
      )
    })
  })

  describe("sign-out and the Authorization header", () => {
    it("ends the session everywhere", async () => {
      const ada = await member()
      const { auth } = await h.signIn(ada.email, ada.password)
      expect((await h.request("POST", "/auth/logout", { auth })).status).toBe(204)
      h.expectError(await h.request("GET", "/me", { auth }), 401, "UNAUTHORIZED")
      h.expectError(await h.request("GET", "/me/sessions", { auth }), 401, "UNAUTHORIZED")
      h.expectError(await h.request("POST", "/auth/logout", { auth }), 401, "UNAUTHORIZED")
      h.expectError(await h.request("GET", "/organizations/users", inOrg(auth, ada.org.id)), 401, "UNAUTHORIZED")
    })

    it("refuses a missing, blank or made-up session", async () => {
      const made = `Bearer ses_${"a".repeat(52)}`
      for (const auth of [undefined, "", "Bearer ", "Bearer garbage", "garbage", made]) {
        const reply = await h.request("GET", "/me", auth === undefined ? {} : { auth })
        h.expectError(reply, 401, "UNAUTHORIZED")
      }
      h.expectError(await h.request("POST", "/auth/logout", {}), 401, "UNAUTHORIZED")
    })

    it("refuses an organization token on /me, pointing at ses_", async () => {
      const org = await h.organization()
      const token = await org.token()
      h.expectError(await h.request("GET", "/me", { auth: token }), 401, "UNAUTHORIZED", "ses_")
      h.expectError(await h.request("GET", "/me", { auth: `Bearer ${token}` }), 401, "UNAUTHORIZED", "ses_")
    })
  })
}
