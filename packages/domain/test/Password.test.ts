import { Password, ValidationFailed } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

describe("Password", () => {
  it("is 8 to 64 characters, counted as people count them", () => {
    const valid = Schema.is(Password.Password)
    assert.isFalse(valid("1234567"))
    assert.isTrue(valid("12345678"))
    assert.isTrue(valid("x".repeat(64)))
    assert.isFalse(valid("x".repeat(65)))
    // Eight emoji are eight characters (sixteen UTF-16 units).
    assert.isTrue(valid("🔑".repeat(8)))
    assert.isTrue(valid("🔑".repeat(64)))
    assert.isFalse(valid("🔑".repeat(65)))
  })

  it.effect("check refuses the account's email, case-insensitively, naming the field", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(
        yield* Effect.flip(Password.check("ADA@example.com", " ada@Example.com ")),
        ValidationFailed.single("password", "must not be your email address")
      )
      assert.deepStrictEqual(
        yield* Effect.flip(Password.check("short", "ada@example.com", "newPassword")),
        ValidationFailed.single("newPassword", "must be 8 to 64 characters")
      )
      yield* Password.check("ada@example.com!", "ada@example.com")
      // Spaces around it, and another Unicode form of the same text, are still the email.
      for (const disguised of [" ada@example.com ", "ＡＤＡ@example.com", "ada@example.com\t"]) {
        assert.deepStrictEqual(
          yield* Effect.flip(Password.check(disguised, "ada@example.com")),
          ValidationFailed.single("password", "must not be your email address")
        )
      }
    })
  )

  it.effect("check refuses a password of spaces only; spaces inside a password are fine", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(
        yield* Effect.flip(Password.check(" ".repeat(9), "ada@example.com")),
        ValidationFailed.single("password", "must not be only spaces")
      )
      yield* Password.check("  correct horse  ", "ada@example.com")
    })
  )

  it("problem is null for a good password, and never repeats the password", () => {
    assert.isNull(Password.problem("correct horse", "ada@example.com"))
    const problem = Password.problem("tiny", "ada@example.com")
    assert.isString(problem)
    assert.notInclude(problem!, "tiny")
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Password.Password)(42)))
  })
})
