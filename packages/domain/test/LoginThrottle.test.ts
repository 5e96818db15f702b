import { LoginThrottle } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"

const minute = 60_000
const at = (minutes: number) => new Date(minutes * minute)

/** The state after failures at these minutes. */
const failuresAt = (...minutes: ReadonlyArray<number>) =>
  minutes.reduce<Option.Option<LoginThrottle.LoginThrottle>>(
    (state, m) => Option.some(LoginThrottle.recordFailure(state, "ada@example.com", at(m))),
    Option.none()
  )

/** A digest that shows what it was given, to check what is digested. */
const shown: LoginThrottle.Digest = (text) => `digest(${text})`

describe("LoginThrottle", () => {
  it("keys emails trimmed and lowercased, as digests", () => {
    assert.strictEqual(LoginThrottle.key(shown, "  Ada@Example.COM "), "digest(email:ada@example.com)")
  })

  it("lowers case as the database does: one character at a time, İ to a plain i", () => {
    assert.strictEqual(LoginThrottle.key(shown, "KİM@example.com"), "digest(email:kim@example.com)")
    assert.strictEqual(LoginThrottle.key(shown, "ΟΔΟΣ@example.com"), "digest(email:οδοσ@example.com)")
    assert.strictEqual(LoginThrottle.key(shown, "Jose\u0301@Example.com"), "digest(email:jos\u00e9@example.com)")
  })

  it("keys an attempt by the account its email finds, however the email was typed", () => {
    const account = Option.some({ id: "6f1c2f0e-2a1b-4c3d-8e9f-0a1b2c3d4e5f" })
    assert.strictEqual(
      LoginThrottle.keyFor(shown, "KİM@example.com", account),
      "digest(user:6f1c2f0e-2a1b-4c3d-8e9f-0a1b2c3d4e5f)"
    )
    assert.strictEqual(
      LoginThrottle.keyFor(shown, " Nobody@Example.com", Option.none()),
      "digest(email:nobody@example.com)"
    )
    // Typed as an email, an account's own key is just an unknown email: it cannot lock that account.
    assert.strictEqual(
      LoginThrottle.keyFor(shown, "user:6f1c2f0e-2a1b-4c3d-8e9f-0a1b2c3d4e5f", Option.none()),
      "digest(email:user:6f1c2f0e-2a1b-4c3d-8e9f-0a1b2c3d4e5f)"
    )
  })

  it("keys are only ever the digest's output: nothing of the email or the id in clear", () => {
    const opaque: LoginThrottle.Digest = (text) => `d${text.length}`
    assert.strictEqual(LoginThrottle.key(opaque, "ada@example.com"), "d21")
    assert.strictEqual(LoginThrottle.accountKey(opaque, "6f1c2f0e-2a1b-4c3d-8e9f-0a1b2c3d4e5f"), "d41")
  })

  it("four failures leave sign-in open; the fifth locks it for 15 minutes from then", () => {
    assert.isNull(LoginThrottle.retryAfterSeconds(Option.none(), at(0)))
    assert.isNull(LoginThrottle.retryAfterSeconds(failuresAt(0, 1, 2, 3), at(3)))
    const locked = failuresAt(0, 1, 2, 3, 4)
    assert.strictEqual(Option.getOrThrow(locked).lockedUntil?.getTime(), at(19).getTime())
    assert.strictEqual(LoginThrottle.retryAfterSeconds(locked, at(4)), 900)
    assert.strictEqual(LoginThrottle.retryAfterSeconds(locked, new Date(at(18).getTime() + 59_001)), 1)
    assert.isNull(LoginThrottle.retryAfterSeconds(locked, at(19)))
  })

  it("failures 15 minutes or more after the window opened start a new window", () => {
    const state = Option.getOrThrow(failuresAt(0, 1, 2, 3, 15))
    assert.deepStrictEqual(
      [state.failures, state.windowStart.getTime(), state.lockedUntil],
      [1, at(15).getTime(), null]
    )
  })

  it("a failure after a lock has run out starts afresh", () => {
    const state = Option.getOrThrow(failuresAt(0, 1, 2, 3, 4, 20))
    assert.deepStrictEqual([state.failures, state.lockedUntil], [1, null])
  })
})
