import { assert, describe, it } from "@effect/vitest"
import { KeyedHash } from "@roster/domain"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { createHmac, randomBytes } from "node:crypto"
import { HmacKeyedHash } from "../src/index.js"

const hashWith = <E>(layer: Layer.Layer<KeyedHash, E>) => Effect.provide(KeyedHash, layer)

describe("HmacKeyedHash", () => {
  it.effect("one text, one digest under one key: 43 base64url characters that show nothing of the text", () =>
    Effect.gen(function* () {
      const key = randomBytes(32)
      const { digest } = yield* hashWith(HmacKeyedHash.layerFromKey(key))
      const again = yield* hashWith(HmacKeyedHash.layerFromKey(new Uint8Array(key)))
      const text = "email:ada@example.com"
      assert.strictEqual(digest(text), again.digest(text))
      assert.match(digest(text), /^[A-Za-z0-9_-]{43}$/)
      assert.notInclude(digest(text), "ada")
      assert.notStrictEqual(digest(text), digest("email:Ada@example.com"))
    })
  )

  it.effect("another key gives other digests", () =>
    Effect.gen(function* () {
      const mine = yield* hashWith(HmacKeyedHash.layerFromKey(randomBytes(32)))
      const theirs = yield* hashWith(HmacKeyedHash.layerFromKey(randomBytes(32)))
      assert.notStrictEqual(mine.digest("user:1"), theirs.digest("user:1"))
    })
  )

  it.effect("keys the HMAC with a key derived by HKDF (its own label), never the server key itself", () =>
    Effect.gen(function* () {
      const serverKey = new Uint8Array(32)
      const { digest } = yield* hashWith(HmacKeyedHash.layerFromKey(serverKey))
      // HKDF-SHA-256(key = 32 zero bytes, no salt, info = "roster/KeyedHash/v1"), then HMAC-SHA-256.
      assert.strictEqual(digest("email:ada@example.com"), "VGwzMUBVPicad-rjDMMFJqRN3aYZiVvADH2_S5VTkfI")
      const underServerKey = createHmac("sha256", serverKey).update("email:ada@example.com").digest("base64url")
      assert.notStrictEqual(digest("email:ada@example.com"), underServerKey)
    })
  )

  it.effect("takes exactly 32 bytes", () =>
    Effect.gen(function* () {
      for (const length of [0, 16, 31, 33]) {
        const error = yield* Effect.flip(hashWith(HmacKeyedHash.layerFromKey(new Uint8Array(length))))
        assert.include(error.message, `${length} bytes; expected exactly 32`)
      }
    })
  )
})
