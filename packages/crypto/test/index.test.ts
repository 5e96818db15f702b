import { assert, describe, it } from "@effect/vitest"
import { PasswordHasher, SecretBox, Totp } from "@roster/domain"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
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
  it.effect("layer provides the three ports, keyed from the configuration", () =>
    Effect.gen(function* () {
      const hash = yield* useAllThree
      assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    }).pipe(
      Effect.provide(
        Crypto.layer.pipe(
          Layer.provide(
            Layer.setConfigProvider(
              ConfigProvider.fromMap(new Map([["ROSTER_SECRET_KEY", randomBytes(32).toString("base64")]]))
            )
          )
        )
      )
    )
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
