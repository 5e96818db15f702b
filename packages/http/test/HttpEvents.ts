/** The HTTP suite's audit log: GET /organizations/events. */
import { Permission, randomUuid } from "@roster/domain"
import { describe, expect, it } from "vitest"
import type { Harness } from "./HttpHarness.js"

export const tests = (h: Harness) => {
  const { get, post, put, expectError, organization } = h

  describe("GET /organizations/events", () => {
    it("lists what changed, newest first, filtered by user and type, paged", async () => {
      const org = await organization()
      const token = await org.token(Permission.all)
      const added = await post("/organizations/users", token, { email: `ev-${randomUuid()}@example.com` })
      const userId = added.json.id
      await put(`/organizations/users/${userId}/profile`, token, { title: "Auditor" })
      await post(`/organizations/users/${userId}/terminate`, token)
      await post(`/organizations/users/${userId}/remove`, token, { reason: "contract ended" })
      const all = await get(`/organizations/events?userId=${userId}`, token)
      expect(all.json.content.map((e: any) => e.type)).toEqual([
        "user.removed",
        "user.terminated",
        "user.profile_updated",
        "user.added"
      ])
      expect(all.json.content[0]).toMatchObject({ userId, reason: "contract ended", actor: { type: "token" } })
      const types = await get(
        `/organizations/events?type=user.added&type=user.terminated,user.removed&userId=${userId}`,
        token
      )
      expect(types.json.content.map((e: any) => e.type)).toEqual(["user.removed", "user.terminated", "user.added"])
      const page = await get(`/organizations/events?userId=${userId}&size=3&page=1`, token)
      expect(page.json).toMatchObject({ totalElements: 4, totalPages: 2, size: 3, number: 1 })
      expect(page.json.content).toHaveLength(1)
      const everything = await get("/organizations/events?size=200", token)
      expect(everything.json.content.map((e: any) => e.type)).toContain("organization.created")
      expect(JSON.stringify(everything.json)).not.toMatch(/tot_[0-9A-Za-z]{52}/)
    })

    it("pages by cursor: next and Link, stable as events are appended; a cursor is given alone", async () => {
      const org = await organization()
      const token = await org.token(Permission.all)
      const userId = (await post("/organizations/users", token, { email: `cur-${randomUuid()}@example.com` })).json.id
      await put(`/organizations/users/${userId}/profile`, token, { title: "One" })
      await put(`/organizations/users/${userId}/profile`, token, { title: "Two" })
      const first = await get(`/organizations/events?userId=${userId}&size=2`, token)
      expect(first.json.content.map((e: any) => e.after?.title)).toEqual(["Two", "One"])
      expect(first.headers.get("link")).toBe(`<?userId=${userId}&size=2&cursor=${first.json.next}>; rel="next"`)
      // Appended meanwhile, newer than the cursor: not on the pages after it.
      await put(`/organizations/users/${userId}/profile`, token, { title: "Three" })
      const second = await get(`/organizations/events?userId=${userId}&size=2&cursor=${first.json.next}`, token)
      expect(second.json).toMatchObject({ number: 1, next: null, totalElements: 4 })
      expect(second.json.content.map((e: any) => e.type)).toEqual(["user.added"])
      expect(second.headers.get("link")).toBeNull()
      expectError(
        await get(`/organizations/events?page=0&cursor=${first.json.next}`, token),
        400,
        "VALIDATION_FAILED",
        "cursor: cannot be given with page: page by one or the other"
      )
      await post("/organizations/users", token, { email: `cur-${randomUuid()}@example.com` })
      const members = (await get("/organizations/users?size=1", token)).json.next
      expectError(
        await get(`/organizations/events?cursor=${members}`, token),
        400,
        "VALIDATION_FAILED",
        /^cursor: was not made by this list/
      )
    })

    it("refuses unknown types, bad user ids and unknown parameters", async () => {
      expectError(await get("/organizations/events?type=user.deleted", h.admin), 400, "VALIDATION_FAILED", /^type: /)
      expectError(await get("/organizations/events?userId=42", h.admin), 400, "VALIDATION_FAILED", /^userId: /)
      expectError(
        await get("/organizations/events?size=0", h.admin),
        400,
        "VALIDATION_FAILED",
        "size: must be a whole number from 1 to 200"
      )
      expectError(await get("/organizations/events?actor=me", h.admin), 400, "VALIDATION_FAILED", /^actor: /)
    })
  })
}
