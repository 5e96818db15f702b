/** The audit events each change to a member records. */
import type { Lifecycle, MembershipStatus } from "@roster/domain"
import { Users } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestOrganization from "./TestOrganization.js"
import * as TestUsers from "./TestUsers.js"

describe("Users", () => {
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
          yield* TestUsers.bringTo(users, acme.operator, ada.user.id, from)
          const before = yield* TestOrganization.events(acme)
          const access = acme.token(TestUsers.allPermissions)

          yield* TestUsers.perform(users, access, ada.user.id, operation, acme.support.id)

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
})
