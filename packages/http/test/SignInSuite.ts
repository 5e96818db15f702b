/**
 * Sign-in and self-service over real HTTP, written once and run on every storage: password sign-in
 * and its throttle, sessions, a forced password change, the user's own account (`/me`) and profile,
 * TOTP with a clock the tests move, magic links, email verification, and a session acting in an
 * organization.
 * Every test makes its own organization and users: locks and sessions are per email and per user.
 * The parts share one app and one storage, so that the last check sees every response and log line.
 */
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import * as SignInAccount from "./SignInAccount.js"
import * as SignInLinks from "./SignInLinks.js"
import * as SignInOrganization from "./SignInOrganization.js"
import * as SignInPassword from "./SignInPassword.js"
import * as SignInProfile from "./SignInProfile.js"
import * as SignInTotp from "./SignInTotp.js"

export const suite = (name: string, makePortsLayer: () => IdentityHarness.PortsLayer) =>
  describe(name, () => {
    const h = IdentityHarness.setup(makePortsLayer)

    SignInPassword.tests(h)
    SignInAccount.tests(h)
    SignInProfile.tests(h)
    SignInTotp.tests(h)
    SignInLinks.tests(h)
    SignInOrganization.tests(h)

    it("leaks no secret into a log line or a response, over many requests", () => {
      expect(h.secretsLeaked()).toEqual({ logs: [], responses: [] })
      expect(h.logs.length).toBeGreaterThan(50)
    })
  })
