/**
 * Node implementations of the domain's secrets ports: argon2id passwords, AES-256-GCM sealing,
 * RFC 6238 one-time passwords.
 */
import type { PasswordHasher, SecretBox, Totp } from "@roster/domain"
import * as Layer from "effect/Layer"
import * as AesSecretBox from "./AesSecretBox.js"
import * as Argon2PasswordHasher from "./Argon2PasswordHasher.js"
import * as OtpauthTotp from "./OtpauthTotp.js"
import type { SecretKeyError } from "./SecretKeyError.js"

export * as AesSecretBox from "./AesSecretBox.js"
export * as Argon2PasswordHasher from "./Argon2PasswordHasher.js"
export * as OtpauthTotp from "./OtpauthTotp.js"
export * from "./SecretKeyError.js"

/** The three ports as an app runs them, keyed as its configuration says (`ROSTER_SECRET_KEY` or a key file). */
export const layer = (key: AesSecretBox.KeySource): Layer.Layer<PasswordHasher | SecretBox | Totp, SecretKeyError> =>
  Layer.mergeAll(Argon2PasswordHasher.layer, AesSecretBox.layer(key), OtpauthTotp.layer)

/**
 * The three ports with a fixed 32-byte key and, optionally, cheaper hashing: for tests of other
 * packages, which should neither touch the file system nor spend 19 MiB per hash.
 */
export const layerWith = (options: {
  readonly key: Uint8Array
  readonly passwordHashing?: Partial<Argon2PasswordHasher.Parameters>
}): Layer.Layer<PasswordHasher | SecretBox | Totp, SecretKeyError> =>
  Layer.mergeAll(
    Argon2PasswordHasher.layerWith(options.passwordHashing ?? Argon2PasswordHasher.defaultParameters),
    AesSecretBox.layerFromKey(options.key),
    OtpauthTotp.layer
  )
