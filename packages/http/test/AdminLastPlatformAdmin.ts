/**
 * The administration suite's last platform admin, on a storage of its own: it cannot step down, and of
 * two stepping down at once one stays.
 */
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"

export const tests = (makePortsLayer: () => IdentityHarness.PortsLayer) => {
  describe("the last platform admin", () => {
    // A storage of its own, so that the platform admins are only the ones made here.
    const p = IdentityHarness.setup(makePortsLayer)

    const signedInAdmin = async () => {
      const created = await p.platformAdmin()
      return { ...created, auth: (await p.signIn(created.email, created.password)).auth }
    }

    const actingAdmins = async (auth: string) => {
      const page = await p.request("GET", "/admin/users?size=200", { auth })
      expect(page.status).toBe(200)
      return page.json.content.filter((a: any) => a.isPlatformAdmin && !a.disabled).map((a: any) => a.id)
    }

    it("cannot be demoted, deactivated or deleted, and a disabled admin does not count", async () => {
      const only = await signedInAdmin()
      const other = await signedInAdmin()
      const deactivated = await p.request("POST", `/admin/users/${other.id}/deactivate`, { auth: only.auth })
      expect(deactivated.status).toBe(200)
      for (const [method, path] of [
        ["POST", `/admin/users/${only.id}/demote`],
        ["POST", `/admin/users/${only.id}/deactivate`],
        ["DELETE", `/admin/users/${only.id}`]
      ] as const) {
        p.expectError(
          await p.request(method, path, { auth: only.auth }),
          409,
          "LAST_PLATFORM_ADMIN",
          "last platform admin"
        )
      }
      expect(await actingAdmins(only.auth)).toEqual([only.id])
      await p.signIn(only.email, only.password)
      // With the other admin back, either may step down.
      expect((await p.request("POST", `/admin/users/${other.id}/reactivate`, { auth: only.auth })).status).toBe(200)
      const demoted = await p.request("POST", `/admin/users/${only.id}/demote`, { auth: only.auth })
      expect(demoted.status).toBe(200)
      const survivor = (await p.signIn(other.email, other.password)).auth
      expect(await actingAdmins(survivor)).toEqual([other.id])
    })

    it("of two admins stepping down at once, exactly one succeeds", async () => {
      const a = await signedInAdmin()
      const b = await signedInAdmin()
      // Leave exactly these two.
      for (const id of await actingAdmins(a.auth)) {
        if (id !== a.id && id !== b.id) {
          expect((await p.request("POST", `/admin/users/${id}/demote`, { auth: a.auth })).status).toBe(200)
        }
      }
      for (let round = 0; round < 3; round++) {
        expect((await actingAdmins(a.auth)).sort()).toEqual([a.id, b.id].sort())
        const replies = await Promise.all([
          p.request("POST", `/admin/users/${a.id}/demote`, { auth: a.auth }),
          p.request("POST", `/admin/users/${b.id}/demote`, { auth: b.auth })
        ])
        expect(replies.map((r) => r.status).sort()).toEqual([200, 409])
        const refused = replies.find((r) => r.status === 409)!
        p.expectError(refused, 409, "LAST_PLATFORM_ADMIN")
        const [survivor, demoted] = replies[0]!.status === 409 ? [a, b] : [b, a]
        expect(await actingAdmins(survivor.auth)).toEqual([survivor.id])
        p.expectError(await p.request("GET", "/admin/users", { auth: demoted.auth }), 403, "FORBIDDEN")
        const back = await p.request("POST", `/admin/users/${demoted.id}/promote`, { auth: survivor.auth })
        expect(back.status).toBe(200)
      }
      // And the same for deactivating each other.
      const replies = await Promise.all([
        p.request("POST", `/admin/users/${b.id}/deactivate`, { auth: a.auth }),
        p.request("POST", `/admin/users/${a.id}/deactivate`, { auth: b.auth })
      ])
      const statuses = replies.map((r) => r.status).sort()
      // The loser is refused either by the rule (409) or, when its session ended first, by the guard (401).
      expect([
        [200, 409],
        [200, 401]
      ]).toContainEqual(statuses)
      const winner = replies[0]!.status === 200 ? a : b
      expect(await actingAdmins(winner.auth)).toEqual([winner.id])
    })

    it("leaks no secret", () => {
      expect(p.secretsLeaked()).toEqual({ logs: [], responses: [] })
    })
  })
}
