/**
 * The HTTP suite's member list, one member, and adding members: paging, filters, and the validation of
 * text (NUL, lone surrogates, UTF-8, lengths).
 */
import { Permission, randomUuid } from "@roster/domain"
import { describe, expect, it } from "vitest"
import type * as HttpHarness from "./HttpHarness.js"
import type { Harness } from "./HttpHarness.js"

export const tests = (h: Harness) => {
  const { get, post, put, expectError, organization, bringTo } = h

  describe("GET /organizations/users", () => {
    it("pages: 45 users, size 20 → 3 pages; page 2 has 5; page 3 is empty with the totals", async () => {
      const org = await organization()
      const token = await org.token(["can_view_users"])
      for (let i = 0; i < 45; i++) await org.add({ email: `person-${String(i).padStart(2, "0")}@example.com` })
      const pages = await Promise.all(
        [0, 1, 2, 3].map((page) => get(`/organizations/users?page=${page}&size=20`, token))
      )
      expect(pages.map((p) => p.json.content.length)).toEqual([20, 20, 5, 0])
      for (const [number, page] of pages.entries()) {
        expect(page.json).toMatchObject({ totalElements: 45, totalPages: 3, size: 20, number })
      }
      const ids = pages.flatMap((p) => p.json.content.map((u: any) => u.id))
      expect(new Set(ids).size).toBe(45)
      const created = pages.flatMap((p) => p.json.content.map((u: any) => Date.parse(u.profile.createdDateTime)))
      expect(created).toEqual([...created].sort((a, b) => a - b))
      // The order is stable from one request to the next.
      expect((await get("/organizations/users?page=1&size=20", token)).json.content).toEqual(pages[1]!.json.content)
      const defaults = await get("/organizations/users", token)
      expect(defaults.json).toMatchObject({ size: 20, number: 0, totalElements: 45, totalPages: 3 })
      const all = await get("/organizations/users?size=200", token)
      expect(all.json).toMatchObject({ size: 200, totalPages: 1 })
      expect(all.json.content).toHaveLength(45)
    })

    it("an empty organization has no pages", async () => {
      const org = await organization()
      const reply = await get("/organizations/users", await org.token(["can_view_users"]))
      expect(reply.json).toEqual({ content: [], totalElements: 0, totalPages: 0, size: 20, number: 0, next: null })
    })

    it("filters by status (repeated or comma-separated), role and text; REMOVED and FORGOTTEN only when asked", async () => {
      const org = await organization()
      const token = await org.token(Permission.all)
      const active = await org.add({ email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" })
      // Another manager, so that Grace (an Admin) may be deactivated.
      const boss = await org.add({ email: "boss@example.net", roleId: org.admin.id })
      const inactive = await org.add({ email: "grace@example.org", firstName: "Grace", roleId: org.admin.id })
      const terminated = await org.add({ email: "alan@example.com" })
      const removed = await org.add({ email: "edsger@example.com" })
      const forgotten = await org.add({ email: "barbara@example.com" })
      await bringTo(org, inactive, "INACTIVE")
      await bringTo(org, terminated, "TERMINATED")
      await bringTo(org, removed, "REMOVED")
      await bringTo(org, forgotten, "FORGOTTEN")
      const ids = async (query: string) => {
        const reply = await get(`/organizations/users${query}`, token)
        expect(reply.status).toBe(200)
        return reply.json.content.map((u: any) => u.id).sort()
      }
      expect(await ids("")).toEqual([boss, active, inactive, terminated].sort())
      expect(await ids("?status=REMOVED")).toEqual([removed])
      expect(await ids("?status=FORGOTTEN")).toEqual([forgotten])
      expect(await ids("?status=INACTIVE&status=TERMINATED")).toEqual([inactive, terminated].sort())
      expect(await ids("?status=INACTIVE,TERMINATED")).toEqual([inactive, terminated].sort())
      expect(await ids("?status=TERMINATED,%20REMOVED&status=FORGOTTEN")).toEqual(
        [terminated, removed, forgotten].sort()
      )
      expect(await ids(`?roleId=${org.admin.id}`)).toEqual([boss, inactive].sort())
      expect(await ids(`?roleId=${org.admin.id}&status=INACTIVE`)).toEqual([inactive])
      expect(await ids(`?roleId=${org.member.id}&status=ACTIVE`)).toEqual([active])
      expect(await ids("?q=ADA")).toEqual([active])
      expect(await ids("?q=ada%20lovelace")).toEqual([active])
      expect(await ids("?q=example.org")).toEqual([inactive])
      expect(await ids("?q=nobody")).toEqual([])
      const filtered = await get("/organizations/users?status=ACTIVE,INACTIVE&size=2", token)
      expect(filtered.json).toMatchObject({ totalElements: 3, totalPages: 2, size: 2 })
    })

    it("pages by offset instead of page (never both), and filters by a part of the email alone", async () => {
      const org = await organization()
      const token = await org.token(["can_view_users"])
      const added: Array<string> = []
      for (const i of [0, 1, 2, 3, 4]) {
        added.push(await org.add({ email: `p${i}@Offset.example`, firstName: i === 4 ? "Offset" : "Someone" }))
      }
      // In Roster's order (members added in the same millisecond are listed by id): offsets slice it.
      const ids: ReadonlyArray<string> = (await get("/organizations/users", token)).json.content.map((u: any) => u.id)
      expect([...ids].sort()).toEqual([...added].sort())
      const at = await get("/organizations/users?offset=3&size=2", token)
      expect(at.json.content.map((u: any) => u.id)).toEqual(ids.slice(3, 5))
      expect(at.json).toMatchObject({ totalElements: 5, totalPages: 3, size: 2, number: 1 })
      expect((await get("/organizations/users?offset=1&size=3", token)).json.content.map((u: any) => u.id)).toEqual(
        ids.slice(1, 4)
      )
      const past = await get("/organizations/users?offset=9", token)
      expect(past.json).toMatchObject({ content: [], totalElements: 5 })
      expectError(
        await get("/organizations/users?page=0&offset=2", token),
        400,
        "VALIDATION_FAILED",
        "offset: cannot be given with page"
      )
      expectError(await get("/organizations/users?offset=-1", token), 400, "VALIDATION_FAILED", /^offset: /)
      const byEmail = await get("/organizations/users?email=p3%40OFFSET", token)
      expect(byEmail.json.content.map((u: any) => u.id)).toEqual([added[3]])
      // `q` also searches names; `email` does not.
      expect((await get("/organizations/users?q=offset", token)).json.totalElements).toBe(5)
      expect((await get("/organizations/users?email=someone", token)).json.totalElements).toBe(0)
      expect((await get("/organizations/users?email=offset&q=offset&offset=0", token)).json.totalElements).toBe(5)
      expectError(await get("/organizations/users?email=", token), 400, "VALIDATION_FAILED", /^email: /)
    })

    it("pages by cursor: next in the body and a Link header, stable as members join, in any sort", async () => {
      const org = await organization()
      const token = await org.token(["can_view_users"])
      for (const name of ["dora", "Bea", "eve", "cat", "Ann"]) await org.add({ email: `${name}@cursor.example` })
      const emails = (reply: HttpHarness.Reply) => reply.json.content.map((u: any) => u.email)
      const first = await get("/organizations/users?size=2&sort=-email&q=cursor", token)
      expect(emails(first)).toEqual(["eve@cursor.example", "dora@cursor.example"])
      expect(first.json).toMatchObject({ totalElements: 5, totalPages: 3, number: 0, next: expect.any(String) })
      // The Link keeps the caller's parameters, the cursor added: a relative reference to this path.
      expect(first.headers.get("link")).toBe(`<?size=2&sort=-email&q=cursor&cursor=${first.json.next}>; rel="next"`)
      // One who sorts before the cursor joins meanwhile: the walk neither repeats nor skips anyone.
      await org.add({ email: "fay@cursor.example" })
      const link = (reply: HttpHarness.Reply) => /^<\?([^>]*)>; rel="next"$/.exec(reply.headers.get("link")!)![1]
      const second = await get(`/organizations/users?${link(first)}`, token)
      expect(emails(second)).toEqual(["cat@cursor.example", "Bea@cursor.example"])
      // Numbered as the walk goes: the page after page 0.
      expect(second.json.number).toBe(1)
      const third = await get(`/organizations/users?${link(second)}`, token)
      expect(emails(third)).toEqual(["Ann@cursor.example"])
      expect(third.json).toMatchObject({ next: null, totalElements: 6, number: 2 })
      expect(third.headers.get("link")).toBeNull()
      // A page asked for by number says where the next starts too.
      expect((await get("/organizations/users?size=3&page=1&q=cursor", token)).json.next).toBeNull()

      const cursor = first.json.next
      for (const [query, message] of [
        [`page=1&cursor=${cursor}`, "cursor: cannot be given with page: page by one or the other"],
        [`offset=2&cursor=${cursor}`, "cursor: cannot be given with offset: page by one or the other"],
        // Made for another order: refused, never read as a position in this one.
        [`cursor=${cursor}&sort=name`, /^cursor: was not made by this list in this order/],
        [`cursor=${cursor}`, /^cursor: was not made by this list in this order/],
        ["cursor=bm90IGpzb24", "cursor: must be a cursor a list answered (next)"],
        ["cursor=a.b", "cursor: must be a cursor a list answered (next)"],
        ["cursor=", "cursor: must be a cursor a list answered (next)"]
      ] as const) {
        expectError(await get(`/organizations/users?${query}`, token), 400, "VALIDATION_FAILED", message)
      }
    })

    it("refuses malformed page and size, strictly", async () => {
      for (const page of ["1.5", "1e3", "%202", "abc", "-1", "", "0x10", "99999999999999999999"]) {
        expectError(await get(`/organizations/users?page=${page}`, h.admin), 400, "VALIDATION_FAILED", /^page: /)
      }
      for (const size of ["0", "201", "-5", "1.5", "1e3", "%202", "abc", ""]) {
        expectError(
          await get(`/organizations/users?size=${size}`, h.admin),
          400,
          "VALIDATION_FAILED",
          "size: must be a whole number from 1 to 200"
        )
      }
      expect((await get("/organizations/users?page=0&size=1", h.admin)).status).toBe(200)
      expect((await get("/organizations/users?size=200", h.admin)).status).toBe(200)
    })

    it("refuses a repeated page, unknown parameters and bad filter values, naming each", async () => {
      expectError(
        await get("/organizations/users?page=1&page=2", h.admin),
        400,
        "VALIDATION_FAILED",
        "page: must be given once"
      )
      expectError(
        await get("/organizations/users?order=email", h.admin),
        400,
        "VALIDATION_FAILED",
        /^order: is not a recognised query parameter/
      )
      expectError(await get("/organizations/users?sort=age", h.admin), 400, "VALIDATION_FAILED", /^sort: /)
      expectError(await get("/organizations/users?status=GONE", h.admin), 400, "VALIDATION_FAILED", /^status: .*GONE/)
      expectError(await get("/organizations/users?status=", h.admin), 400, "VALIDATION_FAILED", /^status: /)
      expectError(await get("/organizations/users?roleId=admin", h.admin), 400, "VALIDATION_FAILED", /^roleId: /)
      expectError(await get("/organizations/users?q=", h.admin), 400, "VALIDATION_FAILED", /^q: /)
      const many = await get("/organizations/users?page=x&size=0&status=GONE&foo=1", h.admin)
      expect(many.json.errors.map((e: any) => e.message.split(":")[0]).sort()).toEqual([
        "foo",
        "page",
        "size",
        "status"
      ])
    })
  })

  describe("GET /organizations/users/{userId}", () => {
    it("shows the user as the organization sees it; roleId is the profile's", async () => {
      const userId = await h.acme.add({
        email: "Katherine@Example.com",
        firstName: "Katherine",
        title: "Mathematician"
      })
      const reply = await get(`/organizations/users/${userId}`, h.admin)
      expect(reply.status).toBe(200)
      expect(reply.json).toMatchObject({
        id: userId,
        email: "Katherine@Example.com",
        idpId: null,
        roleId: h.acme.member.id,
        profile: {
          firstName: "Katherine",
          lastName: null,
          title: "Mathematician",
          organizationId: h.acme.id,
          roleId: h.acme.member.id,
          status: "ACTIVE",
          lastSignedInAt: null
        }
      })
    })

    it("refuses any query parameter", async () => {
      expectError(
        await get(`/organizations/users/${await h.acme.add()}?expand=all`, h.admin),
        400,
        "VALIDATION_FAILED",
        /^expand: /
      )
    })
  })

  describe("POST /organizations/users", () => {
    it("refuses a NUL character in any field or query parameter (400 naming it), writing nothing", async () => {
      const email = `nul-${randomUuid()}@example.com`
      expectError(
        await post("/organizations/users", h.admin, { email, firstName: "a\u0000b" }),
        400,
        "VALIDATION_FAILED",
        "firstName: must not contain the NUL character"
      )
      expectError(
        await post("/organizations/users", h.admin, { email: `x\u0000${email}` }),
        400,
        "VALIDATION_FAILED",
        /^email: /
      )
      expectError(await get("/organizations/users?q=%00", h.admin), 400, "VALIDATION_FAILED", /^q: must not contain/)
      expect((await get(`/organizations/users?q=${email}`, h.admin)).json.totalElements).toBe(0)
    })

    it("refuses half a surrogate pair (a lone \\ud800 escape) in any field: 400 naming it, nothing written", async () => {
      const email = `surrogate-${randomUuid()}@example.com`
      // JSON.stringify writes a lone surrogate as the escape "\ud800", as any client's JSON would.
      for (const [field, value] of [
        ["firstName", "\ud800"],
        ["lastName", "ok\udfff"],
        ["title", "\udc00x"],
        ["email", `sur\ud800${email}`]
      ] as const) {
        expectError(
          await post("/organizations/users", h.admin, { email, [field]: value }),
          400,
          "VALIDATION_FAILED",
          `${field}: must be valid Unicode text`
        )
      }
      expect((await get(`/organizations/users?q=${email}`, h.admin)).json.totalElements).toBe(0)
      const id = await h.acme.add()
      expectError(
        await put(`/organizations/users/${id}/profile`, h.admin, { title: "\ud83d" }),
        400,
        "VALIDATION_FAILED",
        "title: must be valid Unicode text"
      )
      expectError(
        await post(`/organizations/users/${id}/remove`, h.admin, { reason: "\ud800" }),
        400,
        "VALIDATION_FAILED",
        "reason: must be valid Unicode text"
      )
      expectError(
        await post("/organizations/tokens", h.admin, { name: "\ud800", permissions: ["can_view_users"] }),
        400,
        "VALIDATION_FAILED",
        "name: must be valid Unicode text"
      )
      // A whole pair is a character like any other.
      const emoji = await put(`/organizations/users/${id}/profile`, h.admin, { title: "\ud83d\ude00" })
      expect(emoji.json.profile.title).toBe("😀")
      expect((await get(`/organizations/users/${id}`, h.admin)).json.profile.status).toBe("ACTIVE")
    })

    it("refuses a query parameter whose escapes are not UTF-8, naming it; a stray % is a %", async () => {
      expectError(await get("/organizations/users?q=%FF", h.admin), 400, "VALIDATION_FAILED", "q: is not valid UTF-8")
      expectError(
        await get("/organizations/users?size=5&q=ab%ED%A0%80", h.admin),
        400,
        "VALIDATION_FAILED",
        "q: is not valid UTF-8"
      )
      // An escape sequence cut in two by "=" is still not UTF-8.
      expectError(
        await get("/organizations/users?q=%E2=%82%AC", h.admin),
        400,
        "VALIDATION_FAILED",
        "q: is not valid UTF-8"
      )
      const percent = await get("/organizations/users?q=100%", h.admin)
      expect(percent.status).toBe(200)
      expect(percent.json.totalElements).toBe(0)
    })

    it("counts name lengths in characters (an emoji is one) and finds a name however its accents were typed", async () => {
      const emojiName = await post("/organizations/users", h.admin, {
        email: `emoji-${randomUuid()}@example.com`,
        firstName: "😀".repeat(100)
      })
      expect(emojiName.status).toBe(201)
      expectError(
        await post("/organizations/users", h.admin, {
          email: `emoji-${randomUuid()}@example.com`,
          firstName: "😀".repeat(101)
        }),
        400,
        "VALIDATION_FAILED",
        "firstName: must be at most 100 characters"
      )
      const unique = randomUuid().slice(0, 8)
      const decomposed = await post("/organizations/users", h.admin, {
        email: `nfc-${unique}@example.com`,
        lastName: `Jose\u0301${unique}`
      })
      expect(decomposed.json.profile.lastName).toBe(`Jos\u00e9${unique}`)
      for (const q of [`jos%C3%A9${unique}`, `jose%CC%81${unique}`, `JOSE%CC%81${unique}`]) {
        const found = await get(`/organizations/users?q=${q}`, h.admin)
        expect(
          found.json.content.map((user: any) => user.id),
          q
        ).toEqual([decomposed.json.id])
      }
    })

    it("adds an ACTIVE member with the default role: 201 with Location", async () => {
      const reply = await post("/organizations/users", h.admin, {
        email: "hedy@example.com",
        firstName: "Hedy",
        lastName: "Lamarr"
      })
      expect(reply.status).toBe(201)
      expect(reply.headers.get("location")).toBe(`/organizations/users/${reply.json.id}`)
      expect(reply.json).toMatchObject({
        email: "hedy@example.com",
        roleId: h.acme.member.id,
        profile: { firstName: "Hedy", lastName: "Lamarr", title: null, status: "ACTIVE" }
      })
      expect((await get(reply.headers.get("location")!, h.admin)).json).toEqual(reply.json)
    })

    it("adds with a role and as INACTIVE when asked", async () => {
      const reply = await post("/organizations/users", h.admin, {
        email: `inactive-${randomUuid()}@example.com`,
        roleId: h.acme.admin.id,
        status: "INACTIVE",
        title: "CTO"
      })
      expect(reply.status).toBe(201)
      expect(reply.json.profile).toMatchObject({ status: "INACTIVE", roleId: h.acme.admin.id, title: "CTO" })
    })

    it("refuses a bad email, a status it cannot start in, unknown fields and a missing email", async () => {
      expectError(
        await post("/organizations/users", h.admin, { email: "not-an-email" }),
        400,
        "VALIDATION_FAILED",
        /^email: /
      )
      expectError(
        await post("/organizations/users", h.admin, { email: "x@example.com", status: "TERMINATED" }),
        400,
        "VALIDATION_FAILED",
        /^status: /
      )
      expectError(
        await post("/organizations/users", h.admin, { email: "x@example.com", nickname: "hunter2" }),
        400,
        "VALIDATION_FAILED",
        "nickname: is not a recognised field"
      )
      expectError(
        await post("/organizations/users", h.admin, { firstName: "Nobody" }),
        400,
        "VALIDATION_FAILED",
        "email: is required"
      )
      expectError(await post("/organizations/users", h.admin, { email: 42 }), 400, "VALIDATION_FAILED", /^email: /)
    })

    it("ALREADY_MEMBER for an email already in the organization, whatever its case", async () => {
      const email = `dup-${randomUuid()}@example.com`
      expect((await post("/organizations/users", h.admin, { email })).status).toBe(201)
      expectError(await post("/organizations/users", h.admin, { email: email.toUpperCase() }), 409, "ALREADY_MEMBER")
    })

    it("adding a REMOVED member again starts the membership again", async () => {
      const email = `back-${randomUuid()}@example.com`
      const first = await post("/organizations/users", h.admin, { email })
      expect(
        (await post(`/organizations/users/${first.json.id}/remove`, h.admin, { reason: "left" })).json.profile.status
      ).toBe("REMOVED")
      const again = await post("/organizations/users", h.admin, { email, firstName: "Again" })
      expect(again.status).toBe(201)
      expect(again.json).toMatchObject({ id: first.json.id, profile: { status: "ACTIVE", firstName: "Again" } })
    })

    it("the same email joins a second organization with the same identity", async () => {
      const email = `shared-${randomUuid()}@example.com`
      const globex = await organization()
      const inAcme = await post("/organizations/users", h.admin, { email })
      const inGlobex = await post("/organizations/users", await globex.token(Permission.all), { email })
      expect(inGlobex.status).toBe(201)
      expect(inGlobex.json.id).toBe(inAcme.json.id)
      expect(inGlobex.json.profile.organizationId).toBe(globex.id)
    })

    it("ROLE_ESCALATION for a role with permissions the token lacks; ROLE_NOT_FOUND for an unknown role", async () => {
      const manager = await h.acme.token(["can_manage_users"])
      expectError(
        await post("/organizations/users", manager, {
          email: `e-${randomUuid()}@example.com`,
          roleId: h.acme.admin.id
        }),
        403,
        "ROLE_ESCALATION"
      )
      expectError(
        await post("/organizations/users", h.admin, { email: `r-${randomUuid()}@example.com`, roleId: randomUuid() }),
        400,
        "ROLE_NOT_FOUND"
      )
    })
  })
}
