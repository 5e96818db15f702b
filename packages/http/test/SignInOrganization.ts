/** The sign-in suite's session acting in an organization (X-Organization-Id), and the tokens it mints. */
import { Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import { fixtures } from "./SignInFixtures.js"

export const tests = (h: IdentityHarness.Harness) => {
  const { member, inOrg } = fixtures(h)

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
      h.expectError(await h.request("GET", "/organizations/users", inOrg(auth, "not-an-id")), 400, "VALIDATION_FAILED")
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
}
