/** Forgetting a member: what is erased, and when the identity itself goes. */
import { AlreadyMember, UserRepository, Users } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as TestOrganization from "./TestOrganization.js"
import * as TestUsers from "./TestUsers.js"

describe("Users", () => {
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
        assert.strictEqual(yield* TestUsers.statusOf(users, acme.operator, id), "FORGOTTEN")
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
})
