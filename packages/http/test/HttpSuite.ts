/**
 * The HTTP API, over real HTTP, against the real app: every route and every error path. Written once
 * and run on every storage: the ports layer is the suite's only parameter. Its parts share one app
 * and one storage (`HttpHarness`), so that the last check here sees every response and log line.
 *
 * Every response is checked on the way: error bodies against the contract's `ErrorResponse` (with
 * `Content-Type: application/json`), success bodies against the contract's schemas (exactly, with
 * `Content-Type: application/json;charset=UTF-8`) or, for the routes Roster adds, against schemas
 * in the same style. At the end, no response and no log line may hold a token secret.
 */
import { describe, expect, it } from "vitest"
import * as HttpAccess from "./HttpAccess.js"
import * as HttpEvents from "./HttpEvents.js"
import * as HttpHarness from "./HttpHarness.js"
import * as HttpProtocol from "./HttpProtocol.js"
import * as HttpRolesAndTokens from "./HttpRolesAndTokens.js"
import * as HttpUserChanges from "./HttpUserChanges.js"
import * as HttpUsers from "./HttpUsers.js"

export const suite = (name: string, makePortsLayer: () => HttpHarness.PortsLayer) =>
  describe(name, () => {
    const h = HttpHarness.setup(makePortsLayer)
    const { get, expectError, secrets, logs, responses } = h

    HttpProtocol.tests(h)
    HttpAccess.tests(h)
    HttpUsers.tests(h)
    HttpUserChanges.tests(h)
    HttpRolesAndTokens.tests(h)
    HttpEvents.tests(h)

    describe("fingerprints, logs and secrets", () => {
      it("every error has its own fingerprint, and the log has it", async () => {
        const first = await get("/nowhere")
        const second = await get("/nowhere")
        expect(first.json.fingerprint).not.toBe(second.json.fingerprint)
        expect(logs.some((line) => line.includes(first.json.fingerprint))).toBe(true)
      })

      it("a token pasted into a URL is neither echoed nor logged", async () => {
        const leaked = await h.acme.token(["can_view_users"])
        const reply = await get(`/organizations/users/${leaked}`, h.admin)
        expectError(reply, 400, "VALIDATION_FAILED", /^userId: /)
        expect(reply.text).not.toContain(leaked)
        await get(`/nowhere/${leaked}?token=${leaked}`)
      })

      it("no response and no log line ever holds a token secret (but the one that creates it)", () => {
        expect(secrets.size).toBeGreaterThan(10)
        expect(logs.length).toBeGreaterThan(100)
        const leakingLogs = logs.filter(
          (line) => /tot_[0-9A-Za-z]{8,}/.test(line) || [...secrets].some((secret) => line.includes(secret))
        )
        expect(leakingLogs).toEqual([])
        const leakingResponses = responses.filter((response) =>
          [...secrets].some((secret) => secret !== response.mayShow && response.text.includes(secret))
        )
        expect(leakingResponses).toEqual([])
      })
    })
  })
