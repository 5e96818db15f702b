/**
 * The contract of every list's keyset paging (`after` and `next`) and of the member list's orders:
 * walking a list by its `next` positions visits every item once, in the list's order, and a position
 * stays put while items are added before and after it.
 */
import { assert, describe } from "vitest"
import * as Effect from "effect/Effect"
import { EventRepository, MemberRepository, TokenRepository, UserRepository } from "../index.js"
import type { Member, MembershipStatus } from "../index.js"
import type { It } from "./Contract.js"
import { appendAll, at, makeEvent, newMember, newOrganization, newToken, newUser, unique } from "./Fixtures.js"

const everyStatus: ReadonlyArray<MembershipStatus.MembershipStatus> = [
  "ACTIVE",
  "INACTIVE",
  "TERMINATED",
  "REMOVED",
  "FORGOTTEN"
]

/** Code point order, as the stores compare emails and names (byte order of UTF-8). */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Every page of a list, each asked for after the one before, until `next` is null. */
const walk = <A>(
  page: (after: ReadonlyArray<string> | undefined) => Effect.Effect<{
    readonly items: ReadonlyArray<A>
    readonly next?: ReadonlyArray<string> | null
  }>
) =>
  Effect.gen(function* () {
    const pages: Array<ReadonlyArray<A>> = []
    let after: ReadonlyArray<string> | undefined
    for (;;) {
      const found = yield* page(after)
      pages.push(found.items)
      if (found.next === null || found.next === undefined) return pages
      after = found.next
      if (pages.length > 100) throw new Error("the walk does not end")
    }
  })

const emailOf = (member: Member.Member) => member.user.email

export const tests = (it: It): void => {
  describe("lists: orders and cursors", () => {
    it.effect("members sort by createdAt, email or name, each either way, ties by user id", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const tag = unique()
        const people = [
          { email: `Carol-${tag}@example.com`, firstName: "Carol", lastName: "Zed", createdAt: at(5) },
          { email: `alice-${tag}@example.com`, firstName: "alice", lastName: "Young", createdAt: at(3) },
          { email: `Bob-${tag}@example.com`, firstName: null, lastName: "Xavier", createdAt: at(9) },
          { email: `dave-${tag}@example.com`, firstName: "Dave", lastName: null, createdAt: at(3) },
          { email: `erin-${tag}@example.com`, firstName: "Élodie", lastName: "Ward", createdAt: at(1) }
        ]
        const all = yield* Effect.forEach(people, ({ email, ...fields }) => newMember(acme, fields, { email }))
        const byKey = (key: (m: Member.Member) => string) =>
          [...all].sort((a, b) => compare(key(a), key(b)) || compare(a.user.id, b.user.id)).map(emailOf)
        const name = (m: Member.Member) =>
          `${m.membership.firstName ?? ""} ${m.membership.lastName ?? ""}`.toLowerCase()
        const expected = {
          createdAt: byKey((m) => m.membership.createdAt.toISOString()),
          email: byKey((m) => m.user.email.toLowerCase()),
          name: byKey(name)
        }
        for (const sort of ["createdAt", "email", "name"] as const) {
          for (const [order, emails] of [
            [sort, expected[sort]],
            [`-${sort}`, [...expected[sort]].reverse()]
          ] as const) {
            const whole = yield* members.page(acme.organization.id, {
              page: 0,
              size: 10,
              statuses: everyStatus,
              sort: order
            })
            assert.deepStrictEqual(whole.items.map(emailOf), emails, `sort=${order}`)
            assert.strictEqual(whole.next, null, `sort=${order}: one page`)
            const pages = yield* walk((after) =>
              members.page(acme.organization.id, { page: 0, size: 2, statuses: everyStatus, sort: order, after })
            )
            assert.deepStrictEqual(
              pages.map((p) => p.map(emailOf)),
              [emails.slice(0, 2), emails.slice(2, 4), emails.slice(4)],
              `sort=${order}, walked by cursor`
            )
            const offset = yield* members.page(acme.organization.id, {
              page: 1,
              size: 2,
              statuses: everyStatus,
              sort: order
            })
            assert.deepStrictEqual(offset.items.map(emailOf), emails.slice(2, 4), `sort=${order}, page 1`)
            assert.strictEqual(offset.total, 5)
          }
        }
      })
    )

    it.effect("a member cursor stays put while members join before and after it", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const first = yield* Effect.forEach([10, 20, 30, 40], (t) => newMember(acme, { createdAt: at(t) }))
        const query = { page: 0, size: 2, statuses: everyStatus }
        const one = yield* members.page(acme.organization.id, query)
        assert.deepStrictEqual(one.items.map(emailOf), first.slice(0, 2).map(emailOf))
        assert.isNotNull(one.next)
        // Joined meanwhile: one before the cursor (an offset would now repeat a member), one after it.
        yield* newMember(acme, { createdAt: at(5) })
        const later = yield* newMember(acme, { createdAt: at(25) })
        const two = yield* members.page(acme.organization.id, { ...query, after: one.next! })
        assert.deepStrictEqual(two.items.map(emailOf), [emailOf(later), emailOf(first[2]!)])
        const three = yield* members.page(acme.organization.id, { ...query, after: two.next! })
        assert.deepStrictEqual(three.items.map(emailOf), [emailOf(first[3]!)])
        assert.strictEqual(three.next, null)
        assert.strictEqual(three.total, 6)
      })
    )

    it.effect("a member cursor composes with filters and search", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const tag = unique()
        const found = yield* Effect.forEach([1, 2, 3, 4, 5], (n) =>
          newMember(
            acme,
            { createdAt: at(n), roleId: acme.admin.id, lastName: n % 2 === 0 ? `Match${tag}` : "Other" },
            { email: `p${n}-${tag}@example.com` }
          )
        )
        yield* newMember(acme, { createdAt: at(2.5), roleId: acme.member.id, lastName: `Match${tag}` })
        const pages = yield* walk((after) =>
          members.page(acme.organization.id, {
            page: 0,
            size: 1,
            statuses: everyStatus,
            roleId: acme.admin.id,
            q: `match${tag}`,
            sort: "-createdAt",
            after
          })
        )
        assert.deepStrictEqual(
          pages.map((p) => p.map(emailOf)),
          [[emailOf(found[3]!)], [emailOf(found[1]!)]]
        )
      })
    )

    it.effect("tokens page newest first by cursor, as list orders them", () =>
      Effect.gen(function* () {
        const tokens = yield* TokenRepository
        const acme = yield* newOrganization()
        yield* Effect.forEach([1, 2, 3, 2, 5], (t) => newToken(acme, { createdAt: at(t) }))
        const listed = yield* tokens.list(acme.organization.id)
        const pages = yield* walk((after) => tokens.page(acme.organization.id, { size: 2, after }))
        assert.deepStrictEqual(
          pages.map((p) => p.map((t) => t.id)),
          [listed.slice(0, 2), listed.slice(2, 4), listed.slice(4)].map((p) => p.map((t) => t.id))
        )
      })
    )

    it.effect("events page newest first by cursor; a cursor stays put as events are appended", () =>
      Effect.gen(function* () {
        const events = yield* EventRepository
        const acme = yield* newOrganization()
        const appended = [1, 2, 3, 4, 5].map(() => makeEvent(acme.organization.id))
        yield* appendAll(appended)
        const one = yield* events.page(acme.organization.id, { page: 0, size: 2 })
        yield* appendAll([makeEvent(acme.organization.id)])
        const rest = yield* walk((after) =>
          after === undefined ? Effect.succeed(one) : events.page(acme.organization.id, { page: 0, size: 2, after })
        )
        assert.deepStrictEqual(
          rest.map((p) => p.map((e) => e.id)),
          [appended.slice(3).reverse(), appended.slice(1, 3).reverse(), appended.slice(0, 1)].map((p) =>
            p.map((e) => e.id)
          )
        )
      })
    )
  })
}

export const identityTests = (it: It): void => {
  describe("lists: identities by cursor", () => {
    it.effect("identities page in email order by cursor, filtered", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const tag = unique()
        const made = yield* Effect.forEach(["d", "B", "a", "c", "E"], (p) =>
          newUser({ email: `${p}-${tag}@example.com` })
        )
        const emails = made.map((u) => u.email).sort((a, b) => compare(a.toLowerCase(), b.toLowerCase()))
        const pages = yield* walk((after) => users.page({ page: 0, size: 2, q: tag, after }))
        assert.deepStrictEqual(
          pages.map((p) => p.map((u) => u.email)),
          [emails.slice(0, 2), emails.slice(2, 4), emails.slice(4)]
        )
      })
    )
  })
}
