import { assert, describe, it } from "@effect/vitest"
import { Totp } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as OTPAuth from "otpauth"
import * as QRCode from "qrcode"
import { OtpauthTotp } from "../src/index.js"
import * as QrCodes from "./QrCodes.js"

// RFC 6238 appendix B: the SHA-1 seed is ASCII "12345678901234567890"; the 6-digit codes are the
// last six digits of the 8-digit ones listed there.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
const rfcVectors: ReadonlyArray<readonly [seconds: number, code: string]> = [
  [59, "287082"],
  [1111111109, "081804"],
  [1111111111, "050471"],
  [1234567890, "005924"],
  [2000000000, "279037"],
  [20000000000, "353130"]
]

const at = (seconds: number) => new Date(seconds * 1000)
const stepOf = (seconds: number) => Math.floor(seconds / 30)

const withTotp = <A, E>(use: (totp: Totp["Type"]) => Effect.Effect<A, E>) =>
  Effect.flatMap(Totp, use).pipe(Effect.provide(OtpauthTotp.layer))

describe("OtpauthTotp", () => {
  it.effect("the secret is the RFC 6238 seed in base32", () =>
    Effect.sync(() => assert.strictEqual(OTPAuth.Secret.fromLatin1("12345678901234567890").base32, rfcSecret))
  )

  it.effect("verify accepts the RFC 6238 codes at their times and returns their time step", () =>
    withTotp((totp) =>
      Effect.sync(() => {
        for (const [seconds, code] of rfcVectors) {
          assert.strictEqual(totp.verify(rfcSecret, code, at(seconds)), stepOf(seconds), `T=${seconds}`)
        }
      })
    )
  )

  it.effect("verify allows one step of drift either way and returns the code's own step", () =>
    withTotp((totp) =>
      Effect.sync(() => {
        const [seconds, code] = [1111111109, "081804"]
        assert.strictEqual(totp.verify(rfcSecret, code, at(seconds - 30)), stepOf(seconds))
        assert.strictEqual(totp.verify(rfcSecret, code, at(seconds + 30)), stepOf(seconds))
        assert.isNull(totp.verify(rfcSecret, code, at(seconds - 60)))
        assert.isNull(totp.verify(rfcSecret, code, at(seconds + 60)))
      })
    )
  )

  it.effect("verify takes the code with spaces as apps display it, and nothing but six digits", () =>
    withTotp((totp) =>
      Effect.sync(() => {
        const now = at(59)
        assert.strictEqual(totp.verify(rfcSecret, " 287 082 ", now), 1)
        for (const code of [
          "94287082",
          "28708",
          "2870820",
          "28708a",
          "abcdef",
          "287-082",
          "",
          "      ",
          "+87082",
          "２８７０８２"
        ]) {
          assert.isNull(totp.verify(rfcSecret, code, now), JSON.stringify(code))
        }
        assert.isNull(totp.verify(rfcSecret, "287083", now))
      })
    )
  )

  it.effect("generateSecret makes distinct 160-bit base32 secrets that work with verify", () =>
    withTotp((totp) =>
      Effect.gen(function* () {
        const first = yield* totp.generateSecret
        const second = yield* totp.generateSecret
        assert.match(first, /^[A-Z2-7]{32}$/)
        assert.notStrictEqual(first, second)
        const now = new Date("2030-01-01T00:00:10Z")
        const code = OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(first), timestamp: now.getTime() })
        assert.strictEqual(totp.verify(first, code, now), Math.floor(now.getTime() / 30_000))
      })
    )
  )

  it.effect("uri is the otpauth:// URL an authenticator app scans", () =>
    withTotp((totp) =>
      Effect.sync(() => {
        const uri = totp.uri({ secret: rfcSecret, issuer: "Acme Roster", label: "alice@example.com" })
        const url = new URL(uri)
        assert.strictEqual(url.protocol, "otpauth:")
        assert.strictEqual(url.host, "totp")
        assert.strictEqual(decodeURIComponent(url.pathname), "/Acme Roster:alice@example.com")
        assert.deepStrictEqual(Object.fromEntries(url.searchParams), {
          issuer: "Acme Roster",
          secret: rfcSecret,
          algorithm: "SHA1",
          digits: "6",
          period: "30"
        })
        const parsed = OTPAuth.URI.parse(uri)
        assert.instanceOf(parsed, OTPAuth.TOTP)
        assert.strictEqual(parsed.label, "alice@example.com")
        assert.strictEqual(parsed.issuer, "Acme Roster")
      })
    )
  )

  it.effect("qrCode draws the URI as a PNG data URL that a camera reads back as the same URI", () =>
    withTotp((totp) =>
      Effect.gen(function* () {
        const uri = totp.uri({ secret: yield* totp.generateSecret, issuer: "Acme Roster", label: "élise@example.com" })
        const qrCode = yield* totp.qrCode(uri)
        assert.match(qrCode, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/)
        const read = QrCodes.read(qrCode)
        assert.deepStrictEqual(read.png.subarray(0, 8), QrCodes.pngSignature)
        assert.strictEqual(read.text, uri)
        // Square, and large enough to scan from a screen.
        assert.strictEqual(read.width, read.height)
        assert.isAtLeast(read.width, 200)
        // As the library draws it with these options: nothing else is in the picture.
        assert.strictEqual(qrCode, yield* Effect.promise(() => QRCode.toDataURL(uri, OtpauthTotp.qrCodeOptions)))
      })
    )
  )

  it.effect("qrCode holds the longest URI an account can have (a 254-character email, a long issuer)", () =>
    withTotp((totp) =>
      Effect.gen(function* () {
        const label = `${"a".repeat(64)}@${"b".repeat(185)}.com`
        const uri = totp.uri({ secret: yield* totp.generateSecret, issuer: "Roster", label })
        assert.strictEqual(QrCodes.read(yield* totp.qrCode(uri)).text, uri)
      })
    )
  )

  it.effect("a secret this module did not make is a bug, reported without quoting it", () =>
    withTotp((totp) =>
      Effect.sync(() => {
        assert.throws(() => totp.verify("not base32!", "287082", at(59)), /not valid base32$/)
        assert.throws(() => totp.verify("", "287082", at(59)), /0 bytes; at least 16/)
        assert.throws(() => totp.uri({ secret: "GEZDGNBV", issuer: "Acme", label: "a" }), /5 bytes; at least 16/)
      })
    )
  )
})
