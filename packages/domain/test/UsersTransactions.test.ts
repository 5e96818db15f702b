/** A refused or failing change to a member leaves nothing behind. */
import { Audit, UserRepository, Users } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as TestOrganization from "./TestOrganization.js"

describe("Users", () => {
  describe("transactions", () => {
    it.effect("an add refused for escalation leaves no user and no event", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const userRepository = yield* UserRepository
        const error = yield* Effect.flip(
          users.add(acme.token(["can_manage_users"]), { email: "eve@example.com", roleId: acme.admin.id })
        )
        assert.strictEqual(error._tag, "RoleEscalation")
        assert.isTrue(Option.isNone(yield* userRepository.findByEmail("eve@example.com")))
        assert.lengthOf(yield* TestOrganization.events(acme), 0)
        assert.strictEqual((yield* users.list(acme.operator, { page: 0, size: 20 })).total, 0)
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    const failingAppend =
      (type: string) =>
      (ports: TestOrganization.Ports): TestOrganization.Ports => ({
        ...ports,
        events: {
          ...ports.events,
          append: (event) => (event.type === type ? Effect.die(new Error("disk full")) : ports.events.append(event))
        }
      })

    it.effect("a failure after the first write rolls the whole add back", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const userRepository = yield* UserRepository
        const exit = yield* Effect.exit(users.add(acme.operator, { email: "ada@example.com", firstName: "Ada" }))
        assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
        // The identity and the membership were written before the event failed: both are gone.
        assert.isTrue(Option.isNone(yield* userRepository.findByEmail("ada@example.com")))
        assert.strictEqual((yield* users.list(acme.operator, { page: 0, size: 20 })).total, 0)
      }).pipe(Effect.provide(TestOrganization.layerWith(failingAppend("user.added"))))
    )

    it.effect("a failure after the first write rolls the whole forget back, erasures included", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, {
          email: "ada@example.com",
          firstName: "Ada",
          lastName: "Lovelace"
        })
        yield* users.terminate(acme.operator, ada.user.id)
        const exit = yield* Effect.exit(users.forget(acme.operator, ada.user.id))
        assert.isTrue(Exit.isFailure(exit))
        const after = yield* users.get(acme.operator, ada.user.id)
        assert.deepStrictEqual(
          [after.membership.status, after.membership.firstName, after.user.email, after.user.erasedAt],
          ["TERMINATED", "Ada", "ada@example.com", null]
        )
        const log = JSON.stringify(yield* TestOrganization.events(acme, ada.user.id))
        assert.include(log, "Lovelace")
        assert.include(log, "ada@example.com")
      }).pipe(Effect.provide(TestOrganization.layerWith(failingAppend("user.forgotten"))))
    )

    it.effect("the audit log of a failed change stays as it was", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const audit = yield* Audit
        const boss = yield* TestOrganization.addManager(acme)
        yield* Effect.flip(users.terminate(acme.operator, boss.user.id))
        const page = yield* audit.list(acme.operator, { page: 0, size: 20 })
        assert.deepStrictEqual(
          page.items.map((e) => e.type),
          ["user.added"]
        )
      }).pipe(Effect.provide(TestOrganization.layer))
    )
  })
})
