/**
 * Sign-in and self-service over real HTTP, written once and run on every storage: password sign-in
 * and its throttle, sessions, a forced password change, the user's own account (`/me`), TOTP with a
 * clock the tests move, magic links, email verification, and a session acting in an organization.
 * Every test makes its own organization and users: locks and sessions are per email and per user.
 */
import { Credentials, Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"

const minute = 60 * 1000
const day = 24 * 60 * minute
const lockMs = 15 * minute

export const suite = (name: string, makePortsLayer: () => IdentityHarness.PortsLayer) =>
  describe(name, () => {
    const h = IdentityHarness.setup(makePortsLayer)

    /** A member with a password, in a new organization (Member role unless told). */
    const member = async (input: Record<string, unknown> = {}) => {
      const org = await h.organization()
      const password = IdentityHarness.password()
      const user = await org.add({ password: password as any, ...input })
      return { org, ...user, password }
    }

    /**
     * A member whose address is not confirmed yet: added without a password (an organization that
     * creates a user with one vouches for the address), then given one.
     */
    const unverifiedMember = async () => {
      const org = await h.organization()
      const password = IdentityHarness.password()
      h.secret(password)
      const user = await org.add()
      await h.run(
        Effect.flatMap(Credentials, (credentials) =>
          credentials.setPassword(org.operator, user.id as any, {
            password: password as any,
            askUserToUpdatePasswordOnLogin: false
          })
        )
      )
      return { org, ...user, password }
    }

    const login = (body: Record<string, unknown>, headers?: Record<string, string>) =>
      h.request("POST", "/auth/login", { body, ...(headers === undefined ? {} : { headers }) })

    /** Runs `body` with the server's clock at a fixed time, 7 s into a 30 s TOTP step; real time afterwards. */
    const atFixedTime = async (body: () => Promise<void>) => {
      h.clock.setTime(new Date("2031-03-04T05:06:07Z"))
      try {
        await body()
      } finally {
        h.clock.reset()
      }
    }

    /** Runs `body`, then puts the server's clock back to real time. */
    const thenRealTime = async (body: () => Promise<void>) => {
      try {
        await body()
      } finally {
        h.clock.reset()
      }
    }

    /** A six-digit code that is not the current one (nor, but by a one-in-a-million chance, a neighbour). */
    const wrongCode = (secret: string) => String((Number(h.totp(secret)) + 1) % 1_000_000).padStart(6, "0")

    /** Signs in and enables TOTP; returns the session, the enrolment and the step it was enabled at. */
    const withTotp = async (email: string, password: string) => {
      const { auth } = await h.signIn(email, password)
      const { secret, recoveryCodes } = await h.enableTotp(auth)
      return { auth, secret, recoveryCodes: [...recoveryCodes] }
    }

    const inOrg = (auth: string, organizationId: string) => ({ auth, headers: { "X-Organization-Id": organizationId } })

    const magicLinkToken = async (org: IdentityHarness.Organization, userId: string) => {
      const reply = await h.request("GET", `/organizations/users/${userId}/magic-link`, { auth: await org.token() })
      expect(reply.status).toBe(200)
      return reply.json.url.split("#token=")[1] as string
    }

    const verificationToken = async (org: IdentityHarness.Organization, userId: string) => {
      const reply = await h.request("POST", `/organizations/users/${userId}/email-verification`, {
        auth: await org.token()
      })
      expect(reply.status).toBe(200)
      return reply.json.url.split("#token=")[1] as string
    }

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
        const { fingerprint: _a, ...wrongBody } = wrong.json
        const { fingerprint: _b, ...unknownBody } = unknown.json
        expect(unknownBody).toEqual(wrongBody)
        const headers = (reply: IdentityHarness.Reply) => {
          const lines: Array<string> = []
          reply.headers.forEach((value, key) => {
            if (key !== "date") lines.push(`${key}: ${value}`)
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

    describe("one's own account", () => {
      it("shows the identity and the current memberships only", async () => {
        const a = await h.organization()
        const b = await h.organization()
        const c = await h.organization()
        const d = await h.organization()
        const password = IdentityHarness.password()
        const ada = await a.add({ password: password as any, roleId: a.admin.id })
        for (const org of [b, c, d]) await org.add({ email: ada.email as any })
        const id = ada.id as any
        await h.run(Effect.flatMap(Users, (users) => users.remove(b.operator, id, { reason: "moved on" } as any)))
        await h.run(
          Effect.flatMap(Users, (users) =>
            users.terminate(c.operator, id).pipe(Effect.zipRight(users.forget(c.operator, id)))
          )
        )
        await h.run(Effect.flatMap(Users, (users) => users.deactivate(d.operator, id)))
        const { auth } = await h.signIn(ada.email, password)
        const me = await h.request("GET", "/me", { auth })
        expect(me.status).toBe(200)
        expect(me.json).toMatchObject({
          id: ada.id,
          email: ada.email,
          name: null,
          emailVerified: true,
          isPlatformAdmin: false,
          mfaEnabled: false,
          recoveryCodesLeft: 0
        })
        const byOrg = (list: Array<any>) => [...list].sort((x, y) => x.status.localeCompare(y.status))
        expect(byOrg(me.json.memberships)).toEqual([
          {
            organization: { id: a.id, name: a.name },
            role: { id: a.admin.id, name: "Admin", permissions: [...a.admin.permissions] },
            status: "ACTIVE"
          },
          {
            organization: { id: d.id, name: d.name },
            role: { id: d.member.id, name: "Member", permissions: [...d.member.permissions] },
            status: "INACTIVE"
          }
        ])
        const mine = await h.request("GET", "/me/organizations", { auth })
        expect(mine.status).toBe(200)
        expect(byOrg(mine.json).map((o: any) => [o.id, o.name, o.role.name, o.status])).toEqual([
          [a.id, a.name, "Admin", "ACTIVE"],
          [d.id, d.name, "Member", "INACTIVE"]
        ])
      })

      it("lists one's sessions, marking the current one, and ends one of them", async () => {
        const ada = await member()
        const first = await login({ email: ada.email, password: ada.password }, { "User-Agent": "first-agent/1.0" })
        const second = await login({ email: ada.email, password: ada.password }, { "User-Agent": "second-agent/2.0" })
        const firstAuth = `Bearer ${first.json.token}`
        const secondAuth = `Bearer ${second.json.token}`
        const list = await h.request("GET", "/me/sessions", { auth: secondAuth })
        expect(list.status).toBe(200)
        expect(list.json).toHaveLength(2)
        expect(list.json.filter((s: any) => s.current)).toHaveLength(1)
        const current = list.json.find((s: any) => s.current)
        const other = list.json.find((s: any) => !s.current)
        expect(current.userAgent).toBe("second-agent/2.0")
        expect(other.userAgent).toBe("first-agent/1.0")
        expect((await h.request("DELETE", `/me/sessions/${other.id}`, { auth: secondAuth })).status).toBe(204)
        h.expectError(await h.request("GET", "/me", { auth: firstAuth }), 401, "UNAUTHORIZED")
        expect((await h.request("GET", "/me", { auth: secondAuth })).status).toBe(200)
        const after = await h.request("GET", "/me/sessions", { auth: secondAuth })
        expect(after.json.map((s: any) => s.id)).toEqual([current.id])
      })

      it("ends its own current session too", async () => {
        const ada = await member()
        const { auth } = await h.signIn(ada.email, ada.password)
        const [own] = (await h.request("GET", "/me/sessions", { auth })).json
        expect((await h.request("DELETE", `/me/sessions/${own.id}`, { auth })).status).toBe(204)
        h.expectError(await h.request("GET", "/me", { auth }), 401, "UNAUTHORIZED")
      })

      it("does not let one end another user's session", async () => {
        const ada = await member()
        const bob = await member()
        const adaAuth = (await h.signIn(ada.email, ada.password)).auth
        const bobAuth = (await h.signIn(bob.email, bob.password)).auth
        const [bobs] = (await h.request("GET", "/me/sessions", { auth: bobAuth })).json
        h.expectError(await h.request("DELETE", `/me/sessions/${bobs.id}`, { auth: adaAuth }), 404, "SESSION_NOT_FOUND")
        expect((await h.request("GET", "/me", { auth: bobAuth })).status).toBe(200)
        h.expectError(
          await h.request("DELETE", "/me/sessions/not-a-session-id", { auth: adaAuth }),
          400,
          "VALIDATION_FAILED",
          "sessionId"
        )
      })
    })

    describe("changing one's password", () => {
      it("needs the current password", async () => {
        const ada = await member()
        const { auth } = await h.signIn(ada.email, ada.password)
        h.expectError(
          await h.request("POST", "/me/password", {
            auth,
            body: { currentPassword: "not-my-password", newPassword: "a-new-password-1" }
          }),
          401,
          "INVALID_CREDENTIALS"
        )
        await h.signIn(ada.email, ada.password)
      })

      it("refuses a new password that breaks the rules", async () => {
        const ada = await member()
        const { auth } = await h.signIn(ada.email, ada.password)
        for (const newPassword of ["a".repeat(7), "a".repeat(65), ada.email, ada.email.toUpperCase(), ada.password]) {
          const reply = await h.request("POST", "/me/password", {
            auth,
            body: { currentPassword: ada.password, newPassword }
          })
          h.expectError(reply, 400, "VALIDATION_FAILED", "newPassword")
        }
        await h.signIn(ada.email, ada.password)
      })

      it("ends the other sessions, keeps this one, and replaces the old password", async () => {
        const ada = await member()
        const other = (await h.signIn(ada.email, ada.password)).auth
        const { auth } = await h.signIn(ada.email, ada.password)
        const newPassword = IdentityHarness.password("new")
        h.secret(newPassword)
        const reply = await h.request("POST", "/me/password", {
          auth,
          body: { currentPassword: ada.password, newPassword }
        })
        expect(reply.status).toBe(204)
        h.expectError(await h.request("GET", "/me", { auth: other }), 401, "UNAUTHORIZED")
        expect((await h.request("GET", "/me", { auth })).status).toBe(200)
        h.expectError(await login({ email: ada.email, password: ada.password }), 401, "INVALID_CREDENTIALS")
        await h.signIn(ada.email, newPassword)
      })
    })

    describe("TOTP", () => {
      it("enrols with a secret, an otpauth URL and ten recovery codes, enabled by a right code", async () => {
        const ada = await member()
        await atFixedTime(async () => {
          const { auth } = await h.signIn(ada.email, ada.password)
          const enrolment = await h.request("POST", "/me/mfa/totp", { auth })
          expect(enrolment.status).toBe(201)
          expect(enrolment.json.secret).toMatch(/^[A-Z2-7]+=*$/)
          expect(enrolment.json.otpauthUrl).toMatch(/^otpauth:\/\/totp\//)
          expect(enrolment.json.recoveryCodes).toHaveLength(10)
          expect(new Set(enrolment.json.recoveryCodes).size).toBe(10)
          const { secret } = enrolment.json
          h.expectError(
            await h.request("POST", "/me/mfa/totp/enable", { auth, body: { code: wrongCode(secret) } }),
            401,
            "INVALID_MFA_CODE"
          )
          expect((await h.request("GET", "/me", { auth })).json.mfaEnabled).toBe(false)
          const enabled = await h.request("POST", "/me/mfa/totp/enable", { auth, body: { code: h.totp(secret) } })
          expect(enabled.status).toBe(204)
          const me = await h.request("GET", "/me", { auth })
          expect(me.json).toMatchObject({ mfaEnabled: true, recoveryCodesLeft: 10 })
          h.expectError(await h.request("POST", "/me/mfa/totp", { auth }), 409, "MFA_ALREADY_ENABLED")
          h.expectError(
            await h.request("POST", "/me/mfa/totp/enable", { auth, body: { code: h.totp(secret) } }),
            409,
            "MFA_ALREADY_ENABLED"
          )
        })
      })

      it("cannot enable without an enrolment", async () => {
        const ada = await member()
        const { auth } = await h.signIn(ada.email, ada.password)
        h.expectError(
          await h.request("POST", "/me/mfa/totp/enable", { auth, body: { code: "123456" } }),
          409,
          "NO_PENDING_ENROLMENT"
        )
      })

      it("asks for a code at sign-in: one step back accepted, too old or replayed refused", async () => {
        const ada = await member()
        await atFixedTime(async () => {
          const { secret } = await withTotp(ada.email, ada.password)
          h.clock.advance(120_000)
          const attempt = (code?: string) =>
            login({ email: ada.email, password: ada.password, ...(code === undefined ? {} : { code }) })
          h.expectError(await attempt(), 401, "MFA_REQUIRED")
          h.expectError(await attempt(wrongCode(secret)), 401, "INVALID_MFA_CODE")
          const now = h.clock.now().getTime()
          h.expectError(await attempt(h.totp(secret, new Date(now - 90_000))), 401, "INVALID_MFA_CODE")
          const previous = await h.signIn(ada.email, ada.password, h.totp(secret, new Date(now - 30_000)))
          expect(previous.body.user.mfaEnabled).toBe(true)
          const code = h.totp(secret)
          await h.signIn(ada.email, ada.password, code)
          h.expectError(await attempt(code), 401, "INVALID_MFA_CODE")
          h.clock.advance(30_000)
          const { auth } = await h.signIn(ada.email, ada.password, h.totp(secret))
          expect((await h.request("GET", "/me", { auth })).status).toBe(200)
        })
      })

      it("takes each recovery code once", async () => {
        const ada = await member()
        await atFixedTime(async () => {
          const { recoveryCodes } = await withTotp(ada.email, ada.password)
          const { auth } = await h.signIn(ada.email, ada.password, recoveryCodes[0])
          expect((await h.request("GET", "/me", { auth })).json.recoveryCodesLeft).toBe(9)
          h.expectError(
            await login({ email: ada.email, password: ada.password, code: recoveryCodes[0] }),
            401,
            "INVALID_MFA_CODE"
          )
          await h.signIn(ada.email, ada.password, recoveryCodes[1])
          expect((await h.request("GET", "/me", { auth })).json.recoveryCodesLeft).toBe(8)
        })
      })

      it("turns off with the password, then sign-in needs no code", async () => {
        const ada = await member()
        await atFixedTime(async () => {
          const { auth } = await withTotp(ada.email, ada.password)
          h.expectError(
            await h.request("POST", "/me/mfa/disable", { auth, body: { password: "not-my-password" } }),
            401,
            "INVALID_CREDENTIALS"
          )
          h.expectError(await login({ email: ada.email, password: ada.password }), 401, "MFA_REQUIRED")
          expect((await h.request("POST", "/me/mfa/disable", { auth, body: { password: ada.password } })).status).toBe(
            204
          )
          const again = await h.signIn(ada.email, ada.password)
          expect(again.body.user.mfaEnabled).toBe(false)
          expect((await h.request("GET", "/me", { auth })).json).toMatchObject({
            mfaEnabled: false,
            recoveryCodesLeft: 0
          })
        })
      })
    })

    describe("magic links", () => {
      it("gives an organization a link that signs the member in once", async () => {
        const ada = await member()
        const token = await ada.org.token(["can_manage_users"])
        const reply = await h.request("GET", `/organizations/users/${ada.id}/magic-link`, { auth: token })
        expect(reply.status).toBe(200)
        expect(reply.json.url).toMatch(/^https:\/\/app\.example\.test\/auth\/magic-link#token=mlt_[0-9A-Za-z]+$/)
        const lifetime = Date.parse(reply.json.expiresAt) - Date.now()
        expect(Math.abs(lifetime - 15 * minute)).toBeLessThan(minute)
        const secret = reply.json.url.split("#token=")[1]
        const used = await h.request("POST", "/auth/magic-link", { body: { token: secret } })
        expect(used.status).toBe(200)
        expect(used.json).toMatchObject({ passwordChangeRequired: false, user: { id: ada.id, email: ada.email } })
        expect(used.json.token).toMatch(/^ses_/)
        const me = await h.request("GET", "/me", { auth: `Bearer ${used.json.token}` })
        expect(me.json.id).toBe(ada.id)
        h.expectError(await h.request("POST", "/auth/magic-link", { body: { token: secret } }), 400, "INVALID_LINK")
      })

      it("refuses a link after 15 minutes, and a malformed one", async () => {
        const ada = await member()
        const secret = await magicLinkToken(ada.org, ada.id)
        await thenRealTime(async () => {
          h.clock.advance(lockMs + 1000)
          h.expectError(await h.request("POST", "/auth/magic-link", { body: { token: secret } }), 400, "INVALID_LINK")
        })
        for (const token of ["mlt_short", "not-a-link", "", `evt_${"a".repeat(52)}`]) {
          const reply = await h.request("POST", "/auth/magic-link", { body: { token } })
          expect(reply.status).toBe(400)
          expect(reply.json.errors.map((e: any) => e.code)).toEqual([
            expect.stringMatching(/^(INVALID_LINK|VALIDATION_FAILED)$/)
          ])
        }
      })

      it("asks for the second factor, leaving the link usable until the code is given", async () => {
        const ada = await member()
        await atFixedTime(async () => {
          const { secret } = await withTotp(ada.email, ada.password)
          const token = await magicLinkToken(ada.org, ada.id)
          h.expectError(await h.request("POST", "/auth/magic-link", { body: { token } }), 401, "MFA_REQUIRED")
          h.clock.advance(30_000)
          const used = await h.request("POST", "/auth/magic-link", { body: { token, code: h.totp(secret) } })
          expect(used.status).toBe(200)
          expect((await h.request("GET", "/me", { auth: `Bearer ${used.json.token}` })).status).toBe(200)
        })
      })

      it("checks no more than five of fifteen codes sent at once with one link", async () => {
        const ada = await member()
        const { secret } = await withTotp(ada.email, ada.password)
        const token = await magicLinkToken(ada.org, ada.id)
        const wrong = wrongCode(secret)
        const replies = await Promise.all(
          Array.from({ length: 15 }, () => h.request("POST", "/auth/magic-link", { body: { token, code: wrong } }))
        )
        const statuses = replies.map((reply) => reply.status).sort()
        expect(statuses).toEqual([...Array(5).fill(401), ...Array(10).fill(429)])
        for (const reply of replies) {
          if (reply.status === 401) h.expectError(reply, 401, "INVALID_MFA_CODE")
        }
        h.expectError(
          await h.request("POST", "/auth/magic-link", { body: { token, code: h.totp(secret) } }),
          429,
          "TOO_MANY_ATTEMPTS"
        )
      })
    })

    describe("email verification", () => {
      it("verifies the email once with a link", async () => {
        const ada = await unverifiedMember()
        expect(
          (await h.request("GET", "/me", { auth: (await h.signIn(ada.email, ada.password)).auth })).json.emailVerified
        ).toBe(false)
        const reply = await h.request("POST", `/organizations/users/${ada.id}/email-verification`, {
          auth: await ada.org.token()
        })
        expect(reply.status).toBe(200)
        expect(reply.json.url).toMatch(/^https:\/\/app\.example\.test\/auth\/verify-email#token=evt_[0-9A-Za-z]+$/)
        const lifetime = Date.parse(reply.json.expiresAt) - Date.now()
        expect(Math.abs(lifetime - 7 * day)).toBeLessThan(minute)
        const token = reply.json.url.split("#token=")[1]
        expect((await h.request("POST", "/auth/verify-email", { body: { token } })).status).toBe(204)
        const { auth } = await h.signIn(ada.email, ada.password)
        expect((await h.request("GET", "/me", { auth })).json.emailVerified).toBe(true)
        h.expectError(await h.request("POST", "/auth/verify-email", { body: { token } }), 400, "INVALID_LINK")
      })

      it("refuses a link after 7 days", async () => {
        const ada = await unverifiedMember()
        const token = await verificationToken(ada.org, ada.id)
        await thenRealTime(async () => {
          h.clock.advance(7 * day + 1000)
          h.expectError(await h.request("POST", "/auth/verify-email", { body: { token } }), 400, "INVALID_LINK")
        })
        const { auth } = await h.signIn(ada.email, ada.password)
        expect((await h.request("GET", "/me", { auth })).json.emailVerified).toBe(false)
      })
    })

    describe("a session acting in an organization", () => {
      it("acts with the Admin role's permissions", async () => {
        const org = await h.organization()
        const password = IdentityHarness.password()
        const ada = await org.add({ password: password as any, roleId: org.admin.id })
        const { auth } = await h.signIn(ada.email, password)
        const list = await h.request("GET", "/organizations/users", inOrg(auth, org.id))
        expect(list.status).toBe(200)
        expect(list.json.content.map((u: any) => u.id)).toContain(ada.id)
        const email = IdentityHarness.uniqueEmail("new")
        const added = await h.request("POST", "/organizations/users", { ...inOrg(auth, org.id), body: { email } })
        expect(added.status).toBe(201)
        expect(added.json.email).toBe(email)
      })

      it("mints tokens that act for the member: only while ACTIVE, and within the role they hold now", async () => {
        const org = await h.organization()
        await org.add({ roleId: org.admin.id })
        const password = IdentityHarness.password()
        const ada = await org.add({ password: password as any, roleId: org.admin.id })
        const { auth } = await h.signIn(ada.email, password)
        const minted = await h.request("POST", "/organizations/tokens", {
          ...inOrg(auth, org.id),
          body: { name: "ada's script", permissions: ["can_view_users", "can_manage_users"] }
        })
        expect(minted.status).toBe(201)
        expect(minted.json.createdByUserId).toBe(ada.id)
        const token = minted.json.token as string
        h.secret(token)
        const admin = await org.token()
        const listed = await h.request("GET", "/organizations/tokens", { auth: admin })
        expect(listed.json.find((t: any) => t.id === minted.json.id).createdByUserId).toBe(ada.id)
        const addSomeone = () =>
          h.request("POST", "/organizations/users", {
            auth: token,
            body: { email: IdentityHarness.uniqueEmail("by-token") }
          })
        expect((await addSomeone()).status).toBe(201)

        expect((await h.request("POST", `/organizations/users/${ada.id}/terminate`, { auth: admin })).status).toBe(200)
        h.expectError(
          await h.request("GET", "/organizations/users", { auth: token }),
          401,
          "UNAUTHORIZED",
          "no longer an active member"
        )
        const reinstated = await h.request("POST", `/organizations/users/${ada.id}/reinstate`, {
          auth: admin,
          body: { roleId: org.member.id }
        })
        expect(reinstated.status).toBe(200)
        // A Member again: the token may read, as a Member may, but no longer add anyone.
        expect((await h.request("GET", "/organizations/users", { auth: token })).status).toBe(200)
        h.expectError(await addSomeone(), 403, "FORBIDDEN")
        // A token the organization's token minted belongs to the organization: nobody's standing limits it.
        const owned = await h.request("POST", "/organizations/tokens", {
          auth: admin,
          body: { name: "org's own", permissions: ["can_view_users"] }
        })
        expect(owned.json.createdByUserId).toBeNull()
      })

      it("acts with the Member role's permissions only", async () => {
        const ada = await member()
        const { auth } = await h.signIn(ada.email, ada.password)
        expect((await h.request("GET", "/organizations/users", inOrg(auth, ada.org.id))).status).toBe(200)
        const email = IdentityHarness.uniqueEmail("new")
        h.expectError(
          await h.request("POST", "/organizations/users", { ...inOrg(auth, ada.org.id), body: { email } }),
          403,
          "FORBIDDEN"
        )
      })

      it("needs a well-formed X-Organization-Id", async () => {
        const ada = await member()
        const { auth } = await h.signIn(ada.email, ada.password)
        h.expectError(
          await h.request("GET", "/organizations/users", { auth }),
          400,
          "VALIDATION_FAILED",
          "X-Organization-Id"
        )
        h.expectError(
          await h.request("GET", "/organizations/users", inOrg(auth, "   ")),
          400,
          "VALIDATION_FAILED",
          "X-Organization-Id"
        )
        h.expectError(
          await h.request("GET", "/organizations/users", inOrg(auth, "not-an-id")),
          400,
          "VALIDATION_FAILED"
        )
      })

      it("is refused where the membership is not active, or where there is none", async () => {
        const ada = await member()
        const { auth } = await h.signIn(ada.email, ada.password)
        expect((await h.request("GET", "/organizations/users", inOrg(auth, ada.org.id))).status).toBe(200)
        await h.run(Effect.flatMap(Users, (users) => users.deactivate(ada.org.operator, ada.id as any)))
        h.expectError(await h.request("GET", "/organizations/users", inOrg(auth, ada.org.id)), 403, "FORBIDDEN")
        const elsewhere = await h.organization()
        h.expectError(await h.request("GET", "/organizations/users", inOrg(auth, elsewhere.id)), 403, "FORBIDDEN")
        h.expectError(
          await h.request("GET", "/organizations/users", inOrg(auth, "00000000-0000-4000-8000-000000000000")),
          403,
          "FORBIDDEN"
        )
      })

      it("refuses an organization token naming another organization", async () => {
        const org = await h.organization()
        const other = await h.organization()
        const token = await org.token()
        h.expectError(await h.request("GET", "/organizations/users", inOrg(token, other.id)), 403, "FORBIDDEN")
        expect((await h.request("GET", "/organizations/users", inOrg(token, org.id))).status).toBe(200)
        // A malformed one is malformed (400) before it is someone else's (403).
        h.expectError(
          await h.request("GET", "/organizations/users", inOrg(token, "nope")),
          400,
          "VALIDATION_FAILED",
          /^X-Organization-Id: /
        )
      })
    })

    it("leaks no secret into a log line or a response, over many requests", () => {
      expect(h.secretsLeaked()).toEqual({ logs: [], responses: [] })
      expect(h.logs.length).toBeGreaterThan(50)
    })
  })
