/**
 * The org-user-admin suite: resetting a password, handing out a magic link, deleting, disabling and
 * enabling, each by the membership lifecycle's rules (a refusal is 422 with its own error_code), and
 * the events each records — the same as Roster's own API records for the same action.
 */
import { OrgUserAdmin } from "@roster/api"
import { describe, expect, it } from "vitest"
import type { Harness, Organization } from "./OrgUserAdminHarness.js"
import { password, publicUrl, uniqueEmail } from "./OrgUserAdminHarness.js"

const { domain } = OrgUserAdmin.errorCodes

/**
 * An event as it would read for any user and at any time: what two runs of one action share. A
 * magic link's one-time token is its own each time.
 */
const shape = (event: any, userId: string, email: string) =>
  JSON.parse(
    JSON.stringify({ ...event, id: undefined, at: undefined })
      .replaceAll(userId, "<user>")
      .replaceAll(email, "<email>")
      .replace(/"tokenId":"[0-9a-f-]{36}"/g, '"tokenId":"<one-time token>"')
      .replace(/"\d{4}-\d{2}-\d{2}T[0-9:.]+Z"/g, '"<time>"')
  )

export const tests = (h: Harness) => {
  const { request, get, post, expectError } = h

  describe("POST …/{userId}/password/reset (resetPassword)", () => {
    it("sets the password, requiring a change at the next sign-in unless told otherwise: 204", async () => {
      const org = await h.organization()
      const token = await org.token()
      const old = password()
      const member = await org.add({ password: old as any })
      const reset = `/v1/org/${org.id}/user/${member.id}/password/reset`
      const first = password()
      const reply = await post(reset, token, { password: first })
      expect([reply.status, reply.text]).toEqual([204, ""])
      expect((await request("POST", "/auth/login", { body: { email: member.email, password: old } })).status).toBe(401)
      expect((await h.signIn(member.email, first)).body.passwordChangeRequired).toBe(true)
      const second = password()
      expect((await post(reset, token, { password: second, ask_user_to_update_password_on_login: false })).status).toBe(
        204
      )
      expect((await h.signIn(member.email, second)).body.passwordChangeRequired).toBe(false)
    })

    it("422 for a missing or invalid password, naming the surface's fields; 403 for a user it does not manage", async () => {
      const org = await h.organization()
      const token = await org.token()
      const member = await org.add({ password: password() as any })
      const reset = `/v1/org/${org.id}/user/${member.id}/password/reset`
      for (const [body, message] of [
        [{}, /^password: is required/],
        [{ password: "short" }, /^password: must be 8 to 64 characters/],
        [{ password: member.email }, /^password: /],
        [
          { password: password(), ask_user_to_update_password_on_login: "no" },
          /^ask_user_to_update_password_on_login: /
        ],
        [{ password: password(), extra: 1 }, /^extra: /]
      ] as const) {
        expectError(await post(reset, token, body), 422, "VALIDATION_FAILED", domain.ValidationFailed, message)
      }
      // Also a member of another organization: not this one's to manage.
      const shared = await org.add({ password: password() as any })
      const globex = await h.organization()
      await globex.add({ email: shared.email })
      expectError(
        await post(`/v1/org/${org.id}/user/${shared.id}/password/reset`, token, { password: password() }),
        403,
        "USER_NOT_MANAGED",
        domain.UserNotManaged
      )
    })
  })

  describe("GET …/{userId}/magiclink (generateMagicLink)", () => {
    it("answers { url } on the public URL, a link that signs the member in once", async () => {
      const org = await h.organization()
      const member = await org.add({ password: password() as any })
      const reply = await get(`/v1/org/${org.id}/user/${member.id}/magiclink`, await org.token())
      expect(reply.status).toBe(200)
      expect(Object.keys(reply.json)).toEqual(["url"])
      expect(reply.json.url).toMatch(new RegExp(`^${publicUrl}/auth/magic-link#token=mlt_`))
      const token = reply.json.url.split("#token=")[1]
      expect((await request("POST", "/auth/magic-link", { body: { token } })).status).toBe(200)
      expect((await request("POST", "/auth/magic-link", { body: { token } })).status).toBe(400)
    })

    it("403 USER_NOT_MANAGED for a deleted member: no longer the organization's to sign in", async () => {
      const org = await h.organization()
      const token = await org.token()
      const member = await org.add({ password: password() as any })
      expect((await post(`/v1/org/${org.id}/user/${member.id}/delete`, token)).status).toBe(204)
      expectError(
        await get(`/v1/org/${org.id}/user/${member.id}/magiclink`, token),
        403,
        "USER_NOT_MANAGED",
        domain.UserNotManaged
      )
    })
  })

  describe("delete, disable, enable: the membership lifecycle", () => {
    it("disable, enable and delete: 204, each moving the membership as Roster's own transitions do", async () => {
      const org = await h.organization()
      const token = await org.token()
      const member = await org.add()
      const user = `/v1/org/${org.id}/user/${member.id}`
      expect(await post(`${user}/disable`, token)).toMatchObject({ status: 204, text: "" })
      expect(await h.statusOf(org, member.id)).toBe("INACTIVE")
      expect(await post(`${user}/enable`, token, {})).toMatchObject({ status: 204, text: "" })
      expect(await h.statusOf(org, member.id)).toBe("ACTIVE")
      expect(await post(`${user}/delete`, token)).toMatchObject({ status: 204, text: "" })
      expect(await h.statusOf(org, member.id)).toBe("REMOVED")
      const removed = (await h.events(org, member.id)).at(-1)
      expect(removed).toMatchObject({ type: "user.removed", reason: OrgUserAdmin.deleteReason })
    })

    it("refuses what the lifecycle refuses: 422 INVALID_STATUS_TRANSITION, nothing changed", async () => {
      const org = await h.organization()
      const token = await org.token()
      const cases = [
        ["TERMINATED", "disable"],
        ["TERMINATED", "enable"],
        ["INACTIVE", "disable"],
        ["ACTIVE", "enable"],
        ["REMOVED", "delete"],
        ["REMOVED", "disable"],
        ["REMOVED", "enable"],
        ["FORGOTTEN", "delete"],
        ["FORGOTTEN", "enable"]
      ] as const
      for (const [status, action] of cases) {
        const member = await org.add()
        await h.bringTo(org, member.id, status)
        const reply = await post(`/v1/org/${org.id}/user/${member.id}/${action}`, token)
        expectError(reply, 422, "INVALID_STATUS_TRANSITION", domain.InvalidTransition)
        expect(await h.statusOf(org, member.id), `${action} of a ${status} member`).toBe(status)
      }
      // A TERMINATED member may be deleted, as Roster removes one.
      const terminated = await org.add()
      await h.bringTo(org, terminated.id, "TERMINATED")
      expect((await post(`/v1/org/${org.id}/user/${terminated.id}/delete`, token)).status).toBe(204)
    })

    it("never leaves the organization without a manager: 422 LAST_MANAGER", async () => {
      const org = await h.organization()
      const token = await org.token()
      const admin = await org.add({ roleId: org.admin.id })
      for (const action of ["disable", "delete"]) {
        const reply = await post(`/v1/org/${org.id}/user/${admin.id}/${action}`, token)
        expectError(reply, 422, "LAST_MANAGER", domain.LastManager)
      }
      expect(await h.statusOf(org, admin.id)).toBe("ACTIVE")
    })

    it("takes no body but an empty one", async () => {
      const org = await h.organization()
      const member = await org.add()
      const reply = await post(`/v1/org/${org.id}/user/${member.id}/disable`, await org.token(), { reason: "x" })
      expectError(reply, 422, "VALIDATION_FAILED", domain.ValidationFailed, /^reason: is not a recognised field/)
      expect(await h.statusOf(org, member.id)).toBe("ACTIVE")
    })
  })

  describe("events", () => {
    /** Runs one action through the surface on one user and through Roster's API on another; their events must match. */
    const compare = async (
      org: Organization,
      action: (userId: string, token: string, surface: boolean) => Promise<void>,
      member: () => Promise<{ readonly id: string; readonly email: string }>
    ) => {
      const token = await org.token()
      const [viaSurface, viaRoster] = [await member(), await member()]
      const before = [(await h.events(org, viaSurface.id)).length, (await h.events(org, viaRoster.id)).length]
      await action(viaSurface.id, token, true)
      await action(viaRoster.id, token, false)
      const recorded = async (who: { readonly id: string; readonly email: string }, skip: number) =>
        (await h.events(org, who.id)).slice(skip).map((event) => shape(event, who.id, who.email))
      const [surface, roster] = [await recorded(viaSurface, before[0]!), await recorded(viaRoster, before[1]!)]
      expect(surface.length).toBeGreaterThan(0)
      expect(surface).toEqual(roster)
      return surface.map((event: any) => event.type)
    }

    it("are the ones Roster's own API records for the same action", async () => {
      const org = await h.organization()
      const managed = () => org.add({ password: password() as any })
      const expectStatus = async (reply: Promise<{ readonly status: number }>, status: number) =>
        expect((await reply).status).toBe(status)
      const surfaceOrRoster = (surface: boolean, ours: string, theirs: string) => (surface ? ours : theirs)

      expect(
        await compare(
          org,
          (userId, token, surface) =>
            expectStatus(
              post(
                surfaceOrRoster(
                  surface,
                  `/v1/org/${org.id}/user/${userId}/password/reset`,
                  `/organizations/users/${userId}/reset-password`
                ),
                token,
                { password: "the-same-new-password" }
              ),
              204
            ),
          managed
        )
      ).toEqual(["identity.password_set"])

      expect(
        await compare(
          org,
          (userId, token, surface) =>
            expectStatus(
              get(
                surfaceOrRoster(
                  surface,
                  `/v1/org/${org.id}/user/${userId}/magiclink`,
                  `/organizations/users/${userId}/magic-link`
                ),
                token
              ),
              200
            ),
          managed
        )
      ).toEqual(["auth.magic_link_issued"])

      for (const [ours, theirs, body, types] of [
        ["disable", "deactivate", undefined, ["user.deactivated"]],
        ["delete", "remove", { reason: OrgUserAdmin.deleteReason }, ["user.removed"]]
      ] as const) {
        const events = await compare(
          org,
          (userId, token, surface) =>
            expectStatus(
              post(
                surfaceOrRoster(
                  surface,
                  `/v1/org/${org.id}/user/${userId}/${ours}`,
                  `/organizations/users/${userId}/${theirs}`
                ),
                token,
                surface ? undefined : body
              ),
              surface ? 204 : 200
            ),
          () => org.add()
        )
        expect(events).toEqual(types)
      }

      expect(
        await compare(
          org,
          (userId, token, surface) =>
            expectStatus(
              post(
                surfaceOrRoster(
                  surface,
                  `/v1/org/${org.id}/user/${userId}/enable`,
                  `/organizations/users/${userId}/activate`
                ),
                token
              ),
              surface ? 204 : 200
            ),
          async () => {
            const member = await org.add()
            await h.bringTo(org, member.id, "INACTIVE")
            return member
          }
        )
      ).toEqual(["user.activated"])
    })

    it("creating records what adding a member with a password does", async () => {
      const org = await h.organization()
      const token = await org.token()
      const [ours, theirs] = [uniqueEmail("ours"), uniqueEmail("theirs")]
      const created = await post(`/v1/org/${org.id}/user`, token, {
        email: ours,
        password: password(),
        first_name: "Ada",
        last_name: "Lovelace"
      })
      const added = await post("/organizations/users", token, {
        email: theirs,
        password: password(),
        firstName: "Ada",
        lastName: "Lovelace",
        askUserToUpdatePasswordOnLogin: false
      })
      expect([created.status, added.status]).toEqual([200, 201])
      const surface = (await h.events(org, created.json.user_id)).map((e) => shape(e, created.json.user_id, ours))
      const roster = (await h.events(org, added.json.id)).map((e) => shape(e, added.json.id, theirs))
      expect(surface.map((event: any) => event.type)).toEqual(["user.added", "identity.password_set"])
      expect(surface).toEqual(roster)
    })
  })
}
