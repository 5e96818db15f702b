/**
 * TEST-ONLY implementations of the secrets ports. None of them is safe for real use: the "hasher"
 * is fast and reversible, the "box" only base64s. They exist so that the identity use cases can be
 * tested quickly and deterministically; `@roster/crypto` implements the ports for real.
 * The keyed hash is a real HMAC-SHA-256, under a key every test knows.
 * The TOTP is real RFC 6238 (HMAC-SHA1, 6 digits, 30 s, ±1 step), so enrolment and sign-in can be
 * tested with codes computed at the TestClock's time; its "QR code" is the URI in a text data URL.
 */
import { createHmac } from "node:crypto"
import { KeyedHash, PasswordHasher, SecretBox, Totp } from "@roster/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"

const hashPrefix = "insecure-test-hash:"
const sealPrefix = "insecure-test-seal:"
const qrCodePrefix = "data:text/plain;base64,"

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64")

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

export const base32Encode = (bytes: Uint8Array): string => {
  let bits = 0
  let value = 0
  let out = ""
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31]
  return out
}

const base32Decode = (text: string): Uint8Array => {
  const bytes: Array<number> = []
  let bits = 0
  let value = 0
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | base32Alphabet.indexOf(char)
    bits += 5
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Uint8Array.from(bytes)
}

/** RFC 4226 HOTP for one counter value: HMAC-SHA1, dynamic truncation, 6 digits. */
export const hotp = (secret: string, counter: number): string => {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac("sha1", base32Decode(secret)).update(message).digest()
  const offset = mac[mac.length - 1]! & 0xf
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!
  return String(binary % 1_000_000).padStart(6, "0")
}

export const stepAt = (at: Date): number => Math.floor(at.getTime() / 30_000)

/** What the test "QR code" holds: the URI it was made of, or null when it is not one. */
export const qrCodeText = (qrCode: string): string | null =>
  qrCode.startsWith(qrCodePrefix) ? Buffer.from(qrCode.slice(qrCodePrefix.length), "base64").toString("utf8") : null

/** The code an authenticator app would show at `at`. */
export const totpCode = (secret: string, at: Date): string => hotp(secret, stepAt(at))

/** What the test secrets saw: how often `verifyDummy` ran, and every secret-bearing value they produced. */
export class TestSecretsLog extends Context.Tag("test/TestSecretsLog")<
  TestSecretsLog,
  {
    readonly dummyVerifications: Ref.Ref<number>
    /** Every hash, sealed value and TOTP secret made: none of them may ever show up in an event. */
    readonly produced: Ref.Ref<ReadonlyArray<string>>
  }
>() {}

/** The test keyed hash's digest, for tests that look for a throttle key. */
export const digest = (text: string): string =>
  createHmac("sha256", "roster-test-keyed-hash").update(text, "utf8").digest("base64url")

export const layer: Layer.Layer<PasswordHasher | SecretBox | Totp | KeyedHash | TestSecretsLog> = Layer.effectContext(
  Effect.gen(function* () {
    const dummyVerifications = yield* Ref.make(0)
    const produced = yield* Ref.make<ReadonlyArray<string>>([])
    const remember = (value: string) => Ref.update(produced, (all) => [...all, value]).pipe(Effect.as(value))

    const hasher = PasswordHasher.of({
      hash: (password) => remember(hashPrefix + base64(password)),
      verify: (hash, password) => Effect.succeed(hash === hashPrefix + base64(password)),
      verifyDummy: () => Ref.update(dummyVerifications, (n) => n + 1).pipe(Effect.as(false as const))
    })
    const box = SecretBox.of({
      seal: (plaintext) => remember(sealPrefix + base64(plaintext)),
      open: (sealed) =>
        sealed.startsWith(sealPrefix)
          ? Effect.succeed(Buffer.from(sealed.slice(sealPrefix.length), "base64").toString("utf8"))
          : Effect.dieMessage("not sealed by the test box")
    })
    const totp = Totp.of({
      generateSecret: Effect.suspend(() =>
        remember(base32Encode(globalThis.crypto.getRandomValues(new Uint8Array(20))))
      ),
      uri: ({ secret, issuer, label }) =>
        `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(label)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`,
      // Not a QR code: the URI itself, readable back by `qrCodeText`.
      qrCode: (uri) => Effect.succeed(`${qrCodePrefix}${base64(uri)}`),
      verify: (secret, code, now) => {
        const step = stepAt(now)
        for (const candidate of [step - 1, step, step + 1]) {
          if (candidate >= 0 && hotp(secret, candidate) === code) return candidate
        }
        return null
      }
    })
    return Context.make(PasswordHasher, hasher).pipe(
      Context.add(SecretBox, box),
      Context.add(Totp, totp),
      Context.add(KeyedHash, KeyedHash.of({ digest })),
      Context.add(TestSecretsLog, { dummyVerifications, produced })
    )
  })
)
