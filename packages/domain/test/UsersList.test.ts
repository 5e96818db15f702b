/** Listing members: pages, filters, search and order. */
import type { Member } from "@roster/domain"
import { type UserInput, UserResponse, Users } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as DesignTable from "./DesignTable.js"
import * as TestOrganization from "./TestOrganization.js"
import * as TestUsers from "./TestUsers.js"

describe("Users", () => {
  describe("list", () => {
    const addPeople = (acme: TestOrganization.TestOrganization, emails: ReadonlyArray<string>) =>
      Effect.forEach(emails, (email) =>
        TestOrganization.add(acme, { email }).pipe(Effect.zipLeft(TestClock.adjust("1 second")))
      )

    it.effect("pages: totals over every page, a page past the end is empty with true totals", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        yield* addPeople(acme, ["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io"])
        const page = (page: number, size: number) => users.list(acme.operator, { page, size })

        const shape = (p: Member.Page<Member.Member>) => ({
          emails: p.items.map((m) => m.user.email),
          ...UserResponse.fromPage(p),
          content: undefined,
          next: UserResponse.fromPage(p).next !== null
        })
        assert.deepStrictEqual(shape(yield* page(0, 2)), {
          emails: ["a@x.io", "b@x.io"],
          content: undefined,
          totalElements: 5,
          totalPages: 3,
          size: 2,
          number: 0,
          next: true
        })
        assert.deepStrictEqual(
          (yield* page(1, 2)).items.map((m) => m.user.email),
          ["c@x.io", "d@x.io"]
        )
        assert.deepStrictEqual(
          (yield* page(2, 2)).items.map((m) => m.user.email),
          ["e@x.io"]
        )
        const past = yield* page(3, 2)
        assert.deepStrictEqual([past.items.length, past.total, UserResponse.fromPage(past).totalPages], [0, 5, 3])
        const far = yield* page(1000, 200)
        assert.deepStrictEqual([far.items.length, far.total], [0, 5])
        assert.lengthOf((yield* page(0, 1)).items, 1)
        assert.strictEqual(UserResponse.fromPage(yield* page(0, 1)).totalPages, 5)
        assert.lengthOf((yield* page(0, 200)).items, 5)
        assert.strictEqual(UserResponse.fromPage(yield* page(0, 200)).totalPages, 1)
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("an empty organization has an empty first page and no pages", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const page = yield* users.list(acme.operator, { page: 0, size: 20 })
        assert.deepStrictEqual(UserResponse.fromPage(page), {
          content: [],
          totalElements: 0,
          totalPages: 0,
          size: 20,
          number: 0,
          next: null
        })
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("leaves REMOVED and FORGOTTEN out by default; the status filter asks for any", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        for (const status of DesignTable.statuses) {
          const member = yield* TestOrganization.add(acme, { email: `${status.toLowerCase()}@example.com` })
          yield* TestUsers.bringTo(users, acme.operator, member.user.id, status)
          yield* TestClock.adjust("1 second")
        }
        const statuses = (p: Member.Page<Member.Member>) => p.items.map((m) => m.membership.status)
        const list = (status?: UserInput.ListUsers["status"]) =>
          users.list(acme.operator, { page: 0, size: 20, status })

        assert.deepStrictEqual(statuses(yield* list()), ["ACTIVE", "INACTIVE", "TERMINATED"])
        assert.deepStrictEqual(statuses(yield* list(["REMOVED"])), ["REMOVED"])
        assert.deepStrictEqual(statuses(yield* list(["FORGOTTEN", "REMOVED"])), ["REMOVED", "FORGOTTEN"])
        assert.deepStrictEqual(statuses(yield* list(["ACTIVE", "TERMINATED"])), ["ACTIVE", "TERMINATED"])
        assert.strictEqual((yield* list(["INACTIVE"])).total, 1)
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("filters by role", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        yield* TestOrganization.add(acme, { email: "a@example.com", roleId: acme.support.id })
        yield* TestOrganization.add(acme, { email: "b@example.com" })
        yield* TestOrganization.add(acme, { email: "c@example.com", roleId: acme.support.id })
        const bySupport = yield* users.list(acme.operator, { page: 0, size: 20, roleId: acme.support.id })
        assert.deepStrictEqual(bySupport.items.map((m) => m.user.email).sort(), ["a@example.com", "c@example.com"])
        assert.strictEqual(bySupport.total, 2)
        assert.strictEqual((yield* users.list(acme.operator, { page: 0, size: 20, roleId: acme.admin.id })).total, 0)
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("q matches part of the email, first name, last name or full name, ignoring case", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        yield* TestOrganization.add(acme, { email: "ada@analytical.org", firstName: "Ada", lastName: "Lovelace" })
        yield* TestOrganization.add(acme, { email: "grace@navy.mil", firstName: "Grace", lastName: "Hopper" })
        yield* TestOrganization.add(acme, { email: "alan@bletchley.uk", firstName: "Alan" })
        const search = (q: string) =>
          users
            .list(acme.operator, { page: 0, size: 20, q })
            .pipe(Effect.map((p) => p.items.map((m) => m.membership.firstName).sort()))

        assert.deepStrictEqual(yield* search("ANALYTICAL"), ["Ada"])
        assert.deepStrictEqual(yield* search("navy.MIL"), ["Grace"])
        assert.deepStrictEqual(yield* search("gRAc"), ["Grace"])
        assert.deepStrictEqual(yield* search("lovel"), ["Ada"])
        assert.deepStrictEqual(yield* search("ada lovelace"), ["Ada"])
        assert.deepStrictEqual(yield* search("A L"), ["Ada"])
        assert.deepStrictEqual(yield* search("a"), ["Ada", "Alan", "Grace"])
        assert.deepStrictEqual(yield* search("Hopper Grace"), [])
        assert.deepStrictEqual(yield* search("zzz"), [])
        assert.strictEqual((yield* users.list(acme.operator, { page: 0, size: 1, q: "a" })).total, 3)
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("email matches part of the email alone, ignoring case; with q, both must match", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        yield* TestOrganization.add(acme, { email: "ada@analytical.org", firstName: "Ada", lastName: "Navy" })
        yield* TestOrganization.add(acme, { email: "grace@NAVY.mil", firstName: "Grace", lastName: "Hopper" })
        yield* TestOrganization.add(acme, { email: "alan@bletchley.uk", firstName: "Alan" })
        const search = (query: Partial<UserInput.ListUsers>) =>
          users
            .list(acme.operator, { size: 20, ...query })
            .pipe(Effect.map((p) => p.items.map((m) => m.membership.firstName).sort()))

        // `q` finds Ada by her last name; `email` looks at emails only.
        assert.deepStrictEqual(yield* search({ q: "navy" }), ["Ada", "Grace"])
        assert.deepStrictEqual(yield* search({ email: "navy" }), ["Grace"])
        assert.deepStrictEqual(yield* search({ email: "Navy.Mil" }), ["Grace"])
        assert.deepStrictEqual(yield* search({ email: "ada lovelace" }), [])
        assert.deepStrictEqual(yield* search({ email: "@" }), ["Ada", "Alan", "Grace"])
        assert.deepStrictEqual(yield* search({ email: "a", q: "hopper" }), ["Grace"])
        assert.deepStrictEqual(yield* search({ email: "alan", q: "hopper" }), [])
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("offset skips members instead of pages, never with page; the page answered is the offset's", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        yield* addPeople(acme, ["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io"])
        const emails = (p: Member.Page<Member.Member>) => p.items.map((m) => m.user.email)
        const at = (offset: number, size: number) => users.list(acme.operator, { offset, size })

        assert.deepStrictEqual(emails(yield* at(0, 2)), ["a@x.io", "b@x.io"])
        assert.deepStrictEqual(emails(yield* at(1, 3)), ["b@x.io", "c@x.io", "d@x.io"])
        assert.deepStrictEqual(emails(yield* at(4, 3)), ["e@x.io"])
        const past = yield* at(7, 3)
        assert.deepStrictEqual([past.items.length, past.total], [0, 5])
        assert.deepStrictEqual(
          { ...UserResponse.fromPage(yield* at(3, 2)), content: undefined },
          { content: undefined, totalElements: 5, totalPages: 3, size: 2, number: 1, next: null }
        )
        assert.deepStrictEqual(emails(yield* users.list(acme.operator, { size: 2 })), ["a@x.io", "b@x.io"])
        const both = yield* Effect.flip(users.list(acme.operator, { page: 0, offset: 2, size: 2 }))
        assert.deepStrictEqual(both._tag === "ValidationFailed" ? both.issues.map((i) => i.field) : both, ["offset"])
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("orders by membership creation time, then by user id", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        yield* addPeople(acme, ["zed@example.com", "ada@example.com", "mia@example.com"])
        const emails = (yield* users.list(acme.operator, { page: 0, size: 20 })).items.map((m) => m.user.email)
        assert.deepStrictEqual(emails, ["zed@example.com", "ada@example.com", "mia@example.com"])

        // Added at the same instant: by user id.
        const sameTime = yield* Effect.forEach(
          ["p@example.com", "q@example.com", "r@example.com", "s@example.com"],
          (email) => TestOrganization.add(acme, { email })
        )
        const listed = (yield* users.list(acme.operator, { page: 0, size: 20 })).items.slice(3).map((m) => m.user.id)
        assert.deepStrictEqual(listed, sameTime.map((m) => m.user.id).sort())
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("sees only its own organization's members", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make("Acme")
        const globex = yield* TestOrganization.make("Globex")
        const users = yield* Users
        yield* TestOrganization.add(acme, { email: "ada@example.com" })
        yield* TestOrganization.add(globex, { email: "grace@example.com" })
        const page = yield* users.list(acme.token(["can_view_users"]), { page: 0, size: 20 })
        assert.deepStrictEqual(
          page.items.map((m) => m.user.email),
          ["ada@example.com"]
        )
      }).pipe(Effect.provide(TestOrganization.layer))
    )
  })
})
