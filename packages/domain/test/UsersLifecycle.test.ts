/** A membership's lifecycle through the use cases: every transition, the last manager, resetting MFA. */
import type { Access, MembershipStatus } from "@roster/domain"
import {
  Forbidden,
  InvalidTransition,
  LastManager,
  type RoleId,
  type UserId,
  UserRepository,
  Users
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as DesignTable from "./DesignTable.js"
import * as TestOrganization from "./TestOrganization.js"
import * as TestUsers from "./TestUsers.js"

describe("Users", () => {
  describe("the state machine through the use cases", () => {
    describe.each(DesignTable.statuses)("a %s member", (from) => {
      for (const operation of DesignTable.operations) {
        const to = DesignTable.expected(from, operation)
        it.effect(to === null ? `${operation}: InvalidTransition, nothing changes` : `${operation} → ${to}`, () =>
          Effect.gen(function* () {
            const acme = yield* TestOrganization.make()
            yield* TestOrganization.addManager(acme)
            const users = yield* Users
            const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
            yield* TestUsers.bringTo(users, acme.operator, ada.user.id, from)
            const before = yield* users.get(acme.operator, ada.user.id)
            const eventsBefore = (yield* TestOrganization.events(acme)).length

            const result = yield* Effect.either(
              // Another role than the one ada has: giving the same one changes (and records) nothing.
              TestUsers.perform(users, acme.operator, ada.user.id, operation, acme.support.id)
            )

            const after = yield* users.get(acme.operator, ada.user.id)
            const eventsAfter = yield* TestOrganization.events(acme)
            if (to === null) {
              assert.deepStrictEqual(result, Either.left(new InvalidTransition({ from, operation })))
              assert.deepStrictEqual(after, before)
              assert.strictEqual(eventsAfter.length, eventsBefore)
            } else {
              assert.isTrue(Either.isRight(result))
              assert.strictEqual(after.membership.status, to)
              assert.strictEqual(eventsAfter.length, eventsBefore + 1)
            }
          }).pipe(Effect.provide(TestOrganization.layer))
        )
      }
    })
  })

  describe("LastManager", () => {
    const demotions: ReadonlyArray<{
      readonly name: string
      readonly run: (users: Users, access: Access, userId: UserId, member: RoleId) => Effect.Effect<unknown, unknown>
      readonly leaves: MembershipStatus.MembershipStatus
      readonly toMember: boolean
    }> = [
      { name: "terminate", run: (u, a, id) => u.terminate(a, id), leaves: "TERMINATED", toMember: false },
      { name: "deactivate", run: (u, a, id) => u.deactivate(a, id), leaves: "INACTIVE", toMember: false },
      {
        name: "remove",
        run: (u, a, id) => u.remove(a, id, { reason: "restructuring" }),
        leaves: "REMOVED",
        toMember: false
      },
      {
        name: "changeRole to Member",
        run: (u, a, id, member) => u.changeRole(a, id, { roleId: member }),
        leaves: "ACTIVE",
        toMember: true
      }
    ]

    for (const { name, run, leaves, toMember } of demotions) {
      it.effect(`${name} of the last ACTIVE manager is refused, even for the operator`, () =>
        Effect.gen(function* () {
          const acme = yield* TestOrganization.make()
          const users = yield* Users
          const boss = yield* TestOrganization.addManager(acme)
          // Members who cannot manage users, and a manager who is not ACTIVE, do not count.
          yield* TestOrganization.add(acme, { email: "ada@example.com" })
          const idle = yield* TestOrganization.add(acme, { email: "idle@example.com", roleId: acme.admin.id })
          yield* users.deactivate(acme.operator, idle.user.id)
          const eventsBefore = (yield* TestOrganization.events(acme)).length

          for (const access of [acme.operator, acme.token(TestUsers.allPermissions)]) {
            const error = yield* Effect.flip(run(users, access, boss.user.id, acme.member.id))
            assert.deepStrictEqual(error, new LastManager({ userId: boss.user.id }))
            assert.include((error as LastManager).message, "last active member who can manage users")
          }
          const after = yield* users.get(acme.operator, boss.user.id)
          assert.deepStrictEqual([after.membership.status, after.membership.roleId], ["ACTIVE", acme.admin.id])
          assert.strictEqual((yield* TestOrganization.events(acme)).length, eventsBefore)
        }).pipe(Effect.provide(TestOrganization.layer))
      )

      it.effect(`${name} of a manager is allowed while another ACTIVE manager remains`, () =>
        Effect.gen(function* () {
          const acme = yield* TestOrganization.make()
          const users = yield* Users
          const boss = yield* TestOrganization.addManager(acme)
          yield* TestOrganization.add(acme, { email: "deputy@example.com", roleId: acme.manager.id })
          yield* run(users, acme.operator, boss.user.id, acme.member.id)
          const after = yield* users.get(acme.operator, boss.user.id)
          assert.deepStrictEqual(
            [after.membership.status, after.membership.roleId],
            [leaves, toMember ? acme.member.id : acme.admin.id]
          )
        }).pipe(Effect.provide(TestOrganization.layer))
      )
    }

    it.effect("the last manager may change to another role that can manage users", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const boss = yield* TestOrganization.addManager(acme)
        const changed = yield* users.changeRole(acme.operator, boss.user.id, { roleId: acme.manager.id })
        assert.strictEqual(changed.role.id, acme.manager.id)
        assert.strictEqual(
          (yield* Effect.flip(users.changeRole(acme.operator, boss.user.id, { roleId: acme.support.id })))._tag,
          "LastManager"
        )
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("an organization without managers can still change its other members", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
        yield* users.deactivate(acme.operator, ada.user.id)
        yield* users.terminate(acme.operator, ada.user.id)
        assert.strictEqual(yield* TestUsers.statusOf(users, acme.operator, ada.user.id), "TERMINATED")
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    // Counting managers lets other fibers run before the count is used, as a database round trip
    // would: without the organization's transaction serializing changes, both terminations pass.
    const racing = (ports: TestOrganization.Ports): TestOrganization.Ports => ({
      ...ports,
      members: {
        ...ports.members,
        countActiveManagers: (id) => ports.members.countActiveManagers(id).pipe(Effect.tap(() => Effect.yieldNow()))
      }
    })
    const unserialized = (ports: TestOrganization.Ports): TestOrganization.Ports => ({
      ...racing(ports),
      transactor: { transaction: () => (effect) => effect, lock: () => Effect.void }
    })

    const terminateBothManagers = Effect.gen(function* () {
      const acme = yield* TestOrganization.make()
      const users = yield* Users
      const a = yield* TestOrganization.addManager(acme, "a@example.com")
      const b = yield* TestOrganization.add(acme, { email: "b@example.com", roleId: acme.manager.id })
      const results = yield* Effect.all(
        [
          Effect.either(users.terminate(acme.operator, a.user.id)),
          Effect.either(users.terminate(acme.token(TestUsers.allPermissions), b.user.id))
        ],
        { concurrency: "unbounded" }
      )
      const active = yield* users.list(acme.operator, { page: 0, size: 20, status: ["ACTIVE"] })
      return { results, active: active.total }
    })

    const implementations = [
      ["in-memory ports", TestOrganization.layer],
      ["ports that race", TestOrganization.layerWith(racing)]
    ] as const
    for (const [name, ports] of implementations) {
      it.effect(`two managers terminated concurrently: exactly one succeeds (${name})`, () =>
        Effect.gen(function* () {
          const { results, active } = yield* terminateBothManagers.pipe(Effect.provide(ports))
          assert.strictEqual(results.filter(Either.isRight).length, 1)
          const [failure] = results.filter(Either.isLeft)
          assert.instanceOf(Either.getOrThrow(Either.flip(failure!)), LastManager)
          assert.strictEqual(active, 1)
        })
      )
    }

    it.effect("(the race above is real: without the transaction both pass and no manager is left)", () =>
      Effect.gen(function* () {
        const { results, active } = yield* terminateBothManagers.pipe(
          Effect.provide(TestOrganization.layerWith(unserialized))
        )
        assert.strictEqual(results.filter(Either.isRight).length, 2)
        assert.strictEqual(active, 0)
      })
    )
  })

  describe("reset MFA", () => {
    it.effect("clears the user's MFA enrolment and keeps the membership as it is", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const userRepository = yield* UserRepository
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com", firstName: "Ada" })
        yield* userRepository.update({ ...ada.user, mfaEnrolledAt: new Date(1_000) })
        assert.strictEqual((yield* users.get(acme.operator, ada.user.id)).user.mfaEnrolledAt?.getTime(), 1_000)

        const support = acme.token(["can_reset_2fa"])
        const reset = yield* users.resetMfa(support, ada.user.id)
        assert.isNull(reset.user.mfaEnrolledAt)
        assert.deepStrictEqual([reset.membership.status, reset.membership.firstName], ["ACTIVE", "Ada"])
        const stored = yield* userRepository.findByEmail("ada@example.com")
        assert.isNull(Option.getOrThrow(stored).mfaEnrolledAt)
        const [event] = yield* TestOrganization.events(acme, ada.user.id)
        assert.strictEqual(event!.type, "user.mfa_reset")

        const manager = acme.token(["can_manage_users"])
        assert.deepStrictEqual(
          yield* Effect.flip(users.resetMfa(manager, ada.user.id)),
          new Forbidden({ required: "can_reset_2fa" })
        )
      }).pipe(Effect.provide(TestOrganization.layer))
    )
  })
})
