import { assert, describe, it } from "@effect/vitest"
import * as Argon2 from "@node-rs/argon2"
import { PasswordHasher } from "@roster/domain"
import * as Effect from "effect/Effect"
import { Argon2PasswordHasher } from "../src/index.js"

const withHasher = <A, E>(use: (hasher: PasswordHasher["Type"]) => Effect.Effect<A, E>) =>
  Effect.flatMap(PasswordHasher, use).pipe(Effect.provide(Argon2PasswordHasher.layer))

describe("Argon2PasswordHasher", () => {
  it.effect("a hash verifies the password it was made from, and no other", () =>
    withHasher((hasher) =>
      Effect.gen(function* () {
        const hash = yield* hasher.hash("correct horse battery staple")
        assert.isTrue(yield* hasher.verify(hash, "correct horse battery staple"))
        assert.isFalse(yield* hasher.verify(hash, "correct horse battery stapler"))
        assert.isFalse(yield* hasher.verify(hash, ""))
      })
    )
  )

  it.effect("unicode passwords round-trip, whichever way an accented letter was typed", () =>
    withHasher((hasher) =>
      Effect.gen(function* () {
        const composed = "pässwörd-密码-🔑"
        const decomposed = composed.normalize("NFD")
        assert.notStrictEqual(composed, decomposed)
        const hash = yield* hasher.hash(composed)
        assert.isTrue(yield* hasher.verify(hash, composed))
        assert.isTrue(yield* hasher.verify(hash, decomposed))
        assert.isFalse(yield* hasher.verify(hash, "passwort-密码-🔑"))
      })
    )
  )

  it.effect("a malformed hash verifies nothing, without failing", () =>
    withHasher((hasher) =>
      Effect.gen(function* () {
        for (const hash of ["", "not a hash", "$argon2id$v=19$m=19456,t=2,p=1$bad", "$2b$10$abcdefghijklmnopqrstuv"]) {
          assert.isFalse(yield* hasher.verify(hash, "password"), hash)
        }
      })
    )
  )

  it.effect("hashes are salted: the same password hashes differently each time", () =>
    withHasher((hasher) =>
      Effect.gen(function* () {
        const first = yield* hasher.hash("same password")
        const second = yield* hasher.hash("same password")
        assert.notStrictEqual(first, second)
        assert.isTrue(yield* hasher.verify(first, "same password"))
        assert.isTrue(yield* hasher.verify(second, "same password"))
      })
    )
  )

  it.effect("the hash is argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane)", () =>
    withHasher((hasher) =>
      Effect.gen(function* () {
        assert.deepStrictEqual(Argon2PasswordHasher.defaultParameters, {
          memoryCost: 19456,
          timeCost: 2,
          parallelism: 1
        })
        const hash = yield* hasher.hash("password")
        assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
        const parsed = Argon2.parseOptions(hash)
        assert.strictEqual(parsed.saltLen, 16)
        assert.strictEqual(parsed.outputLen, 32)
      })
    )
  )

  it.effect("layerWith hashes with the given parameters, and verify reads them from the hash", () =>
    Effect.gen(function* () {
      const cheap = yield* Effect.flatMap(PasswordHasher, (hasher) => hasher.hash("password")).pipe(
        Effect.provide(Argon2PasswordHasher.layerWith({ memoryCost: 1024, timeCost: 1 }))
      )
      assert.match(cheap, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/)
      // A hasher with other parameters still verifies it: the hash describes itself.
      assert.isTrue(yield* withHasher((hasher) => hasher.verify(cheap, "password")))
    })
  )

  // That it takes what a real verify takes is a speed claim: `pnpm bench` (signin-timing) measures
  // it through the whole sign-in, where it matters, instead of a timed test on a busy machine.
  it.live("verifyDummy answers false, whatever the password", () =>
    withHasher((hasher) =>
      Effect.gen(function* () {
        assert.isFalse(yield* hasher.verifyDummy("the real password"))
        assert.isFalse(yield* hasher.verifyDummy(""))
      })
    )
  )
})
