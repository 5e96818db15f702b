import { InvalidTransition, Lifecycle, MembershipStatus } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as DesignTable from "./DesignTable.js"

describe("Lifecycle", () => {
  it("knows exactly the statuses and operations of the design", () => {
    assert.deepStrictEqual([...MembershipStatus.all], [...DesignTable.statuses])
    assert.deepStrictEqual([...Lifecycle.operations], [...DesignTable.operations])
  })

  it("has 45 cells, 18 of them allowed", () => {
    assert.strictEqual(DesignTable.cells.length, 45)
    assert.strictEqual(DesignTable.cells.filter((cell) => cell.to !== null).length, 18)
  })

  describe.each(DesignTable.statuses)("from %s", (from) => {
    for (const operation of DesignTable.operations) {
      const to = DesignTable.expected(from, operation)
      if (to === null) {
        it(`${operation} is refused with InvalidTransition`, () => {
          const result = Lifecycle.transition(from, operation)
          assert.isTrue(Either.isLeft(result))
          const error = Either.getOrThrow(Either.flip(result))
          assert.instanceOf(error, InvalidTransition)
          assert.strictEqual(error._tag, "InvalidTransition")
          assert.strictEqual(error.from, from)
          assert.strictEqual(error.operation, operation)
          assert.strictEqual(
            error.message,
            `Cannot ${DesignTable.operationWords[operation]} a user whose status is ${from}`
          )
          assert.isFalse(Lifecycle.allows(from, operation))
          assert.isNull(Lifecycle.table[from][operation])
        })
      } else {
        it(`${operation} → ${to}`, () => {
          assert.deepStrictEqual(Lifecycle.transition(from, operation), Either.right(to))
          assert.isTrue(Lifecycle.allows(from, operation))
          assert.strictEqual(Lifecycle.table[from][operation], to)
        })
      }
    }
  })

  it("fails as a typed error inside an Effect", () =>
    Effect.runSync(
      Effect.gen(function* () {
        const error = yield* Effect.flip(Lifecycle.transition("FORGOTTEN", "reinstate"))
        assert.deepStrictEqual(error, new InvalidTransition({ from: "FORGOTTEN", operation: "reinstate" }))
      })
    ))

  it("encodes InvalidTransition as data an adapter can show", () => {
    const error = Either.getOrThrow(Either.flip(Lifecycle.transition("REMOVED", "resetMfa")))
    assert.deepStrictEqual(Schema.encodeSync(InvalidTransition)(error), {
      _tag: "InvalidTransition",
      from: "REMOVED",
      operation: "resetMfa"
    })
    assert.strictEqual(error.message, "Cannot reset MFA for a user whose status is REMOVED")
  })

  describe("properties", () => {
    it.prop(
      "transition is total and agrees with allows",
      [MembershipStatus.MembershipStatus, Lifecycle.Operation],
      ([from, operation]) => {
        const result = Lifecycle.transition(from, operation)
        assert.strictEqual(Either.isRight(result), Lifecycle.allows(from, operation))
        Either.match(result, {
          onLeft: (error) => assert.deepStrictEqual([error.from, error.operation], [from, operation]),
          onRight: (to) => assert.include(MembershipStatus.all, to)
        })
      }
    )

    it.prop("FORGOTTEN is terminal", [Lifecycle.Operation], ([operation]) => {
      assert.isTrue(Either.isLeft(Lifecycle.transition("FORGOTTEN", operation)))
    })

    it.prop("REMOVED only goes to FORGOTTEN", [Lifecycle.Operation], ([operation]) => {
      const result = Lifecycle.transition("REMOVED", operation)
      if (operation === "forget") assert.deepStrictEqual(result, Either.right("FORGOTTEN"))
      else assert.isTrue(Either.isLeft(result))
    })

    it.prop(
      "only deactivate, activate, terminate, reinstate, remove and forget change the status",
      [MembershipStatus.MembershipStatus, Lifecycle.Operation],
      ([from, operation]) => {
        const to = Lifecycle.table[from][operation]
        if (operation === "updateProfile" || operation === "changeRole" || operation === "resetMfa") {
          assert.isTrue(to === null || to === from)
        } else {
          assert.notStrictEqual(to, from)
        }
      }
    )

    // A membership's whole life: whatever is tried, refused steps change nothing, and once it is
    // REMOVED or FORGOTTEN it never comes back.
    it.effect.prop(
      "a random life never leaves REMOVED except to FORGOTTEN, nor FORGOTTEN at all",
      [MembershipStatus.InitialStatus, Schema.Array(Lifecycle.Operation)],
      ([initial, attempts]) =>
        Effect.gen(function* () {
          let status: MembershipStatus.MembershipStatus = initial
          for (const operation of attempts) {
            const from: MembershipStatus.MembershipStatus = status
            const result: Either.Either<MembershipStatus.MembershipStatus, InvalidTransition> = yield* Effect.either(
              Lifecycle.transition(from, operation)
            )
            const next: MembershipStatus.MembershipStatus = Either.getOrElse(result, () => from)
            assert.strictEqual(Either.isLeft(result), DesignTable.expected(from, operation) === null)
            if (from === "REMOVED") assert.include(["REMOVED", "FORGOTTEN"], next)
            if (from === "FORGOTTEN") assert.strictEqual(next, "FORGOTTEN")
            status = next
          }
        })
    )
  })
})
