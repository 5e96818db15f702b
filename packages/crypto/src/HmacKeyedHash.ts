/**
 * `KeyedHash` on HMAC-SHA-256 (`node:crypto`), under a key derived from the server's secret key by
 * HKDF-SHA-256 with a label of its own: the AES key of `SecretBox` is never used for anything else,
 * and a digest tells nothing about it. A digest is 43 characters of unpadded base64url (256 bits).
 */
import { KeyedHash } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createHmac, createSecretKey, hkdfSync, type KeyObject } from "node:crypto"
import { keyLength } from "./AesSecretBox.js"
import { SecretKeyError } from "./SecretKeyError.js"

/**
 * HKDF's `info`: what the derived key is for. A new use of the server key takes a new label; a new
 * label here would change every digest (and so forget every sign-in count, which is harmless).
 */
export const derivationLabel = "roster/KeyedHash/v1"

/** The keyed hash for the server's 32-byte key. */
export const make = (serverKey: Uint8Array): Effect.Effect<KeyedHash["Type"], SecretKeyError> =>
  Effect.gen(function* () {
    if (serverKey.length !== keyLength) {
      return yield* new SecretKeyError({
        source: "layerFromKey",
        problem: `the key is ${serverKey.length} bytes; expected exactly ${keyLength}`
      })
    }
    // No salt: the input is already a uniformly random key; the label keeps this key apart.
    const derived = hkdfSync("sha256", serverKey, new Uint8Array(0), derivationLabel, 32)
    const key: KeyObject = createSecretKey(Buffer.from(derived))
    return KeyedHash.of({
      digest: (text) => createHmac("sha256", key).update(text, "utf8").digest("base64url")
    })
  })

/** The keyed hash for the server's 32-byte key; fails with `SecretKeyError` for any other length. */
export const layerFromKey = (serverKey: Uint8Array): Layer.Layer<KeyedHash, SecretKeyError> =>
  Layer.effect(KeyedHash, make(serverKey))
