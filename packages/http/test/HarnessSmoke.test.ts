import { InMemory } from "@roster/domain"
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"

describe("harness", () => {
  const h = IdentityHarness.setup(() => InMemory.layer)
  it("signs in an admin, enrols TOTP at a set time", async () => {
    const admin = await h.platformAdmin()
    h.clock.setTime(new Date("2030-01-01T00:00:00Z"))
    const { auth } = await h.signIn(admin.email, admin.password)
    const enrolment = await h.request("POST", "/me/mfa/totp", { auth })
    expect(enrolment.status).toBe(201)
    const code = h.totp(enrolment.json.secret)
    expect((await h.request("POST", "/me/mfa/totp/enable", { auth, body: { code } })).status).toBe(204)
    h.clock.advance(120_000)
    h.expectError(await h.request("POST", "/auth/login", { body: { email: admin.email, password: admin.password, code } }), 401, "INVALID_MFA_CODE")
    await h.signIn(admin.email, admin.password, h.totp(enrolment.json.secret))
    const list = await h.request("GET", "/admin/users?q=admin", { auth })
    expect(list.status).toBe(200)
    const org = await h.organization()
    const ada = await org.add({ password: "ada-password-1" as any })
    const link = await h.request("GET", `/organizations/users/${ada.id}/magic-link`, { auth: await org.token() })
    expect(link.json.url).toMatch(/^https:\/\/app\.example\.test\/auth\/magic-link#token=mlt_/)
    expect(h.secretsLeaked()).toEqual({ logs: [], responses: [] })
  })
})
