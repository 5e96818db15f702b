/**
 * org-users-basic: `GET /v1/organizations/users/list?action=users` — every user the organization
 * lists (by email, role name and state), the caller's `mfa` flags for tokens and sessions of
 * different permissions, and Roster's paging extension.
 */
import type { Permission } from "@roster/domain"
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import type { Harness } from "./OrgUsersBasicHarness.js"

export const tests = (h: Harness) => {
  const { list, expectFailure, organization, bringTo } = h

  describe("org-users-basic: the list", () => {
    it("lists every user by email, role name and state, as they joined; not the removed or forgotten", async () => {
      const org = await organization()
      const token = await org.token()
      const [admin, member, inactive, terminated, removed, forgotten] = [
        await org.add({ roleId: org.admin.id as any, email: IdentityHarness.uniqueEmail("Ada") }),
        await org.add(),
        await org.add({ status: "INACTIVE" }),
        await org.add({ roleId: org.admin.id as any }),
        await org.add(),
        await org.add()
      ]
      await bringTo(org, terminated!.id, "TERMINATED")
      await bringTo(org, removed!.id, "REMOVED")
      await bringTo(org, forgotten!.id, "FORGOTTEN")
      const listed = await list(token, org.id)
      expect(listed.status).toBe(200)
      // By when they joined: those who joined in the same millisecond, in no order a client can see.
      const byEmail = (a: any, b: any) => a.email.localeCompare(b.email)
      expect([...listed.json.users].sort(byEmail)).toEqual(
        [
          { email: admin!.email, role: "Admin", state: "active" },
          { email: member!.email, role: "Member", state: "active" },
          { email: inactive!.email, role: "Member", state: "inactive" },
          { email: terminated!.email, role: "Admin", state: "terminated" }
        ].sort(byEmail)
      )
      // The org_id may come in any case, as every id.
      expect((await list(token, org.id.toUpperCase())).json.users).toEqual(listed.json.users)
      const empty = await organization()
      expect((await list(await empty.token(), empty.id)).json).toEqual({
        status: 200,
        users: [],
        mfa: { view: true, create: true, update: true, delete: true, usersmgmt: true }
      })
    })

    it("says in mfa what the caller may do, each flag one permission", async () => {
      const org = await organization()
      await org.add()
      const cases: ReadonlyArray<readonly [ReadonlyArray<Permission.Permission>, Record<string, boolean>]> = [
        [["can_view_users"], { view: true, create: false, update: false, delete: false, usersmgmt: false }],
        // can_manage_users implies can_view_users.
        [["can_manage_users"], { view: true, create: true, update: true, delete: true, usersmgmt: false }],
        [
          ["can_view_users", "can_manage_roles"],
          { view: true, create: false, update: false, delete: false, usersmgmt: true }
        ],
        [
          ["can_manage_users", "can_manage_roles"],
          { view: true, create: true, update: true, delete: true, usersmgmt: true }
        ],
        [
          ["can_view_users", "can_reset_2fa", "can_view_audit", "can_manage_tokens"],
          { view: true, create: false, update: false, delete: false, usersmgmt: false }
        ]
      ]
      for (const [permissions, mfa] of cases) {
        const reply = await list(await org.token(permissions), org.id)
        expect(reply.json.mfa, permissions.join(", ")).toEqual(mfa)
        expect(reply.json.users).toHaveLength(1)
      }
    })

    it("answers one page at a time when asked (Roster's extension), checking page and size", async () => {
      const org = await organization()
      const token = await org.token(["can_view_users"])
      const emails: Array<string> = []
      for (let index = 0; index < 5; index++) emails.push((await org.add()).email)
      const page = async (query: string) =>
        ((await list(token, org.id, query)).json.users as Array<any>).map((user) => user.email)
      // The order of the whole list (those who joined in the same millisecond are ordered by id).
      const all = await page("")
      expect([...all].sort()).toEqual([...emails].sort())
      expect(await page("&page=0&size=2")).toEqual(all.slice(0, 2))
      expect(await page("&page=1&size=2")).toEqual(all.slice(2, 4))
      expect(await page("&page=2&size=2")).toEqual(all.slice(4))
      expect(await page("&page=3&size=2")).toEqual([])
      expect(await page("&page=0")).toEqual(all)
      expect(await page("&size=3")).toEqual(all.slice(0, 3))
      expectFailure(
        await list(token, org.id, "&size=201"),
        400,
        "VALIDATION_FAILED",
        "size: must be a whole number from 1 to 200"
      )
      expectFailure(
        await list(token, org.id, "&page=-1&size=x"),
        400,
        "VALIDATION_FAILED",
        /page: must be a whole number, 0 or more/
      )
    })

    it("lists every user in one answer when there are more than a page of list-users", {
      timeout: 120_000
    }, async () => {
      const org = await organization()
      const emails: Array<string> = []
      for (let index = 0; index < 205; index++) emails.push((await org.add()).email)
      const listed = await list(await org.token(["can_view_users"]), org.id)
      const listedEmails = listed.json.users.map((user: any) => user.email)
      expect(new Set(listedEmails)).toEqual(new Set(emails))
      expect(listedEmails).toHaveLength(205)
    })
  })
}
