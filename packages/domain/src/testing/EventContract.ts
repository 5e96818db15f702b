/** The contract of `EventRepository`: the audit log, its pages, and the erasure of personal data. */
import { assert, describe } from "vitest"
import * as Effect from "effect/Effect"
import { EventRepository, randomUuid } from "../index.js"
import type { DomainEvent, User, UserId } from "../index.js"
import { EventLog, type It } from "./Contract.js"
import { type Org, appendAll, at, makeEvent, newOrganization, newUser } from "./Fixtures.js"

const eventIds = (page: { readonly items: ReadonlyArray<DomainEvent.DomainEvent> }) => page.items.map((e) => e.id)

/** An organization's events: append, page, erase a member's data. */
export const tests = (it: It): void => {
  describe("EventRepository", () => {
    it.effect("append round-trips every field", () =>
      Effect.gen(function* () {
        const events = yield* EventRepository
        const acme = yield* newOrganization()
        const user = yield* newUser()
        const event = makeEvent(acme.organization.id, {
          userId: user.id,
          actor: { type: "token", id: randomUuid() },
          type: "user.removed",
          before: { status: "ACTIVE", roleId: acme.member.id, firstName: "Ada", title: null, tags: ["a", 1, true] },
          after: { status: "REMOVED", nested: { deep: { value: 1.5 } }, email: "ada@example.com" },
          reason: "Left the company — « merci »",
          at: at(0.042)
        })
        yield* events.append(event)
        const page = yield* events.page(acme.organization.id, { page: 0, size: 10 })
        assert.deepStrictEqual(page, { items: [event], total: 1, page: 0, size: 10, next: null })
      })
    )

    it.effect("page is newest first, filtered by user and by types, with totals", () =>
      Effect.gen(function* () {
        const events = yield* EventRepository
        const acme = yield* newOrganization()
        const ada = yield* newUser()
        const grace = yield* newUser()
        const org = acme.organization.id
        const types: ReadonlyArray<[UserId | null, DomainEvent.EventType]> = [
          [ada.id, "user.added"],
          [grace.id, "user.added"],
          [null, "token.created"],
          [ada.id, "user.profile_updated"],
          [ada.id, "user.terminated"],
          [grace.id, "user.role_changed"]
        ]
        const appended = types.map(([userId, type], i) => makeEvent(org, { userId, type, at: at(i) }))
        yield* appendAll(appended)
        yield* appendAll([makeEvent((yield* newOrganization()).organization.id, { userId: ada.id })])
        const newestFirst = [...appended].reverse()
        const ids = (predicate: (e: DomainEvent.DomainEvent) => boolean) =>
          newestFirst.filter(predicate).map((e) => e.id)

        const all = yield* events.page(org, { page: 0, size: 50 })
        assert.deepStrictEqual(all, { items: newestFirst, total: 6, page: 0, size: 50, next: null })

        const ofAda = yield* events.page(org, { page: 0, size: 50, userId: ada.id })
        assert.deepStrictEqual(
          eventIds(ofAda),
          ids((e) => e.userId === ada.id)
        )
        assert.strictEqual(ofAda.total, 3)

        const added = yield* events.page(org, { page: 0, size: 50, types: ["user.added", "token.created"] })
        assert.deepStrictEqual(
          eventIds(added),
          ids((e) => e.type === "user.added" || e.type === "token.created")
        )
        assert.strictEqual(added.total, 3)

        const both = yield* events.page(org, { page: 0, size: 50, userId: grace.id, types: ["user.role_changed"] })
        assert.deepStrictEqual(
          eventIds(both),
          ids((e) => e.userId === grace.id && e.type === "user.role_changed")
        )

        const pages = yield* Effect.forEach([0, 1, 2], (page) => events.page(org, { page, size: 4 }))
        assert.deepStrictEqual(pages.flatMap(eventIds), eventIds(all))
        assert.deepStrictEqual(
          pages.map((p) => [p.items.length, p.total]),
          [
            [4, 6],
            [2, 6],
            [0, 6]
          ]
        )
        const pastFiltered = yield* events.page(org, { page: 3, size: 1, userId: ada.id })
        assert.deepStrictEqual(pastFiltered, { items: [], total: 3, page: 3, size: 1, next: null })
      })
    )

    it.effect("page everywhere reads every organization's events and those of none, newest first", () =>
      Effect.gen(function* () {
        const events = yield* EventRepository
        const ada = yield* newUser()
        const [acme, globex] = [(yield* newOrganization()).organization.id, (yield* newOrganization()).organization.id]
        const appended = [
          makeEvent(acme, { userId: ada.id, type: "user.added", at: at(0) }),
          { ...makeEvent(acme, { userId: ada.id, type: "session.created", at: at(1) }), organizationId: null },
          makeEvent(globex, { userId: ada.id, type: "user.added", at: at(2) }),
          { ...makeEvent(acme, { userId: ada.id, type: "auth.login_failed", at: at(3) }), organizationId: null }
        ]
        yield* appendAll(appended)
        const newestFirst = [...appended].reverse()
        const all = yield* events.page("everywhere", { page: 0, size: 50, userId: ada.id })
        assert.deepStrictEqual(all, { items: newestFirst, total: 4, page: 0, size: 50, next: null })
        const sessions = yield* events.page("everywhere", {
          page: 0,
          size: 50,
          userId: ada.id,
          types: ["session.created"]
        })
        assert.deepStrictEqual(eventIds(sessions), [appended[1]!.id])
        const second = yield* events.page("everywhere", { page: 1, size: 3, userId: ada.id })
        assert.deepStrictEqual(second, { items: [appended[0]!], total: 4, page: 1, size: 3, next: null })
        // One organization's page still holds only that organization's events.
        assert.deepStrictEqual(eventIds(yield* events.page(acme, { page: 0, size: 50, userId: ada.id })), [
          appended[0]!.id
        ])
      })
    )

    it.effect("eraseMembershipData removes names, title and reason from that user's events in that organization", () =>
      Effect.gen(function* () {
        const events = yield* EventRepository
        const acme = yield* newOrganization()
        const globex = yield* newOrganization()
        const ada = yield* newUser()
        const grace = yield* newUser()
        const personal = { firstName: "Ada", lastName: "Lovelace", title: "Countess" }
        const snapshot = { status: "ACTIVE", roleId: acme.member.id, ...personal }
        const added = makeEvent(acme.organization.id, {
          userId: ada.id,
          type: "user.added",
          after: { ...snapshot, email: "ada@example.com" }
        })
        const removed = makeEvent(acme.organization.id, {
          userId: ada.id,
          type: "user.removed",
          before: snapshot,
          after: { ...snapshot, status: "REMOVED" },
          reason: "Ada asked to leave"
        })
        const neighbour = makeEvent(acme.organization.id, {
          userId: grace.id,
          type: "user.removed",
          before: snapshot,
          reason: "Grace moved on"
        })
        const elsewhere = makeEvent(globex.organization.id, {
          userId: ada.id,
          type: "user.removed",
          before: snapshot,
          reason: "Ada left Globex"
        })
        yield* appendAll([added, removed, neighbour, elsewhere])

        yield* events.eraseMembershipData(acme.organization.id, ada.id)
        const inAcme = yield* events.page(acme.organization.id, { page: 0, size: 10 })
        assert.deepStrictEqual(inAcme.items, [
          neighbour,
          {
            ...removed,
            before: { status: "ACTIVE", roleId: acme.member.id },
            after: { status: "REMOVED", roleId: acme.member.id },
            reason: null
          },
          { ...added, after: { status: "ACTIVE", roleId: acme.member.id, email: "ada@example.com" } }
        ])
        assert.deepStrictEqual((yield* events.page(globex.organization.id, { page: 0, size: 10 })).items, [elsewhere])
      })
    )

    it.effect("eraseIdentityData removes the email from that user's events in every organization", () =>
      Effect.gen(function* () {
        const events = yield* EventRepository
        const acme = yield* newOrganization()
        const globex = yield* newOrganization()
        const ada = yield* newUser()
        const grace = yield* newUser()
        const addedTo = (org: Org, user: User.User) =>
          makeEvent(org.organization.id, {
            userId: user.id,
            type: "user.added",
            before: { email: "old@example.com" },
            after: { status: "ACTIVE", firstName: "A", email: user.email },
            reason: "kept"
          })
        const adaInAcme = addedTo(acme, ada)
        const adaInGlobex = addedTo(globex, ada)
        const graceInAcme = addedTo(acme, grace)
        yield* appendAll([adaInAcme, graceInAcme, adaInGlobex])

        yield* events.eraseIdentityData(ada.id)
        const erased = (event: DomainEvent.DomainEvent) => ({
          ...event,
          before: {},
          after: { status: "ACTIVE", firstName: "A" }
        })
        assert.deepStrictEqual((yield* events.page(acme.organization.id, { page: 0, size: 10 })).items, [
          graceInAcme,
          erased(adaInAcme)
        ])
        assert.deepStrictEqual((yield* events.page(globex.organization.id, { page: 0, size: 10 })).items, [
          erased(adaInGlobex)
        ])
      })
    )
  })
}

/** The erasure of an identity's data, organization-less events included. */
export const identityTests = (it: It): void => {
  describe("EventRepository.eraseIdentityData", () => {
    it.effect("removes email, name, ip and userAgent from the user's events, organization-less ones too", () =>
      Effect.gen(function* () {
        const events = yield* EventRepository
        const log = yield* EventLog
        const user = yield* newUser()
        const other = yield* newUser()
        const acme = yield* newOrganization()
        const personal = { email: user.email, name: "Ada", ip: "203.0.113.9", userAgent: "curl/8" }
        const kept = { isPlatformAdmin: true, disabledAt: null, nested: { email: "stays@example.com" } }
        const identityLevel = makeEvent(null, {
          userId: user.id,
          before: { ...personal, ...kept },
          after: { ...personal, isPlatformAdmin: false },
          reason: "asked by support"
        })
        const inOrganization = makeEvent(acme.organization.id, {
          userId: user.id,
          type: "user.added",
          before: null,
          after: { ...personal, firstName: "Ada", title: "Countess" }
        })
        const othersEvent = makeEvent(null, { userId: other.id, after: { ...personal, email: other.email } })
        for (const e of [identityLevel, inOrganization, othersEvent]) yield* events.append(e)
        yield* events.eraseIdentityData(user.id)
        const stored = yield* log.byIds([identityLevel.id, inOrganization.id, othersEvent.id])
        const byId = new Map(stored.map((e) => [e.id, e]))
        assert.deepStrictEqual(byId.get(identityLevel.id), {
          ...identityLevel,
          before: kept,
          after: { isPlatformAdmin: false }
        })
        assert.deepStrictEqual(byId.get(inOrganization.id), {
          ...inOrganization,
          after: { firstName: "Ada", title: "Countess" }
        })
        assert.deepStrictEqual(byId.get(othersEvent.id), othersEvent)
        const page = yield* events.page(acme.organization.id, { page: 0, size: 10 })
        assert.deepStrictEqual(page.items, [{ ...inOrganization, after: { firstName: "Ada", title: "Countess" } }])
      })
    )
  })
}
