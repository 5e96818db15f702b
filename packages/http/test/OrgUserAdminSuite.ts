/**
 * The org-user-admin surface (`/v1/org/{orgId}/user…`) over real HTTP against the real app, written
 * once and run on every storage: every operation of its document, every status the document lists,
 * and every answer checked against the document on the way (`OrgUserAdminSchemas`).
 */
import { describe, expect, it } from "vitest"
import * as OrgUserAdminAccess from "./OrgUserAdminAccess.js"
import * as OrgUserAdminChanges from "./OrgUserAdminChanges.js"
import * as OrgUserAdminHarness from "./OrgUserAdminHarness.js"
import * as OrgUserAdminUsers from "./OrgUserAdminUsers.js"

export const suite = (name: string, makePortsLayer: () => OrgUserAdminHarness.PortsLayer) =>
  describe(name, () => {
    const h = OrgUserAdminHarness.setup(makePortsLayer)
    OrgUserAdminAccess.tests(h)
    OrgUserAdminUsers.tests(h)
    OrgUserAdminChanges.tests(h)

    it("no log line holds a token, session or link secret", () => {
      expect(h.logs.length).toBeGreaterThan(100)
      expect(h.logs.filter((line) => /(tot|ses|mlt|evt)_[0-9A-Za-z]{8,}/.test(line))).toEqual([])
    })
  })
