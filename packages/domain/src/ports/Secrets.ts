/**
 * The cryptography the identity use cases need, as ports: the domain depends on `effect` only,
 * and these want native or platform code. `@roster/crypto` implements them on Node.
 */
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as Effect from "effect/Effect"

/** Password hashing with a memory-hard function (argon2id). */
export class PasswordHasher extends Context.Tag("@roster/domain/PasswordHasher")<
  PasswordHasher,
  {
    /** A self-describing hash (algorithm, parameters and salt included). */
    readonly hash: (password: string) => Effect.Effect<string>
    /** Whether `password` matches `hash`; false (never a failure) for a malformed hash. */
    readonly verify: (hash: string, password: string) => Effect.Effect<boolean>
    /**
     * Takes as long as a `verify` and always answers false: used when there is no account to check,
     * so that an unknown email cannot be told apart by timing.
     */
    readonly verifyDummy: (password: string) => Effect.Effect<false>
  }
>() {}

/**
 * For an application that keeps no passwords (the organization use cases alone, as in the
 * quickstart): adding a member with a password is a bug there and dies, saying what is missing.
 */
export const passwordsUnavailable: Layer.Layer<PasswordHasher> = Layer.succeed(PasswordHasher, {
  hash: () => Effect.dieMessage("Users.add was given a password, but no PasswordHasher is provided"),
  verify: () => Effect.succeed(false),
  verifyDummy: () => Effect.succeed(false as const)
})

/** Authenticated encryption of secrets that must be read back (TOTP seeds). */
export class SecretBox extends Context.Tag("@roster/domain/SecretBox")<
  SecretBox,
  {
    readonly seal: (plaintext: string) => Effect.Effect<string>
    /** Fails (as a defect) when the ciphertext was not sealed with this key or was altered. */
    readonly open: (sealed: string) => Effect.Effect<string>
  }
>() {}

/**
 * A keyed one-way digest of text (an HMAC under a key derived from the server's secret key): one
 * text always gives one digest, and without the key nobody can compute it, nor tell from a digest
 * which text it came from. Sign-in throttle keys are digests (`LoginThrottle.keyFor`), so that what
 * is stored names no person and no address.
 */
export class KeyedHash extends Context.Tag("@roster/domain/KeyedHash")<
  KeyedHash,
  {
    /** The digest of `text`: fixed-length, ASCII, the same for the same text under one key. */
    readonly digest: (text: string) => string
  }
>() {}

/** Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30-second steps). */
export class Totp extends Context.Tag("@roster/domain/Totp")<
  Totp,
  {
    /** A new random base32 secret (160 bits). */
    readonly generateSecret: Effect.Effect<string>
    /** The `otpauth://totp/…` URL an authenticator app scans. */
    readonly uri: (options: { readonly secret: string; readonly issuer: string; readonly label: string }) => string
    /**
     * `uri` as a QR code an authenticator app scans from the screen: a PNG, as a
     * `data:image/png;base64,…` URL a page can show as it is. It holds the secret.
     */
    readonly qrCode: (uri: string) => Effect.Effect<string>
    /**
     * The time step the code belongs to, if it is valid at `now` (one step of drift either way),
     * else null. Callers refuse a step at or before the last one used, so a code works once.
     */
    readonly verify: (secret: string, code: string, now: Date) => number | null
  }
>() {}
