/**
 * `Totp` on `otpauth`: RFC 6238 with SHA-1, 6 digits and 30-second steps, which every
 * authenticator app understands; its URI as a QR code on `qrcode`.
 */
import { Totp } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as OTPAuth from "otpauth"
import * as QRCode from "qrcode"

export const algorithm = "SHA1"
export const digits = 6
export const period = 30
/** Steps of clock drift accepted either way. */
export const window = 1
/** Bytes in a new secret: 160 bits, as RFC 4226 recommends. */
export const secretBytes = 20

// RFC 4226 requires at least 128 bits; an empty secret would make every code predictable.
const minimumSecretBytes = 16

/** The secret as otpauth takes it; throws (a bug, not bad input) when it is not one this module made. */
const decodeSecret = (secret: string): OTPAuth.Secret => {
  let decoded: OTPAuth.Secret
  try {
    decoded = OTPAuth.Secret.fromBase32(secret)
  } catch {
    // otpauth's own message quotes the offending character of the secret.
    throw new Error("Totp: the secret is not valid base32")
  }
  if (decoded.bytes.length < minimumSecretBytes) {
    throw new Error(`Totp: the secret is ${decoded.bytes.length} bytes; at least ${minimumSecretBytes} are required`)
  }
  return decoded
}

const totp = (secret: string, label?: { readonly issuer: string; readonly label: string }) =>
  new OTPAuth.TOTP({ secret: decodeSecret(secret), algorithm, digits, period, ...label })

/**
 * How the QR code is drawn: error correction M (15%, what authenticator set-up screens use) and the
 * four-module quiet zone the standard asks for, 6 pixels a module (about 250 pixels a side).
 */
export const qrCodeOptions = { type: "image/png", errorCorrectionLevel: "M", margin: 4, scale: 6 } as const

const service: Totp["Type"] = Totp.of({
  generateSecret: Effect.sync(() => new OTPAuth.Secret({ size: secretBytes }).base32),
  uri: ({ secret, issuer, label }) => totp(secret, { issuer, label }).toString(),
  // Fails only for text too long for any QR code, which an otpauth URI never is: a bug, so a defect.
  qrCode: (uri) => Effect.promise(() => QRCode.toDataURL(uri, qrCodeOptions)),
  verify: (secret, code, now) => {
    // Authenticator apps show "287 082"; people type it that way.
    const token = code.replace(/\s/g, "")
    if (!/^[0-9]{6}$/.test(token)) return null
    const timestamp = now.getTime()
    const delta = totp(secret).validate({ token, timestamp, window })
    return delta === null ? null : OTPAuth.TOTP.counter({ period, timestamp }) + delta
  }
})

export const layer: Layer.Layer<Totp> = Layer.succeed(Totp, service)
