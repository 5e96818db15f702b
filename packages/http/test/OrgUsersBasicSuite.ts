/**
 * The org-users-basic surface over real HTTP, against the real app: written once and run on every
 * storage (the ports layer is the suite's only parameter). Every answer is checked against the
 * surface's generated OpenAPI document on the way (`OrgUsersBasicHarness`); the last checks see
 * them all: each route answered every status its document lists (but those no request through the
 * surface can reach), and no answer or log line holds a secret.
 */
import { describe, expect, it } from "vitest"
import * as Document from "../src/surfaces/OrgUsersBasicDocument.js"
import * as OrgUsersBasicAccess from "./OrgUsersBasicAccess.js"
import * as OrgUsersBasicChanges from "./OrgUsersBasicChanges.js"
import * as OrgUsersBasicHarness from "./OrgUsersBasicHarness.js"
import * as OrgUsersBasicList from "./OrgUsersBasicList.js"
import type { PortsLayer } from "./IdentityHarness.js"

/**
 * Documented, but out of a request's reach: ORGANIZATION_NOT_FOUND (the guard's, for an actor of
 * another organization, which the surface refuses with 403 first) and INTERNAL (a defect:
 * `OrgUsersBasicDocument.test.ts` makes one).
 */
const unreachable = new Set(["ORGANIZATION_NOT_FOUND", "INTERNAL"])

const reachable = (response: { readonly description: string }) =>
  [...response.description.matchAll(/`([A-Z_]+)`/g)].some(([, code]) => !unreachable.has(code!))

export const suite = (name: string, makePortsLayer: () => PortsLayer) =>
  describe(name, () => {
    const h = OrgUsersBasicHarness.setup(makePortsLayer)

    OrgUsersBasicAccess.tests(h)
    OrgUsersBasicList.tests(h)
    OrgUsersBasicChanges.tests(h)

    describe("org-users-basic: every answer", () => {
      it("each route answered every status its document lists", () => {
        const paths = (Document.document as any).paths as Record<string, Record<string, any>>
        for (const [path, operations] of Object.entries(paths)) {
          for (const [method, operation] of Object.entries(operations)) {
            const documented = Object.entries(operation.responses as Record<string, any>)
              .filter(([status, response]) => status.startsWith("2") || reachable(response))
              .map(([status]) => Number(status))
            const seen = h.seen.get(`${method.toUpperCase()} ${path}`) ?? new Set()
            expect([...seen].sort(), `${method} ${path}`).toEqual(expect.arrayContaining(documented))
          }
        }
      })

      it("no answer and no log line holds a secret", () => {
        const leaked = h.identity.secretsLeaked()
        expect(leaked.logs).toEqual([])
        expect(leaked.responses).toEqual([])
        expect(h.responses.length).toBeGreaterThan(100)
        expect(h.responses.filter((text) => /(tot|ses)_[0-9A-Za-z]{8,}/.test(text))).toEqual([])
      })
    })
  })
