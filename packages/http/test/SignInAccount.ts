/** The sign-in suite's own account: the identity and memberships, one's sessions, and changing one's password. */
import { Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import { fixtures } from "./SignInFixtures.js"

export const tests = (h: IdentityHarness.Harness) => {
  const { member, login } = fixtures(h)

  describe("one's own account", () => {
    it("shows the identity and the current memberships only", async () => {
      const a = await h.organization()
      const b = await h.organization()
      const c = await h.organization()
      const d = await h.organization()
      const password = IdentityHarness.password()
      const ada = await a.add({ password: password as any, roleId: a.admin.id })
      for (const org of [b, c, d]) await org.add({ email: ada.email as any })
      const id = ada.id as any
      await h.run(Effect.flatMap(Users, (users) => users.remove(b.operator, id, { reason: "moved on" } as any)))
      await h.run(
        Effect.flatMap(Users, (users) =>
          users.terminate(c.operator, id).pipe(Effect.zipRight(users.forget(c.operator, id)))
        )
      )
      await h.run(Effect.flatMap(Users, (users) => users.deactivate(d.operator, id)))
      const { auth } = await h.signIn(ada.email, password)
      const me = await h.request("GET", "/me", { auth })
      expect(me.status).toBe(200)
      expect(me.json).toMatchObject({
        id: ada.id,
        email: ada.email,
        name: null,
        emailVerified: true,
        isPlatformAdmin: false,
        mfaEnabled: false,
        recoveryCodesLeft: 0
      })
      const byOrg = (list: Array<any>) => [...list].sort((x, y) => x.status.localeCompare(y.status))
      expect(byOrg(me.json.memberships)).toEqual([
        {
          organization: { id: a.id, name: a.name },
          role: { id: a.admin.id, name: "Admin", permissions: [...a.admin.permissions] },
          status: "ACTIVE"
        },
        {
          organization: { id: d.id, name: d.name },
          role: { id: d.member.id, name: "Member", permissions: [...d.member.permissions] },
          status: "INACTIVE"
        }
      ])
      const mine = await h.request("GET", "/me/organizations", { auth })
      expect(mine.status).toBe(200)
      expect(byOrg(mine.json).map((o: any) => [o.id, o.name, o.role.name, o.status])).toEqual([
        [a.id, a.name, "Admin", "ACTIVE"],
        [d.id, d.name, "Member", "INACTIVE"]
      ])
    })

    it("lists one's sessions, marking the current one, and ends one of them", async () => {
      const ada = await member()
      const first = await login({ email: ada.email, password: ada.password }, { "User-Agent": "first-agent/1.0" })
      const second = await login({ email: ada.email, password: ada.password }, { "User-Agent": "second-agent/2.0" })
      const firstAuth = `Bearer ${first.json.token}`
      const secondAuth = `Bearer ${second.json.token}`
      const list = await h.request("GET", "/me/sessions", { auth: secondAuth })
      expect(list.status).toBe(200)
      expect(list.json).toHaveLength(2)
      expect(list.json.filter((s: any) => s.current)).toHaveLength(1)
      const current = list.json.find((s: any) => s.current)
      const other = list.json.find((s: any) => !s.current)
      expect(current.userAgent).toBe("second-agent/2.0")
      expect(other.userAgent).toBe("first-agent/1.0")
      expect((await h.request("DELETE", `/me/sessions/${other.id}`, { auth: secondAuth })).status).toBe(204)
      h.expectError(await h.request("GET", "/me", { auth: firstAuth }), 401, "UNAUTHORIZED")
      expect((await h.request("GET", "/me", { auth: secondAuth })).status).toBe(200)
      const after = await h.request("GET", "/me/sessions", { auth: secondAuth })
      expect(after.json.map((s: any) => s.id)).toEqual([current.id])
    })

    it("ends its own current session too", async () => {
      const ada = await member()
      const { auth } = await h.signIn(ada.email, ada.password)
      const [own] = (await h.request("GET", "/me/sessions", { auth })).json
      expect((await h.request("DELETE", `/me/sessions/${own.id}`, { auth })).status).toBe(204)
      h.expectError(await h.request("GET", "/me", { auth }), 401, "UNAUTHORIZED")
    })

    it("does not let one end another user's session", async () => {
      const ada = await member()
      const bob = await member()
      const adaAuth = (await h.signIn(ada.email, ada.password)).auth
      const bobAuth = (await h.signIn(bob.email, bob.password)).auth
      const [bobs] = (await h.request("GET", "/me/sessions", { auth: bobAuth })).json
      h.expectError(await h.request("DELETE", `/me/sessions/${bobs.id}`, { auth: adaAuth }), 404, "SESSION_NOT_FOUND")
      expect((await h.request("GET", "/me", { auth: bobAuth })).status).toBe(200)
      h.expectError(
        await h.request("DELETE", "/me/sessions/not-a-session-id", { auth: adaAuth }),
        400,
        "VALIDATION_FAILED",
        "sessionId"
      )
    })
  })

  describe("changing one's password", () => {
    it("needs the current password", async () => {
      const ada = await member()
      const { auth } = await h.signIn(ada.email, ada.password)
      h.expectError(
        await h.request("POST", "/me/password", {
          auth,
          body: { currentPassword: "not-my-password", newPassword: "a-new-password-1" }
        }),
        401,
        "INVALID_CREDENTIALS"
      )
      await h.signIn(ada.email, ada.password)
    })

    it("refuses a new password that breaks the rules", async () => {
      const ada = await member()
      const { auth } = await h.signIn(ada.email, ada.password)
      for (const newPassword of ["a".repeat(7), "a".repeat(65), ada.email, ada.email.toUpperCase(), ada.password]) {
        const reply = await h.request("POST", "/me/password", {
          auth,
          body: { currentPassword: ada.password, newPassword }
        })
        h.expectError(reply, 400, "VALIDATION_FAILED", "newPassword")
      }
      await h.signIn(ada.email, ada.password)
    })

    it("ends the other sessions, keeps this one, and replaces the old password", async () => {
      const ada = await member()
      const other = (await h.signIn(ada.email, ada.password)).auth
      const { auth } = await h.signIn(ada.email, ada.password)
      const newPassword = IdentityHarness.password("new")
      h.secret(newPassword)
      const reply = await h.request("POST", "/me/password", {
        auth,
        body: { currentPassword: ada.password, newPassword }
      })
      expect(reply.status).toBe(204)
      h.expectError(await h.request("GET", "/me", { auth: other }), 401, "UNAUTHORIZED")
      expect((await h.request("GET", "/me", { auth })).status).toBe(200)
      h.expectError(await login({ email: ada.email, password: ada.password }), 401, "INVALID_CREDENTIALS")
      await h.signIn(ada.email, newPassword)
    })
  })
}
