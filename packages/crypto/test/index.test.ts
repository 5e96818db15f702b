import { assert, describe, it } from "@effect/vitest"
import { PasswordHasher, SecretBox, Totp } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { randomBytes } from "node:crypto"
import * as Crypto from "../src/index.js"

const useAllThree = Effect.gen(function* () {
  const hasher = yield* PasswordHasher
  const box = yield* SecretBox
  const totp = yield* Totp
  const secret = yield* totp.generateSecret
  assert.strictEqual(yield* box.open(yield* box.seal(secret)), secret)
  return yield* hasher.hash("password")
})

describe("@roster/crypto", () => {
  it.effect("layer provides the three ports, keyed as the configuration says", () =>
    Effect.gen(function* () {
      const hash = yield* useAllThree
      assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    }).pipe(Effect.provide(Crypto.layer({ _tag: "Given", key: Redacted.make(new Uint8Array(randomBytes(32))) })))
  )

  it.effect("layerWith provides the three ports with a fixed key and, if asked, cheaper hashing", () =>
    Effect.gen(function* () {
      const hash = yield* useAllThree
      assert.match(hash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/)
    }).pipe(
      Effect.provide(Crypto.layerWith({ key: randomBytes(32), passwordHashing: { memoryCost: 1024, timeCost: 1 } }))
    )
  )
})
