/** Adding members: the default role, re-adding, one identity across organizations, concurrent adds. */
import { AlreadyMember, UserResponse, Users } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as TestClock from "effect/TestClock"
import * as TestOrganization from "./TestOrganization.js"

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
})
