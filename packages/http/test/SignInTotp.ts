/** The sign-in suite's TOTP: enrolment (and its QR code), codes at sign-in, recovery codes, turning it off. */
import * as QrCodes from "@roster/crypto/test/qr-codes"
import { describe, expect, it } from "vitest"
import type * as IdentityHarness from "./IdentityHarness.js"
import { fixtures } from "./SignInFixtures.js"

export const tests = (h: IdentityHarness.Harness) => {
  const { member, login, atFixedTime, wrongCode, withTotp } = fixtures(h)

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

    it("shows the otpauth URL as a QR code: a PNG data URL a camera reads back as that URL", async () => {
      const ada = await member()
      const { auth } = await h.signIn(ada.email, ada.password)
      const enrolment = await h.request("POST", "/me/mfa/totp", { auth })
      expect(enrolment.status).toBe(201)
      const { qrCodeUrl, otpauthUrl } = enrolment.json
      expect(qrCodeUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/)
      const read = QrCodes.read(qrCodeUrl)
      expect(read.png.subarray(0, 8)).toEqual(QrCodes.pngSignature)
      expect(read.text).toBe(otpauthUrl)
      // A new enrolment, a new secret: a new picture.
      const again = await h.request("POST", "/me/mfa/totp", { auth })
      expect(QrCodes.read(again.json.qrCodeUrl).text).toBe(again.json.otpauthUrl)
      expect(again.json.qrCodeUrl).not.toBe(qrCodeUrl)
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
}
