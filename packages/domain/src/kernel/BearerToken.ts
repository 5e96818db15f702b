/**
 * Random bearer secrets — organization tokens, sessions, one-time links: a prefix and 52 base62
 * characters (about 309 bits), shown once and stored only as a SHA-256 hash.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const secretLength = 52

/** A new random secret after `prefix`. Rejection sampling keeps every character uniformly likely. */
export const generate = (prefix: string): string => {
  const chars: Array<string> = []
  const bytes = new Uint8Array(64)
  while (chars.length < secretLength) {
    globalThis.crypto.getRandomValues(bytes)
    for (const byte of bytes) {
      // 62 * 4 = 248: bytes at or above it would favour the first characters.
      if (byte < 248 && chars.length < secretLength) chars.push(alphabet[byte % 62]!)
    }
  }
  return prefix + chars.join("")
}

/** The shape of a secret as presented: `prefix` and 52 base62 characters. */
export const pattern = (prefix: string): RegExp => new RegExp(`^${prefix}[0-9A-Za-z]{${secretLength}}$`)

/** Lowercase hex SHA-256 with Web Crypto: a global on every runtime Roster supports, but behind a promise. */
const webCryptoSha256 = (text: string): Effect.Effect<string> =>
  Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
    Effect.map((digest) => Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join(""))
  )

/**
 * How SHA-256 is computed. Every request with a token hashes it, so `@roster/crypto` puts Node's
 * synchronous hash here (a Web Crypto digest costs a promise and a trip through the thread pool);
 * anything that provides nothing gets Web Crypto, with the same digests.
 */
export class Sha256 extends Context.Reference<Sha256>()("@roster/domain/Sha256", {
  defaultValue: () => ({ hex: webCryptoSha256 })
}) {}

/** Lowercase hex SHA-256 of `text`. */
export const sha256 = (text: string): Effect.Effect<string> => Effect.flatMap(Sha256, (digest) => digest.hex(text))

/**
 * The hash under which a secret is stored and looked up. These secrets carry ~309 bits of entropy,
 * so a fast hash is right here (unlike passwords): nothing can be guessed, and look-ups must be cheap.
 */
export const hash: (secret: string) => Effect.Effect<string> = sha256
