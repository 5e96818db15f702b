import type { Access, Lifecycle, Member, MembershipStatus, Permission } from "@roster/domain"
import {
  AlreadyMember,
  Audit,
  Forbidden,
  InvalidTransition,
  LastManager,
  OrganizationNotFound,
  RoleEscalation,
  RoleId,
  RoleNotFound,
  UserId,
  UserInput,
  UserNotFound,
  UserRepository,
  UserResponse,
  Users,
  Validation,
  randomUuid
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as DesignTable from "./DesignTable.js"
import * as TestOrganization from "./TestOrganization.js"

const allPermissions: ReadonlyArray<Permission.Permission> = [
  "can_view_users",
  "can_manage_users",
  "can_reset_2fa",
  "can_manage_roles",
  "can_manage_tokens",
  "can_view_audit"
]

/** Runs one use case by its operation name, with the input that operation takes. */
const perform = (
  users: Users,
  access: Access,
  userId: UserId,
  operation: Lifecycle.Operation,
  roleId: RoleId
): Effect.Effect<Member.Member, unknown> => {
  switch (operation) {
    case "updateProfile":
      return users.updateProfile(access, userId, { title: "Engineer" })
    case "changeRole":
      return users.changeRole(access, userId, { roleId })
    case "reinstate":
      return users.reinstate(access, userId, { roleId })
    case "remove":
      return users.remove(access, userId, { reason: "left the company" })
    default:
      return users[operation](access, userId)
  }
}

/** Moves a fresh ACTIVE member into `status` through the use cases. */
const bringTo = (users: Users, access: Access, userId: UserId, status: MembershipStatus.MembershipStatus) =>
  Effect.gen(function* () {
    if (status === "INACTIVE") yield* users.deactivate(access, userId)
    if (status === "TERMINATED" || status === "FORGOTTEN") yield* users.terminate(access, userId)
    if (status === "REMOVED") yield* users.remove(access, userId, { reason: "moved on" })
    if (status === "FORGOTTEN") yield* users.forget(access, userId)
  })

const statusOf = (users: Users, access: Access, userId: UserId) =>
  users.get(access, userId).pipe(Effect.map((member) => member.membership.status))

describe("Users", () => {
  describe("add", () => {
    it.effect("adds an ACTIVE member with the default role (Member) and records who did it", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const access = acme.token(["can_manage_users"])
        const added = yield* users.add(access, { email: "Ada@Example.com", firstName: "Ada", lastName: "Lovelace" })
        assert.strictEqual(added.user.email, "Ada@Example.com")
        assert.strictEqual(added.membership.status, "ACTIVE")
        assert.strictEqual(added.membership.roleId, acme.member.id)
        assert.strictEqual(added.role.name, "Member")
        assert.strictEqual(added.membership.organizationId, acme.id)
        assert.deepStrictEqual(
          [added.membership.firstName, added.membership.lastName, added.membership.title],
          ["Ada", "Lovelace", null]
        )
        const response = UserResponse.fromMember(added)
        assert.strictEqual(response.roleId, response.profile.roleId)

        const fetched = yield* users.get(access, added.user.id)
        assert.deepStrictEqual(fetched, added)

        const [event, ...others] = yield* TestOrganization.events(acme, added.user.id)
        assert.strictEqual(others.length, 0)
        assert.strictEqual(event!.type, "user.added")
        assert.deepStrictEqual(event!.actor, {
          type: "token",
          id: access.actor._tag === "Token" ? access.actor.tokenId : ""
        })
        assert.isNull(event!.before)
        assert.deepStrictEqual(event!.after, {
          email: "Ada@Example.com",
          status: "ACTIVE",
          roleId: acme.member.id,
          firstName: "Ada",
          lastName: "Lovelace",
          title: null
        })
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("adds with an explicit role, and INACTIVE when asked", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const added = yield* users.add(acme.operator, {
          email: "grace@example.com",
          roleId: acme.support.id,
          status: "INACTIVE",
          title: "Rear Admiral"
        })
        assert.strictEqual(added.membership.status, "INACTIVE")
        assert.strictEqual(added.role.id, acme.support.id)
        assert.strictEqual(added.membership.title, "Rear Admiral")
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("refuses an email that is already a member, case-insensitively, whatever its status but REMOVED", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        yield* TestOrganization.addManager(acme)
        const users = yield* Users
        const ada = yield* users.add(acme.operator, { email: "ada@example.com" })
        for (const status of ["ACTIVE", "INACTIVE", "TERMINATED"] as const) {
          if (status === "INACTIVE") yield* users.deactivate(acme.operator, ada.user.id)
          if (status === "TERMINATED") yield* users.terminate(acme.operator, ada.user.id)
          const error = yield* Effect.flip(
            users.add(acme.operator, { email: "ADA@Example.COM", firstName: "Imposter" })
          )
          assert.deepStrictEqual(error, new AlreadyMember({ email: "ada@example.com", userId: ada.user.id, status }))
          assert.strictEqual(
            error.message,
            `ada@example.com is already a member of this organization (user ${ada.user.id}, status ${status})`
          )
        }
        const page = yield* users.list(acme.operator, { page: 0, size: 20, q: "ada" })
        assert.strictEqual(page.total, 1)
        assert.isNull(page.items[0]!.membership.firstName)
        assert.lengthOf(yield* TestOrganization.events(acme, ada.user.id), 3)
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("re-adding a REMOVED member starts the same membership again, with new details", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        yield* TestOrganization.addManager(acme)
        const users = yield* Users
        const first = yield* users.add(acme.operator, { email: "ada@example.com", firstName: "Ada", title: "Analyst" })
        yield* users.remove(acme.operator, first.user.id, { reason: "contract ended" })
        yield* TestClock.adjust("1 hour")

        const again = yield* users.add(acme.operator, {
          email: "Ada@example.com",
          lastName: "Byron",
          roleId: acme.support.id,
          status: "INACTIVE"
        })
        assert.strictEqual(again.user.id, first.user.id)
        assert.strictEqual(again.membership.id, first.membership.id)
        assert.strictEqual(again.membership.status, "INACTIVE")
        assert.strictEqual(again.membership.roleId, acme.support.id)
        assert.deepStrictEqual(
          [again.membership.firstName, again.membership.lastName, again.membership.title],
          [null, "Byron", null]
        )
        assert.strictEqual(again.membership.updatedAt.getTime(), 3_600_000)

        const [event] = yield* TestOrganization.events(acme, first.user.id)
        assert.strictEqual(event!.type, "user.readded")
        assert.strictEqual(event!.before!.status, "REMOVED")
        assert.strictEqual(event!.after!.status, "INACTIVE")
        assert.strictEqual(event!.after!.email, "ada@example.com")

        const listed = yield* users.list(acme.operator, { page: 0, size: 20 })
        assert.deepStrictEqual(listed.items.map((m) => m.user.email).sort(), ["ada@example.com", "boss@example.com"])
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("an email that is a user elsewhere joins with the same identity and its own profile", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make("Acme")
        const globex = yield* TestOrganization.make("Globex")
        const users = yield* Users
        const inAcme = yield* users.add(acme.operator, { email: "ada@example.com", firstName: "Ada" })
        const inGlobex = yield* users.add(globex.operator, { email: "ADA@EXAMPLE.COM", firstName: "Augusta" })
        assert.strictEqual(inGlobex.user.id, inAcme.user.id)
        assert.strictEqual(inGlobex.user.email, "ada@example.com")
        assert.notStrictEqual(inGlobex.membership.id, inAcme.membership.id)
        assert.strictEqual(inGlobex.membership.roleId, globex.member.id)
        assert.strictEqual((yield* users.get(acme.operator, inAcme.user.id)).membership.firstName, "Ada")
        assert.strictEqual((yield* users.get(globex.operator, inAcme.user.id)).membership.firstName, "Augusta")
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("two concurrent adds of one email: one member, one AlreadyMember", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const results = yield* Effect.all(
          [
            Effect.either(users.add(acme.operator, { email: "ada@example.com" })),
            Effect.either(users.add(acme.operator, { email: "Ada@Example.com" }))
          ],
          { concurrency: "unbounded" }
        )
        assert.strictEqual(results.filter(Either.isRight).length, 1)
        assert.strictEqual(Either.getOrThrow(Either.flip(results.find(Either.isLeft)!))._tag, "AlreadyMember")
        assert.strictEqual((yield* users.list(acme.operator, { page: 0, size: 20 })).total, 1)
      }).pipe(Effect.provide(TestOrganization.layer))
    )
  })

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
            yield* bringTo(users, acme.operator, ada.user.id, from)
            const before = yield* users.get(acme.operator, ada.user.id)
            const eventsBefore = (yield* TestOrganization.events(acme)).length

            const result = yield* Effect.either(perform(users, acme.operator, ada.user.id, operation, acme.member.id))

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

  describe("update profile", () => {
    it.effect("an absent field stays, null clears, a value replaces", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, {
          email: "ada@example.com",
          firstName: "Ada",
          lastName: "Lovelace",
          title: "Analyst"
        })
        const id = ada.user.id
        const profile = (m: Member.Member) => [m.membership.firstName, m.membership.lastName, m.membership.title]

        assert.deepStrictEqual(profile(yield* users.updateProfile(acme.operator, id, {})), [
          "Ada",
          "Lovelace",
          "Analyst"
        ])
        assert.deepStrictEqual(profile(yield* users.updateProfile(acme.operator, id, { title: "Countess" })), [
          "Ada",
          "Lovelace",
          "Countess"
        ])
        assert.deepStrictEqual(profile(yield* users.updateProfile(acme.operator, id, { lastName: null })), [
          "Ada",
          null,
          "Countess"
        ])
        assert.deepStrictEqual(profile(yield* users.get(acme.operator, id)), ["Ada", null, "Countess"])
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("a field given as undefined counts as absent, as a decoded body or CLI options give it", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, {
          email: "ada@example.com",
          firstName: "Ada",
          lastName: "Lovelace"
        })
        const input: UserInput.UpdateProfile = yield* Validation.decode(UserInput.UpdateProfile)({
          firstName: undefined,
          lastName: null
        })
        const updated = yield* users.updateProfile(acme.operator, ada.user.id, input)
        assert.strictEqual(updated.membership.firstName, "Ada")
        assert.isNull(updated.membership.lastName)
        assert.strictEqual((yield* users.get(acme.operator, ada.user.id)).membership.firstName, "Ada")
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("records the profile before and after", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com", firstName: "Ada" })
        yield* users.updateProfile(acme.operator, ada.user.id, { firstName: "Augusta", title: "Countess" })
        const [event] = yield* TestOrganization.events(acme, ada.user.id)
        assert.strictEqual(event!.type, "user.profile_updated")
        assert.strictEqual(event!.before!.firstName, "Ada")
        assert.deepStrictEqual([event!.after!.firstName, event!.after!.title], ["Augusta", "Countess"])
      }).pipe(Effect.provide(TestOrganization.layer))
    )
  })

  describe("change role and reinstate", () => {
    it.effect("changes the role; the member's responses follow", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
        const changed = yield* users.changeRole(acme.operator, ada.user.id, { roleId: acme.support.id })
        assert.strictEqual(changed.role.id, acme.support.id)
        assert.strictEqual(changed.membership.roleId, acme.support.id)
        assert.strictEqual(
          UserResponse.fromMember(yield* users.get(acme.operator, ada.user.id)).roleId,
          acme.support.id
        )
        const [event] = yield* TestOrganization.events(acme, ada.user.id)
        assert.strictEqual(event!.type, "user.role_changed")
        assert.deepStrictEqual([event!.before!.roleId, event!.after!.roleId], [acme.member.id, acme.support.id])
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("a token cannot give a role with permissions it lacks (RoleEscalation), but can give what it holds", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        yield* TestOrganization.addManager(acme)
        const users = yield* Users
        const manager = acme.token(["can_manage_users"])
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })

        const toAdmin = yield* Effect.flip(users.changeRole(manager, ada.user.id, { roleId: acme.admin.id }))
        assert.deepStrictEqual(
          toAdmin,
          new RoleEscalation({ missing: ["can_reset_2fa", "can_manage_roles", "can_manage_tokens", "can_view_audit"] })
        )
        const toSupport = yield* Effect.flip(users.changeRole(manager, ada.user.id, { roleId: acme.support.id }))
        assert.deepStrictEqual(toSupport, new RoleEscalation({ missing: ["can_reset_2fa"] }))
        assert.strictEqual((yield* users.get(manager, ada.user.id)).membership.roleId, acme.member.id)

        // can_manage_users implies can_view_users, so Member and Manager are within reach.
        yield* users.changeRole(manager, ada.user.id, { roleId: acme.manager.id })
        yield* users.changeRole(manager, ada.user.id, { roleId: acme.member.id })

        yield* users.terminate(manager, ada.user.id)
        const reinstated = yield* Effect.flip(users.reinstate(manager, ada.user.id, { roleId: acme.admin.id }))
        assert.strictEqual(reinstated._tag, "RoleEscalation")
        assert.strictEqual(yield* statusOf(users, manager, ada.user.id), "TERMINATED")
        const back = yield* users.reinstate(manager, ada.user.id, { roleId: acme.manager.id })
        assert.strictEqual(back.membership.status, "ACTIVE")
        assert.strictEqual(back.membership.roleId, acme.manager.id)

        const added = yield* Effect.flip(users.add(manager, { email: "eve@example.com", roleId: acme.admin.id }))
        assert.strictEqual(added._tag, "RoleEscalation")
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("a role of another organization, or no role at all, is RoleNotFound", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make("Acme")
        const globex = yield* TestOrganization.make("Globex")
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
        const unknown = RoleId.make(randomUuid())
        for (const roleId of [globex.admin.id, globex.member.id, unknown]) {
          assert.deepStrictEqual(
            yield* Effect.flip(users.changeRole(acme.operator, ada.user.id, { roleId })),
            new RoleNotFound({ roleId })
          )
          assert.deepStrictEqual(
            yield* Effect.flip(users.add(acme.operator, { email: "eve@example.com", roleId })),
            new RoleNotFound({ roleId })
          )
        }
        yield* users.terminate(acme.operator, ada.user.id)
        assert.deepStrictEqual(
          yield* Effect.flip(users.reinstate(acme.operator, ada.user.id, { roleId: globex.member.id })),
          new RoleNotFound({ roleId: globex.member.id })
        )
        assert.strictEqual(yield* statusOf(users, acme.operator, ada.user.id), "TERMINATED")
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("reinstate gives the member the role asked for", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com", roleId: acme.support.id })
        yield* users.terminate(acme.operator, ada.user.id)
        const back = yield* users.reinstate(acme.operator, ada.user.id, { roleId: acme.admin.id })
        assert.strictEqual(back.membership.status, "ACTIVE")
        assert.strictEqual(back.role.id, acme.admin.id)
      }).pipe(Effect.provide(TestOrganization.layer))
    )
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

          for (const access of [acme.operator, acme.token(allPermissions)]) {
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
        assert.strictEqual(yield* statusOf(users, acme.operator, ada.user.id), "TERMINATED")
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
      transactor: { transaction: () => (effect) => effect }
    })

    const terminateBothManagers = Effect.gen(function* () {
      const acme = yield* TestOrganization.make()
      const users = yield* Users
      const a = yield* TestOrganization.addManager(acme, "a@example.com")
      const b = yield* TestOrganization.add(acme, { email: "b@example.com", roleId: acme.manager.id })
      const results = yield* Effect.all(
        [
          Effect.either(users.terminate(acme.operator, a.user.id)),
          Effect.either(users.terminate(acme.token(allPermissions), b.user.id))
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

  describe("forget", () => {
    it.effect("clears the names and title; the identity stays while another membership is not forgotten", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make("Acme")
        const globex = yield* TestOrganization.make("Globex")
        const users = yield* Users
        const inAcme = yield* TestOrganization.add(acme, {
          email: "ada@example.com",
          firstName: "Ada",
          lastName: "Lovelace",
          title: "Analyst"
        })
        yield* users.updateProfile(acme.operator, inAcme.user.id, { title: "Chief Analyst" })
        yield* TestOrganization.add(globex, { email: "ada@example.com", firstName: "Augusta", lastName: "King" })
        const id = inAcme.user.id
        yield* users.terminate(acme.operator, id)

        const forgotten = yield* users.forget(acme.operator, id)
        assert.strictEqual(forgotten.membership.status, "FORGOTTEN")
        assert.deepStrictEqual(
          [forgotten.membership.firstName, forgotten.membership.lastName, forgotten.membership.title],
          [null, null, null]
        )
        assert.strictEqual(forgotten.user.email, "ada@example.com")
        assert.isNull(forgotten.user.erasedAt)

        const acmeLog = JSON.stringify(yield* TestOrganization.events(acme, id))
        for (const personal of ["Ada", "Lovelace", "Analyst"]) assert.notInclude(acmeLog, personal)
        // The email is the identity's, still in use by Globex.
        assert.include(acmeLog, "ada@example.com")
        const globexLog = JSON.stringify(yield* TestOrganization.events(globex, id))
        assert.include(globexLog, "Augusta")

        const [event] = yield* TestOrganization.events(acme, id)
        assert.strictEqual(event!.type, "user.forgotten")
        assert.deepStrictEqual(event!.before, { status: "TERMINATED", roleId: acme.member.id })

        const still = yield* users.get(globex.operator, id)
        assert.deepStrictEqual([still.membership.firstName, still.membership.status], ["Augusta", "ACTIVE"])
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("tombstones the identity and erases it from every event once no membership is left", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make("Acme")
        const globex = yield* TestOrganization.make("Globex")
        const users = yield* Users
        const userRepository = yield* UserRepository
        const ada = yield* TestOrganization.add(acme, {
          email: "Ada@Example.com",
          firstName: "Ada",
          lastName: "Lovelace"
        })
        yield* TestOrganization.add(globex, { email: "ada@example.com", firstName: "Augusta", title: "Countess" })
        const id = ada.user.id
        yield* userRepository.update({
          ...ada.user,
          idpId: "idp|ada",
          mfaEnrolledAt: new Date(0),
          lastSignedInAt: new Date(0)
        })
        yield* users.remove(acme.operator, id, { reason: "left" })
        yield* users.forget(acme.operator, id)
        yield* TestClock.adjust("1 day")
        yield* users.terminate(globex.operator, id)
        const erased = yield* users.forget(globex.operator, id)

        assert.strictEqual(erased.user.id, id)
        assert.strictEqual(erased.user.email, `forgotten-${id}@erased.invalid`)
        assert.deepStrictEqual(
          [erased.user.idpId, erased.user.mfaEnrolledAt, erased.user.lastSignedInAt, erased.user.erasedAt?.getTime()],
          [null, null, null, 86_400_000]
        )
        assert.strictEqual((yield* users.get(acme.operator, id)).user.email, `forgotten-${id}@erased.invalid`)
        assert.isTrue(Option.isNone(yield* userRepository.findByEmail("ada@example.com")))

        for (const organization of [acme, globex]) {
          const log = JSON.stringify(yield* TestOrganization.events(organization, id))
          for (const personal of ["Ada", "Lovelace", "Augusta", "Countess", "ada@example.com", "Ada@Example.com"]) {
            assert.notInclude(log, personal)
          }
        }

        // The address is free again: adding it makes a new identity.
        const newcomer = yield* TestOrganization.add(acme, { email: "ada@example.com" })
        assert.notStrictEqual(newcomer.user.id, id)
        assert.strictEqual(yield* statusOf(users, acme.operator, id), "FORGOTTEN")
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("a FORGOTTEN member whose identity lives on elsewhere cannot be added again here", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make("Acme")
        const globex = yield* TestOrganization.make("Globex")
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
        yield* TestOrganization.add(globex, { email: "ada@example.com" })
        yield* users.terminate(acme.operator, ada.user.id)
        yield* users.forget(acme.operator, ada.user.id)
        const error = yield* Effect.flip(users.add(acme.operator, { email: "ada@example.com" }))
        assert.deepStrictEqual(
          error,
          new AlreadyMember({ email: "ada@example.com", userId: ada.user.id, status: "FORGOTTEN" })
        )
      }).pipe(Effect.provide(TestOrganization.layer))
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
          content: undefined
        })
        assert.deepStrictEqual(shape(yield* page(0, 2)), {
          emails: ["a@x.io", "b@x.io"],
          content: undefined,
          totalElements: 5,
          totalPages: 3,
          size: 2,
          number: 0
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
          number: 0
        })
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("leaves REMOVED and FORGOTTEN out by default; the status filter asks for any", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        for (const status of DesignTable.statuses) {
          const member = yield* TestOrganization.add(acme, { email: `${status.toLowerCase()}@example.com` })
          yield* bringTo(users, acme.operator, member.user.id, status)
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

  describe("events", () => {
    const writes: ReadonlyArray<{
      readonly operation: Lifecycle.Operation
      readonly from: MembershipStatus.MembershipStatus
      readonly type: string
    }> = [
      { operation: "updateProfile", from: "ACTIVE", type: "user.profile_updated" },
      { operation: "changeRole", from: "ACTIVE", type: "user.role_changed" },
      { operation: "deactivate", from: "ACTIVE", type: "user.deactivated" },
      { operation: "activate", from: "INACTIVE", type: "user.activated" },
      { operation: "terminate", from: "ACTIVE", type: "user.terminated" },
      { operation: "reinstate", from: "TERMINATED", type: "user.reinstated" },
      { operation: "remove", from: "ACTIVE", type: "user.removed" },
      { operation: "forget", from: "TERMINATED", type: "user.forgotten" },
      { operation: "resetMfa", from: "ACTIVE", type: "user.mfa_reset" }
    ]

    for (const { operation, from, type } of writes) {
      it.effect(`${operation} appends exactly one ${type} event with its actor`, () =>
        Effect.gen(function* () {
          const acme = yield* TestOrganization.make()
          yield* TestOrganization.addManager(acme)
          const users = yield* Users
          const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
          yield* bringTo(users, acme.operator, ada.user.id, from)
          const before = yield* TestOrganization.events(acme)
          const access = acme.token(allPermissions)

          yield* perform(users, access, ada.user.id, operation, acme.support.id)

          const after = yield* TestOrganization.events(acme)
          assert.strictEqual(after.length, before.length + 1)
          const event = after[0]!
          assert.strictEqual(event.type, type)
          assert.strictEqual(event.userId, ada.user.id)
          assert.strictEqual(event.organizationId, acme.id)
          assert.deepStrictEqual(event.actor, {
            type: "token",
            id: access.actor._tag === "Token" ? access.actor.tokenId : null
          })
          assert.strictEqual(event.before!.status, from)
          assert.strictEqual(event.reason, operation === "remove" ? "left the company" : null)
        }).pipe(Effect.provide(TestOrganization.layer))
      )
    }

    it.effect("the operator is recorded as the operator", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
        const [event] = yield* TestOrganization.events(acme, ada.user.id)
        assert.deepStrictEqual(event!.actor, { type: "operator", id: null })
      }).pipe(Effect.provide(TestOrganization.layer))
    )
  })

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
        run: (u: Users, a: Access, id: UserId, roleId: RoleId) => perform(u, a, id, operation, roleId)
      }))
    ]

    for (const { name, required, run } of actions) {
      it.effect(`${name} without ${required} is Forbidden and changes nothing`, () =>
        Effect.gen(function* () {
          const acme = yield* TestOrganization.make()
          const users = yield* Users
          const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
          // Everything else, so that only the one missing permission can be the reason.
          const others = allPermissions.filter(
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
          for (const permissions of [allPermissions, []]) {
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
        const access = acme.token(allPermissions)
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
        assert.strictEqual(yield* statusOf(users, globex.operator, grace.user.id), "ACTIVE")
      }).pipe(Effect.provide(TestOrganization.layer))
    )
  })

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
