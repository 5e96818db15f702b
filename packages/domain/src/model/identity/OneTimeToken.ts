import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import * as BearerToken from "../../kernel/BearerToken.js"
import { EventActor } from "../access/Actor.js"
import { OneTimeTokenId, UserId } from "../../kernel/Ids.js"

/** What a one-time token is for: signing in without a password, or confirming the email address. */
export const Purpose = Schema.Literal("magic_link", "email_verification")
export type Purpose = typeof Purpose.Type

/** A single-use secret given out as a link. The secret itself is never stored: only its SHA-256 hash. */
export const OneTimeToken = Schema.Struct({
  id: OneTimeTokenId,
  userId: UserId,
  purpose: Purpose,
  createdAt: Schema.DateFromSelf,
  expiresAt: Schema.DateFromSelf,
  /** Set when it is consumed; a used token never works again. */
  usedAt: Schema.NullOr(Schema.DateFromSelf),
  /** Who made it, as events record actors. */
  createdBy: EventActor
})
export type OneTimeToken = typeof OneTimeToken.Type

export const lifetimes: { readonly [P in Purpose]: Duration.Duration } = {
  magic_link: Duration.minutes(15),
  email_verification: Duration.days(7)
}

export const prefixes: { readonly [P in Purpose]: string } = {
  magic_link: "mlt_",
  email_verification: "evt_"
}

export const formats: { readonly [P in Purpose]: RegExp } = {
  magic_link: BearerToken.pattern(prefixes.magic_link),
  email_verification: BearerToken.pattern(prefixes.email_verification)
}

export const generateSecret = (purpose: Purpose): string => BearerToken.generate(prefixes[purpose])

export const hash = BearerToken.hash

export const expiresAt = (purpose: Purpose, createdAt: Date): Date =>
  new Date(createdAt.getTime() + Duration.toMillis(lifetimes[purpose]))
