/**
 * Node implementations of the domain's secrets ports: argon2id passwords, AES-256-GCM sealing,
 * HMAC-SHA-256 keyed digests, RFC 6238 one-time passwords.
 */
import type { KeyedHash, PasswordHasher, SecretBox, Totp } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as AesSecretBox from "./AesSecretBox.js"
import * as Argon2PasswordHasher from "./Argon2PasswordHasher.js"
import * as HmacKeyedHash from "./HmacKeyedHash.js"
import * as OtpauthTotp from "./OtpauthTotp.js"
import type { SecretKeyError } from "./SecretKeyError.js"

export * as AesSecretBox from "./AesSecretBox.js"
export * as Argon2PasswordHasher from "./Argon2PasswordHasher.js"
export * as HmacKeyedHash from "./HmacKeyedHash.js"
export * as OtpauthTotp from "./OtpauthTotp.js"
export * from "./SecretKeyError.js"

/** Every port the server's key keys: the box, and the keyed hash on a key derived from it. */
const keyedBy = (key: Uint8Array): Layer.Layer<SecretBox | KeyedHash, SecretKeyError> =>
  Layer.merge(AesSecretBox.layerFromKey(key), HmacKeyedHash.layerFromKey(key))

/**
 * The four ports as an app runs them, keyed as its configuration says (`ROSTER_SECRET_KEY` or a key
 * file, read once).
 */
export const layer = (
  key: AesSecretBox.KeySource
): Layer.Layer<PasswordHasher | SecretBox | Totp | KeyedHash, SecretKeyError> =>
  Layer.mergeAll(
    Argon2PasswordHasher.layer,
    Layer.unwrapEffect(Effect.map(AesSecretBox.readKey(key), keyedBy)),
    OtpauthTotp.layer
  )

/**
 * The four ports with a fixed 32-byte key and, optionally, cheaper hashing: for tests of other
 * packages, which should neither touch the file system nor spend 19 MiB per hash.
 */
export const layerWith = (options: {
  readonly key: Uint8Array
  readonly passwordHashing?: Partial<Argon2PasswordHasher.Parameters>
}): Layer.Layer<PasswordHasher | SecretBox | Totp | KeyedHash, SecretKeyError> =>
  Layer.mergeAll(
    Argon2PasswordHasher.layerWith(options.passwordHashing ?? Argon2PasswordHasher.defaultParameters),
    keyedBy(options.key),
    OtpauthTotp.layer
  )
