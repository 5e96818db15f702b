import * as Schema from "effect/Schema"
import { UserId } from "../../kernel/Ids.js"

/** A user's TOTP second factor. One per user; a new enrolment replaces a pending one. */
export const TotpFactor = Schema.Struct({
  userId: UserId,
  /** The base32 TOTP secret, sealed by `SecretBox` (AES-256-GCM): it must be read back to check codes. */
  sealedSecret: Schema.String,
  createdAt: Schema.DateFromSelf,
  /** Null while the enrolment is pending (no code confirmed yet). */
  enabledAt: Schema.NullOr(Schema.DateFromSelf),
  /** The last time step a code was accepted for: that step and earlier ones are refused (no replay). */
  lastUsedStep: Schema.NullOr(Schema.Number)
})
export type TotpFactor = typeof TotpFactor.Type

export const isEnabled = (factor: TotpFactor): boolean => factor.enabledAt !== null

/** The issuer authenticator apps show next to the account. */
export const issuer = "Roster"
