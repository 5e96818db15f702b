/** Changing a member's profile and role, and the role a reinstated member gets. */
import type { Member } from "@roster/domain"
import {
  RoleEscalation,
  RoleId,
  RoleNotFound,
  UserInput,
  UserResponse,
  Users,
  Validation,
  randomUuid
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestOrganization from "./TestOrganization.js"
import * as TestUsers from "./TestUsers.js"

describe("Users", () => {
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

  describe("a change that changes nothing", () => {
    it.effect("the same role, or the profile as it is, writes and records nothing, and answers the member", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com", firstName: "Ada", title: "CTO" })
        const id = ada.user.id
        const before = yield* users.get(acme.operator, id)
        const eventsBefore = yield* TestOrganization.events(acme, id)

        assert.deepStrictEqual(yield* users.changeRole(acme.operator, id, { roleId: acme.member.id }), before)
        assert.deepStrictEqual(
          yield* users.updateProfile(acme.operator, id, { firstName: "Ada", title: "CTO" }),
          before
        )
        assert.deepStrictEqual(yield* users.updateProfile(acme.operator, id, {}), before)
        assert.deepStrictEqual(yield* users.updateProfile(acme.operator, id, { lastName: null }), before)
        assert.deepStrictEqual(yield* users.get(acme.operator, id), before)
        assert.deepStrictEqual(yield* TestOrganization.events(acme, id), eventsBefore)

        // A change that does change something still does, once.
        yield* users.updateProfile(acme.operator, id, { title: "CEO" })
        const after = yield* TestOrganization.events(acme, id)
        assert.deepStrictEqual(
          after.filter((event) => !eventsBefore.some((old) => old.id === event.id)).map((event) => event.type),
          ["user.profile_updated"]
        )
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("a second factor reset still acts on a member it leaves as they are", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        const ada = yield* TestOrganization.add(acme, { email: "ada@example.com" })
        const eventsBefore = yield* TestOrganization.events(acme, ada.user.id)
        yield* users.resetMfa(acme.operator, ada.user.id)
        assert.strictEqual((yield* TestOrganization.events(acme, ada.user.id)).length, eventsBefore.length + 1)
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
        assert.strictEqual(yield* TestUsers.statusOf(users, manager, ada.user.id), "TERMINATED")
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
        assert.strictEqual(yield* TestUsers.statusOf(users, acme.operator, ada.user.id), "TERMINATED")
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
})
