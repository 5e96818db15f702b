/**
 * Node implementations of the domain's secrets ports — argon2id passwords, AES-256-GCM sealing,
 * HMAC-SHA-256 keyed digests, RFC 6238 one-time passwords and their QR codes — and of the one other
 * port that wants an npm library, reading a session's user agent (bowser).
 */
import type { BearerToken, DeviceParser, KeyedHash, PasswordHasher, SecretBox, Totp } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as AesSecretBox from "./AesSecretBox.js"
import * as Argon2PasswordHasher from "./Argon2PasswordHasher.js"
import * as BowserDeviceParser from "./BowserDeviceParser.js"
import * as HmacKeyedHash from "./HmacKeyedHash.js"
import * as NodeSha256 from "./NodeSha256.js"
import * as OtpauthTotp from "./OtpauthTotp.js"
import type { SecretKeyError } from "./SecretKeyError.js"

export * as AesSecretBox from "./AesSecretBox.js"
export * as Argon2PasswordHasher from "./Argon2PasswordHasher.js"
export * as BowserDeviceParser from "./BowserDeviceParser.js"
export * as HmacKeyedHash from "./HmacKeyedHash.js"
export * as NodeSha256 from "./NodeSha256.js"
export * as OtpauthTotp from "./OtpauthTotp.js"
export * from "./SecretKeyError.js"

/** Every port the server's key keys: the box, and the keyed hash on a key derived from it. */
const keyedBy = (key: Uint8Array): Layer.Layer<SecretBox | KeyedHash, SecretKeyError> =>
  Layer.merge(AesSecretBox.layerFromKey(key), HmacKeyedHash.layerFromKey(key))

/** Every port this package implements: what the identity use cases need beyond storage (`Services.Adapters`). */
export type Ports = PasswordHasher | SecretBox | Totp | KeyedHash | DeviceParser

/** The ports, and node's SHA-256 in place of the domain's Web Crypto default. */
export type Provided = Ports | BearerToken.Sha256

/**
 * The ports as an app runs them, keyed as its configuration says (`ROSTER_SECRET_KEY` or a key file,
 * read once).
 */
export const layer = (key: AesSecretBox.KeySource): Layer.Layer<Provided, SecretKeyError> =>
  Layer.mergeAll(
    Argon2PasswordHasher.layer,
    NodeSha256.layer,
    Layer.unwrapEffect(Effect.map(AesSecretBox.readKey(key), keyedBy)),
    OtpauthTotp.layer,
    BowserDeviceParser.layer
  )

/**
 * The ports with a fixed 32-byte key and, optionally, cheaper hashing: for tests of other packages,
 * which should neither touch the file system nor spend 19 MiB per hash.
 */
export const layerWith = (options: {
  readonly key: Uint8Array
  readonly passwordHashing?: Partial<Argon2PasswordHasher.Parameters>
}): Layer.Layer<Provided, SecretKeyError> =>
  Layer.mergeAll(
    Argon2PasswordHasher.layerWith(options.passwordHashing ?? Argon2PasswordHasher.defaultParameters),
    NodeSha256.layer,
    keyedBy(options.key),
    OtpauthTotp.layer,
    BowserDeviceParser.layer
  )
