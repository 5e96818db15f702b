/**
 * org-users-basic: add, update and remove — by email and role name, each recording what Roster's own
 * API records for the same change; an update's role and state in one transaction; isolation (another
 * organization's member is not found, and stays as it was).
 */
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import type { Harness } from "./OrgUsersBasicHarness.js"

const { uniqueEmail } = IdentityHarness

/** An event as both APIs must record it: its id, time, user and email aside. */
const recorded = (event: any, email?: string) => {
  const { id: _id, at: _at, userId: _userId, ...rest } = event
  const text = JSON.stringify(rest)
  return JSON.parse(email === undefined ? text : text.split(email).join("<email>"))
}

export const tests = (h: Harness) => {
  const { identity, change, expectFailure, organization, bringTo, users, events } = h

  /** Roster's own API, for comparison. */
  const own = (method: string, path: string, auth: string, body?: unknown) =>
    identity.request(method, path, body === undefined ? { auth } : { auth, body })

  describe("org-users-basic: add", () => {
    it("adds with the default role and active, or a role by name in any case and a state", async () => {
      const org = await organization()
      const token = await org.token()
      const plain = uniqueEmail()
      const added = await change("add", token, { org_id: org.id, user_id: plain })
      expect(added.json).toEqual({ status: 200 })
      const named = uniqueEmail()
      expect(
        (await change("add", token, { org_id: org.id, user_id: named, role: " aDMIN ", state: "inactive" })).status
      ).toBe(200)
      const listed = await users(org)
      expect(listed.get(plain)).toEqual({ role: "Member", state: "active" })
      expect(listed.get(named)).toEqual({ role: "Admin", state: "inactive" })
    })

    it("records what Roster's own API records for the same add", async () => {
      const org = await organization()
      const token = await org.token()
      const viaSurface = uniqueEmail()
      const viaOwn = uniqueEmail()
      await change("add", token, { org_id: org.id, user_id: viaSurface, role: "Admin", state: "inactive" })
      const ownAdd = await own("POST", "/organizations/users", token, {
        email: viaOwn,
        roleId: org.admin.id,
        status: "INACTIVE"
      })
      expect(ownAdd.status).toBe(201)
      const [ownEvent, surfaceEvent] = (await events(org)).filter((event: any) => event.type === "user.added")
      expect(ownEvent.userId).toBe(ownAdd.json.id)
      expect(recorded(surfaceEvent, viaSurface)).toEqual(recorded(ownEvent, viaOwn))
    })

    it("refuses a role the organization lacks, naming role and its roles; nothing is added", async () => {
      const org = await organization()
      const email = uniqueEmail()
      const refused = await change("add", await org.token(), { org_id: org.id, user_id: email, role: "Owner" })
      expectFailure(
        refused,
        400,
        "VALIDATION_FAILED",
        'role: is not a role of this organization: use one of "Admin", "Member"'
      )
      expect((await users(org)).has(email)).toBe(false)
      expectFailure(
        await change("add", await org.token(), { org_id: org.id, user_id: email, state: "terminated" }),
        400,
        "VALIDATION_FAILED",
        /^state: /
      )
      expectFailure(
        await change("add", await org.token(), { org_id: org.id, user_id: "not-an-email" }),
        400,
        "VALIDATION_FAILED",
        "user_id: must be an email address"
      )
    })

    it("answers 409 for a member already there, re-adds a removed one, and refuses escalation", async () => {
      const org = await organization()
      const token = await org.token()
      const member = await org.add()
      expectFailure(
        await change("add", token, { org_id: org.id, user_id: member.email.toUpperCase() }),
        409,
        "ALREADY_MEMBER"
      )
      await bringTo(org, member.id, "REMOVED")
      expect((await change("add", token, { org_id: org.id, user_id: member.email })).status).toBe(200)
      expect((await events(org, member.id))[0].type).toBe("user.readded")
      const manager = await org.token(["can_manage_users"])
      const email = uniqueEmail()
      const escalating = await change("add", manager, { org_id: org.id, user_id: email, role: "Admin" })
      expectFailure(escalating, 403, "ROLE_ESCALATION")
      expect((await users(org)).has(email)).toBe(false)
    })
  })

  describe("org-users-basic: update", () => {
    it("changes the role, the state or both of the user with that exact email, in any case", async () => {
      const org = await organization()
      const token = await org.token()
      await org.add({ roleId: org.admin.id as any })
      const user = await org.add()
      const reply = await change("update", token, { org_id: org.id, user_id: user.email.toUpperCase(), role: "admin" })
      expect(reply.json).toEqual({ status: 200 })
      expect((await users(org)).get(user.email)).toEqual({ role: "Admin", state: "active" })
      expect((await change("update", token, { org_id: org.id, user_id: user.email, state: "inactive" })).status).toBe(
        200
      )
      expect((await users(org)).get(user.email)).toEqual({ role: "Admin", state: "inactive" })
      const both = await change("update", token, {
        org_id: org.id,
        user_id: user.email,
        role: "Member",
        state: "active"
      })
      expect(both.status).toBe(200)
      expect((await users(org)).get(user.email)).toEqual({ role: "Member", state: "active" })
      // As it already is: nothing changes, nothing is recorded.
      const before = await events(org, user.id)
      expect(
        (await change("update", token, { org_id: org.id, user_id: user.email, role: "MEMBER", state: "active" })).status
      ).toBe(200)
      expect(await events(org, user.id)).toEqual(before)
    })

    it("records what Roster's own API records for the same changes", async () => {
      const org = await organization()
      const token = await org.token()
      await org.add({ roleId: org.admin.id as any })
      const viaSurface = await org.add()
      const viaOwn = await org.add()
      const updated = await change("update", token, {
        org_id: org.id,
        user_id: viaSurface.email,
        role: "Admin",
        state: "inactive"
      })
      expect(updated.status).toBe(200)
      expect((await own("PUT", `/organizations/users/${viaOwn.id}/role`, token, { roleId: org.admin.id })).status).toBe(
        200
      )
      expect((await own("POST", `/organizations/users/${viaOwn.id}/deactivate`, token)).status).toBe(200)
      const surfaceEvents = await events(org, viaSurface.id)
      const ownEvents = await events(org, viaOwn.id)
      expect(surfaceEvents.map((event: any) => event.type)).toEqual([
        "user.deactivated",
        "user.role_changed",
        "user.added"
      ])
      expect(surfaceEvents.map((event: any) => recorded(event, viaSurface.email))).toEqual(
        ownEvents.map((event: any) => recorded(event, viaOwn.email))
      )
    })

    it("refuses an update that names neither role nor state", async () => {
      const org = await organization()
      const user = await org.add()
      expectFailure(
        await change("update", await org.token(), { org_id: org.id, user_id: user.email }),
        400,
        "VALIDATION_FAILED",
        "role: or state is required"
      )
    })

    it("writes nothing when a step fails: the role stays when the state change is refused", async () => {
      const org = await organization([
        { name: "Admin", permissions: ["can_view_users", "can_manage_users", "can_manage_roles"] },
        { name: "Manager", permissions: ["can_view_users", "can_manage_users"] },
        { name: "Member", permissions: ["can_view_users"] }
      ])
      const token = await org.token()
      // The organization's one ACTIVE manager: becoming a Manager is allowed, going inactive is not.
      const last = await org.add({ roleId: org.roles.get("Admin")!.id as any })
      const before = await events(org)
      const refused = await change("update", token, {
        org_id: org.id,
        user_id: last.email,
        role: "manager",
        state: "inactive"
      })
      expectFailure(refused, 409, "LAST_MANAGER")
      expect((await users(org)).get(last.email)).toEqual({ role: "Admin", state: "active" })
      expect(await events(org)).toEqual(before)
      // The same role change alone goes through.
      expect((await change("update", token, { org_id: org.id, user_id: last.email, role: "Manager" })).status).toBe(200)
      expect((await users(org)).get(last.email)).toEqual({ role: "Manager", state: "active" })
    })

    it("answers 409 for a state the membership cannot move to, and 403 for a role above the caller's", async () => {
      const org = await organization()
      const token = await org.token()
      const terminated = await org.add()
      await bringTo(org, terminated.id, "TERMINATED")
      expectFailure(
        await change("update", token, { org_id: org.id, user_id: terminated.email, state: "active" }),
        409,
        "INVALID_STATUS_TRANSITION"
      )
      const user = await org.add()
      const manager = await org.token(["can_manage_users"])
      expectFailure(
        await change("update", manager, { org_id: org.id, user_id: user.email, role: "Admin", state: "inactive" }),
        403,
        "ROLE_ESCALATION"
      )
      expect((await users(org)).get(user.email)).toEqual({ role: "Member", state: "active" })
    })

    it("finds only an exact email of this organization: others are not found, and stay as they were", async () => {
      const org = await organization()
      const other = await organization()
      const token = await org.token()
      const near = await org.add({ email: `x${uniqueEmail()}` })
      const theirs = await other.add()
      const removed = await org.add()
      await bringTo(org, removed.id, "REMOVED")
      const theirEvents = await events(other)
      for (const email of [near.email.slice(1), near.email.slice(0, -1), theirs.email, removed.email]) {
        const missing = await change("update", token, { org_id: org.id, user_id: email, state: "inactive" })
        expectFailure(missing, 404, "USER_NOT_FOUND", `No user ${email} in this organization`)
      }
      expect((await users(org)).get(near.email)).toEqual({ role: "Member", state: "active" })
      expect(await events(other)).toEqual(theirEvents)
      // An address longer than search text may be (200 characters) is still found, exactly.
      const long = await org.add({ email: `${"l".repeat(200)}-${uniqueEmail()}` })
      expect((await change("update", token, { org_id: org.id, user_id: long.email, state: "inactive" })).status).toBe(
        200
      )
      expect((await users(org)).get(long.email)).toEqual({ role: "Member", state: "inactive" })
      expect((await users(other)).get(theirs.email)).toEqual({ role: "Member", state: "active" })
    })
  })

  describe("org-users-basic: remove", () => {
    it("removes the user with a reason, recording what Roster's own API records", async () => {
      const org = await organization()
      const token = await org.token()
      const viaSurface = await org.add()
      const viaOwn = await org.add()
      const removed = await change("remove", token, {
        org_id: org.id,
        user_id: viaSurface.email,
        reason: " left the company "
      })
      expect(removed.json).toEqual({ status: 200 })
      expect(
        (await own("POST", `/organizations/users/${viaOwn.id}/remove`, token, { reason: "left the company" })).status
      ).toBe(200)
      const [surfaceEvent] = await events(org, viaSurface.id)
      const [ownEvent] = await events(org, viaOwn.id)
      expect(surfaceEvent).toMatchObject({ type: "user.removed", reason: "left the company" })
      expect(recorded(surfaceEvent, viaSurface.email)).toEqual(recorded(ownEvent, viaOwn.email))
      expect((await users(org)).has(viaSurface.email)).toBe(false)
      // Removed: no user here any more.
      expectFailure(
        await change("remove", token, { org_id: org.id, user_id: viaSurface.email, reason: "again" }),
        404,
        "USER_NOT_FOUND"
      )
    })

    it("requires a reason, finds only this organization's users, and keeps the last manager", async () => {
      const org = await organization()
      const other = await organization()
      const token = await org.token()
      const user = await org.add()
      expectFailure(
        await change("remove", token, { org_id: org.id, user_id: user.email }),
        400,
        "VALIDATION_FAILED",
        "reason: is required"
      )
      expectFailure(
        await change("remove", token, { org_id: org.id, user_id: user.email, reason: "  " }),
        400,
        "VALIDATION_FAILED",
        "reason: must not be empty"
      )
      const theirs = await other.add()
      const theirEvents = await events(other)
      expectFailure(
        await change("remove", token, { org_id: org.id, user_id: theirs.email, reason: "not ours" }),
        404,
        "USER_NOT_FOUND"
      )
      expect(await events(other)).toEqual(theirEvents)
      expect((await users(other)).get(theirs.email)).toEqual({ role: "Member", state: "active" })
      const last = await org.add({ roleId: org.admin.id as any })
      expectFailure(
        await change("remove", token, { org_id: org.id, user_id: last.email, reason: "cleanup" }),
        409,
        "LAST_MANAGER"
      )
      expect((await users(org)).get(last.email)).toEqual({ role: "Admin", state: "active" })
      expect((await users(org)).get(user.email)).toEqual({ role: "Member", state: "active" })
    })
  })
}
