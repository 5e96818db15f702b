/**
 * Authority is checked where it is used: a caller demoted while their request waits for the locks of
 * the change it makes does not make that change. Each test makes the demotion in a transaction it
 * holds open (its locks held: the caller's membership or token row, or the "platform" lock), lets
 * the caller authenticate and queue behind it, and commits: the queued request must then be refused,
 * with nothing written (ADR 0040, ADR 0049).
 */
import { Actor, Platform, Tokens, Transactor, Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import type * as IdentityHarness from "./IdentityHarness.js"
import { fixtures } from "./AdminFixtures.js"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const tests = (h: IdentityHarness.Harness) => {
  const { member, admin } = fixtures(h)

  /**
   * Runs `demote` in a transaction taking `scope`'s lock, holds it open, sends `request`, and commits
   * once the request has had the time to authenticate and queue; answers the request's reply.
   */
  const raceUnderLock = async (
    scope: Parameters<Transactor["Type"]["transaction"]>[0],
    request: () => Promise<IdentityHarness.Reply>,
    demote: Effect.Effect<unknown, unknown, Users | Platform | Tokens>
  ) => {
    let release!: () => void
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let held!: () => void
    const isHeld = new Promise<void>((resolve) => {
      held = resolve
    })
    const holder = h.run(
      Effect.flatMap(Transactor, ({ transaction }) =>
        transaction(scope)(
          demote.pipe(Effect.zipRight(Effect.sync(held)), Effect.zipRight(Effect.promise(() => released)))
        )
      )
    )
    await isHeld
    const reply = request()
    // Authentication reads before the locks; the demotion is not committed yet, so it reads the
    // caller as they were (an embedded database with one connection reads after the commit instead).
    await sleep(250)
    release()
    await holder
    return await reply
  }

  describe("authority is read again in the change's transaction", () => {
    it("a platform admin demoted while their promotion waits for the platform lock promotes nobody", async () => {
      const root = await admin()
      const deputy = await admin()
      const org = await h.organization()
      const target = await member(org)
      const reply = await raceUnderLock(
        "platform",
        () => h.request("POST", `/admin/users/${target.id}/promote`, { auth: deputy.auth }),
        Effect.flatMap(Platform, (platform) => platform.demote(Actor.operator, deputy.id as never))
      )
      h.expectError(reply, 403, "FORBIDDEN", "platform admin")
      const account = await h.request("GET", `/admin/users/${target.id}`, { auth: root.auth })
      expect(account.json.isPlatformAdmin).toBe(false)
      const events = await h.request("GET", `/admin/events?userId=${target.id}`, { auth: root.auth })
      expect(events.json.content.map((e: any) => e.type)).not.toContain("platform_admin.promoted")
    })

    it("an Admin demoted while their add waits for their membership's row adds nobody", async () => {
      const org = await h.organization()
      await org.add({ roleId: org.admin.id })
      const demoted = await member(org, { roleId: org.admin.id })
      const { auth } = await h.signIn(demoted.email, demoted.password)
      const email = `added-${demoted.id.slice(0, 8)}@example.com`
      const reply = await raceUnderLock(
        null,
        () =>
          h.request("POST", "/organizations/users", {
            auth,
            headers: { "X-Organization-Id": org.id },
            body: { email, roleId: org.admin.id }
          }),
        Effect.flatMap(Users, (users) => users.changeRole(org.operator, demoted.id as never, { roleId: org.member.id }))
      )
      h.expectError(reply, 403, "FORBIDDEN", "can_manage_users")
      const token = await org.token(["can_view_users"])
      const listed = await h.request("GET", `/organizations/users?q=${email}`, { auth: token })
      expect(listed.json.content).toEqual([])
    })

    it("a token revoked while its change waits for the token's row changes nothing", async () => {
      const org = await h.organization()
      await org.add({ roleId: org.admin.id })
      const target = await org.add({ firstName: "Before" })
      const minted = await h.request("POST", "/organizations/tokens", {
        auth: await org.token(),
        body: { name: "soon revoked", permissions: ["can_manage_users"] }
      })
      expect(minted.status).toBe(201)
      h.secret(minted.json.token)
      const reply = await raceUnderLock(
        null,
        () =>
          h.request("PUT", `/organizations/users/${target.id}/profile`, {
            auth: minted.json.token,
            body: { firstName: "After" }
          }),
        Effect.flatMap(Tokens, (tokens) => tokens.revoke(org.operator, minted.json.id))
      )
      h.expectError(reply, 401, "UNAUTHORIZED", "not valid")
      const got = await h.request("GET", `/organizations/users/${target.id}`, { auth: await org.token() })
      expect(got.json.profile.firstName).toBe("Before")
    })
  })
}
