/**
 * Recovery codes: ten single-use codes given with a TOTP enrolment, for when the authenticator is
 * lost. Each carries 80 bits (16 base32 characters), shown as `xxxx-xxxx-xxxx-xxxx` and stored as
 * SHA-256 of its normalized form, so that case and dashes do not matter when it is typed back.
 */
import type * as Effect from "effect/Effect"
import * as BearerToken from "../../kernel/BearerToken.js"

export const count = 10

/** RFC 4648 base32, lowercase: no 0/1/8/9, so nothing reads as O, I, L or B. */
const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
const length = 16

/** Ten new codes, formatted for display. */
export const generate = (): ReadonlyArray<string> => Array.from({ length: count }, generateOne)

const generateOne = (): string => {
  // 10 bytes = 80 bits = exactly 16 base32 characters of 5 bits each.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(10))
  let bits = 0n
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte)
  let chars = ""
  for (let i = length - 1; i >= 0; i--) chars += alphabet[Number((bits >> BigInt(i * 5)) & 31n)]
  return chars.match(/.{4}/g)!.join("-")
}

/** What a typed code is compared as: no dashes or spaces, lowercase. */
export const normalize = (code: string): string => code.replace(/[\s-]/g, "").toLowerCase()

/** Whether `code` could be a recovery code at all (and not, say, a 6-digit TOTP code). */
export const looksLikeRecoveryCode = (code: string): boolean => /^[a-z2-7]{16}$/.test(normalize(code))

/** The hash a code is stored and looked up under. 80 random bits cannot be guessed, so SHA-256 suffices. */
export const hash = (code: string): Effect.Effect<string> => BearerToken.sha256(normalize(code))
