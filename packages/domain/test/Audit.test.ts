import { Actor, Audit, Forbidden, ListEvents, OrganizationNotFound, Users, Validation } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as TestIdentity from "./TestIdentity.js"
import * as TestOrganization from "./TestOrganization.js"

describe("Audit", () => {
  it.effect("lists the organization's events newest first, by user and by type, a page at a time", () =>
    Effect.gen(function* () {
      const acme = yield* TestOrganization.make()
      const users = yield* Users
      const audit = yield* Audit
      yield* TestOrganization.addManager(acme)
      const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
      yield* TestClock.adjust("1 second")
      yield* users.deactivate(acme.operator, ada.user.id)
      yield* TestClock.adjust("1 second")
      yield* users.activate(acme.operator, ada.user.id)
      const access = acme.token(["can_view_audit"])

      const all = yield* audit.list(access, { page: 0, size: 20 })
      assert.deepStrictEqual(
        all.items.map((e) => e.type),
        ["user.activated", "user.deactivated", "user.added", "user.added"]
      )
      assert.deepStrictEqual(
        all.items.map((e) => e.at.getTime()),
        [2000, 1000, 0, 0]
      )

      const ofAda = yield* audit.list(access, { page: 0, size: 20, userId: ada.user.id })
      assert.strictEqual(ofAda.total, 3)
      assert.isTrue(ofAda.items.every((e) => e.userId === ada.user.id))

      const added = yield* audit.list(access, { page: 0, size: 20, type: ["user.added", "user.activated"] })
      assert.deepStrictEqual(
        added.items.map((e) => e.type),
        ["user.activated", "user.added", "user.added"]
      )

      const second = yield* audit.list(access, { page: 1, size: 3 })
      assert.deepStrictEqual([second.items.length, second.total, second.page, second.size], [1, 4, 1, 3])
      assert.lengthOf((yield* audit.list(access, { page: 2, size: 3 })).items, 0)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("needs can_view_audit, and sees only its own organization", () =>
    Effect.gen(function* () {
      const acme = yield* TestOrganization.make("Acme")
      const globex = yield* TestOrganization.make("Globex")
      const audit = yield* Audit
      yield* TestOrganization.add(globex, { email: "grace@example.com" })
      const query = { page: 0, size: 20 }
      assert.deepStrictEqual(
        yield* Effect.flip(audit.list(acme.token(["can_view_users", "can_manage_users", "can_manage_tokens"]), query)),
        new Forbidden({ required: "can_view_audit" })
      )
      assert.lengthOf((yield* audit.list(acme.token(["can_view_audit"]), query)).items, 0)
      assert.deepStrictEqual(
        yield* Effect.flip(audit.list(TestOrganization.tokenAccess(acme.id, ["can_view_audit"], globex.id), query)),
        new OrganizationNotFound({ organization: globex.id })
      )
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("ListEvents decodes with defaults and refuses unknown event types", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Validation.decode(ListEvents, { root: "query" })({}), { size: 20 })
      const error = yield* Effect.flip(Validation.decode(ListEvents, { root: "query" })({ type: ["user.exploded"] }))
      assert.deepStrictEqual(
        error.issues.map((i) => i.field),
        ["type.0"]
      )
    })
  )

  it.effect("listAll: platform admins and the operator read every event, identity-level ones included", () =>
    Effect.gen(function* () {
      const acme = yield* TestOrganization.make("Acme")
      const audit = yield* Audit
      yield* TestIdentity.addWithPassword(acme, "ada@example.com")
      const ada = yield* TestIdentity.signIn("ada@example.com")
      const root = yield* TestIdentity.platformAdmin()
      const query = { page: 0, size: 50, userId: ada.user.id }

      const seen = yield* audit.listAll(root.actor, query)
      assert.deepStrictEqual(
        seen.items.map((e) => [e.type, e.organizationId]),
        [
          ["session.created", null],
          ["identity.password_set", acme.id],
          ["user.added", acme.id]
        ]
      )
      assert.deepStrictEqual(yield* audit.listAll(Actor.operator, query), seen)
      const inAcme = yield* audit.listAll(root.actor, { page: 0, size: 50, organizationId: acme.id })
      assert.isTrue(inAcme.items.every((e) => e.organizationId === acme.id))
      assert.deepStrictEqual(
        inAcme.items.map((e) => e.type),
        ["identity.password_set", "user.added"]
      )

      assert.deepStrictEqual(
        yield* Effect.flip(audit.listAll(ada.actor, query)),
        new Forbidden({ required: "platform_admin", reason: "Only platform admins may do this" })
      )
      assert.strictEqual(
        (yield* Effect.flip(audit.listAll(acme.token(["can_view_audit"]).actor, query)))._tag,
        "Forbidden"
      )
    }).pipe(Effect.provide(TestIdentity.layer))
  )
})
