/** Who may call each Users use case: the permission each needs, and other organizations. */
import type { Access, Permission } from "@roster/domain"
import { Forbidden, OrganizationNotFound, type RoleId, UserId, UserNotFound, Users, randomUuid } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as DesignTable from "./DesignTable.js"
import * as TestOrganization from "./TestOrganization.js"
import * as TestUsers from "./TestUsers.js"

describe("Users", () => {
  describe("permissions", () => {
    const actions: ReadonlyArray<{
      readonly name: string
      readonly required: Permission.Permission
      readonly run: (users: Users, access: Access, userId: UserId, roleId: RoleId) => Effect.Effect<unknown, unknown>
    }> = [
      { name: "list", required: "can_view_users", run: (u, a) => u.list(a, { page: 0, size: 20 }) },
      { name: "get", required: "can_view_users", run: (u, a, id) => u.get(a, id) },
      { name: "add", required: "can_manage_users", run: (u, a) => u.add(a, { email: "new@example.com" }) },
      ...DesignTable.operations.map((operation) => ({
        name: operation,
        required: (operation === "resetMfa" ? "can_reset_2fa" : "can_manage_users") as Permission.Permission,
        run: (u: Users, a: Access, id: UserId, roleId: RoleId) => TestUsers.perform(u, a, id, operation, roleId)
      }))
    ]

    for (const { name, required, run } of actions) {
      it.effect(`${name} without ${required} is Forbidden and changes nothing`, () =>
        Effect.gen(function* () {
          const acme = yield* TestOrganization.make()
          const users = yield* Users
          const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
          // Everything else, so that only the one missing permission can be the reason.
          const others = TestUsers.allPermissions.filter(
            (p) => p !== required && !(required === "can_view_users" && p === "can_manage_users")
          )
          const before = yield* TestOrganization.events(acme)
          const error = yield* Effect.flip(run(users, acme.token(others), ada.user.id, acme.member.id))
          assert.deepStrictEqual(error, new Forbidden({ required }))
          assert.deepStrictEqual(yield* TestOrganization.events(acme), before)
          // The same call with the permission goes through the check.
          const allowed = yield* Effect.either(run(users, acme.token([required]), ada.user.id, acme.member.id))
          if (Either.isLeft(allowed)) assert.notInstanceOf(allowed.left, Forbidden)
        }).pipe(Effect.provide(TestOrganization.layer))
      )

      it.effect(`${name} by a token of another organization is OrganizationNotFound, never Forbidden`, () =>
        Effect.gen(function* () {
          const acme = yield* TestOrganization.make("Acme")
          const globex = yield* TestOrganization.make("Globex")
          const users = yield* Users
          const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
          for (const permissions of [TestUsers.allPermissions, []]) {
            const intruder = TestOrganization.tokenAccess(globex.id, permissions, acme.id)
            const error = yield* Effect.flip(run(users, intruder, ada.user.id, acme.member.id))
            assert.deepStrictEqual(error, new OrganizationNotFound({ organization: acme.id }))
          }
        }).pipe(Effect.provide(TestOrganization.layer))
      )
    }

    it.effect("a member of another organization is not found from here", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make("Acme")
        const globex = yield* TestOrganization.make("Globex")
        const users = yield* Users
        const grace = yield* TestOrganization.add(globex, { email: "grace@example.com" })
        const access = acme.token(TestUsers.allPermissions)
        assert.deepStrictEqual(
          yield* Effect.flip(users.get(access, grace.user.id)),
          new UserNotFound({ userId: grace.user.id })
        )
        assert.deepStrictEqual(
          yield* Effect.flip(users.terminate(access, grace.user.id)),
          new UserNotFound({ userId: grace.user.id })
        )
        const missing = UserId.make(randomUuid())
        assert.strictEqual((yield* Effect.flip(users.forget(access, missing)))._tag, "UserNotFound")
        assert.strictEqual(yield* TestUsers.statusOf(users, globex.operator, grace.user.id), "ACTIVE")
      }).pipe(Effect.provide(TestOrganization.layer))
    )
  })
})
