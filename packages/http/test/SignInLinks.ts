/** The sign-in suite's magic links and email verification links. */
import { describe, expect, it } from "vitest"
import type * as IdentityHarness from "./IdentityHarness.js"
import { day, fixtures, lockMs, minute } from "./SignInFixtures.js"

export const tests = (h: IdentityHarness.Harness) => {
  const {
    member,
    unverifiedMember,
    atFixedTime,
    thenRealTime,
    wrongCode,
    withTotp,
    magicLinkToken,
    verificationToken
  } = fixtures(h)

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
}
