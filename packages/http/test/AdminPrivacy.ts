/**
 * An organization sees only its own relationship with a person: nothing in an answer tells it that
 * the account exists elsewhere, when it was made, or how it was used there.
 */
import { describe, expect, it } from "vitest"
import type * as IdentityHarness from "./IdentityHarness.js"
import { fixtures } from "./AdminFixtures.js"

const hours = (n: number) => n * 3_600_000

export const tests = (h: IdentityHarness.Harness) => {
  const { member } = fixtures(h)

  describe("no hints across organizations", () => {
    it("adding a person another organization has shows only this organization's relationship", async () => {
      const globex = await h.organization()
      const acme = await h.organization()
      const person = await member(globex)
      await h.signIn(person.email, person.password)
      const signedInAtGlobex = h.clock.now().getTime()
      h.clock.advance(hours(2))
      const token = await acme.token()
      const joinedAt = h.clock.now().getTime()
      const added = await h.request("POST", "/organizations/users", { auth: token, body: { email: person.email } })
      expect(added.status).toBe(201)
      for (const seen of [
        added.json,
        (await h.request("GET", `/organizations/users/${person.id}`, { auth: token })).json
      ]) {
        // When they joined Acme, not when Globex made the account; no sign-in from before they joined.
        expect(Math.abs(Date.parse(seen.createdDateTime) - joinedAt)).toBeLessThan(60_000)
        expect(seen.createdDateTime).toBe(seen.profile.createdDateTime)
        expect(seen.profile.lastSignedInAt).toBeNull()
        expect(Date.parse(seen.createdDateTime)).toBeGreaterThan(signedInAtGlobex + hours(1))
      }
      // Adding with a password is refused without saying why (not "another organization").
      const other = await member(globex)
      const refused = await h.request("POST", "/organizations/users", {
        auth: token,
        body: { email: other.email, password: "a password of Acme's 1" }
      })
      h.expectError(refused, 403, "USER_NOT_MANAGED")
      expect(refused.text).not.toMatch(/another organization|is a platform admin|also belongs/i)
      // A sign-in since they joined is Acme's to see.
      await h.signIn(person.email, person.password)
      const later = await h.request("GET", `/organizations/users/${person.id}`, { auth: token })
      expect(Math.abs(Date.parse(later.json.profile.lastSignedInAt) - h.clock.now().getTime())).toBeLessThan(60_000)
    })
  })
}
