/**
 * Credential administration by organizations (`/organizations/users/{id}/reset-password`,
 * `magic-link`, `email-verification`, `reset-mfa`, `forget`) and platform administration
 * (`/admin/users…`, its list as the platform-users API asks for it too), end to end over HTTP on a
 * given storage. Every test makes its own organizations and users; the last-platform-admin rules run
 * on a storage of their own.
 */
import { describe, expect, it } from "vitest"
import * as AdminPlatformUsers from "./AdminPlatformUsers.js"
import * as AdminAuthority from "./AdminAuthority.js"
import * as AdminLastPlatformAdmin from "./AdminLastPlatformAdmin.js"
import * as AdminOrganizationCredentials from "./AdminOrganizationCredentials.js"
import * as AdminPlatform from "./AdminPlatform.js"
import * as AdminPrivacy from "./AdminPrivacy.js"
import * as IdentityHarness from "./IdentityHarness.js"

export const suite = (name: string, makePortsLayer: () => IdentityHarness.PortsLayer) =>
  describe(name, () => {
    const h = IdentityHarness.setup(makePortsLayer)

    AdminOrganizationCredentials.tests(h)
    AdminPlatform.tests(h)
    AdminPlatformUsers.tests(h)
    AdminAuthority.tests(h)
    AdminPrivacy.tests(h)
    AdminLastPlatformAdmin.tests(makePortsLayer)

    it("leaks no secret in any response or log line", () => {
      expect(h.secretsLeaked()).toEqual({ logs: [], responses: [] })
    })
  })
