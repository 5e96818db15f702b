import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import * as BearerToken from "../../kernel/BearerToken.js"
import { SessionId, UserId } from "../../kernel/Ids.js"

/**
 * `full` may do everything the user may; `password_change` (signed in with a password the user was
 * asked to replace) may only change the password, which upgrades it to `full`.
 */
export const Purpose = Schema.Literal("full", "password_change")
export type Purpose = typeof Purpose.Type

/** A signed-in user's session. The secret itself is never stored: only its SHA-256 hash. */
export const Session = Schema.Struct({
  id: SessionId,
  userId: UserId,
  purpose: Purpose,
  createdAt: Schema.DateFromSelf,
  expiresAt: Schema.DateFromSelf,
  /** Written at most about once a minute. */
  lastSeenAt: Schema.DateFromSelf,
  userAgent: Schema.NullOr(Schema.String),
  ip: Schema.NullOr(Schema.String),
  revokedAt: Schema.NullOr(Schema.DateFromSelf)
})
export type Session = typeof Session.Type

export const prefix = "ses_"

/** How long a session lasts from sign-in. */
export const lifetime = Duration.days(30)

/** How often, at most, `lastSeenAt` is written. */
export const lastSeenResolution = Duration.minutes(1)

/** The shape of a session secret as presented: `ses_` and 52 base62 characters. */
export const format = BearerToken.pattern(prefix)

export const generateSecret = (): string => BearerToken.generate(prefix)

export const hash = BearerToken.hash

export const isUsable = (session: Session, now: Date): boolean =>
  session.revokedAt === null && session.expiresAt.getTime() > now.getTime()

/** Whether a use at `now` should be recorded, given when the session was last seen. */
export const isDueForLastSeen = (session: Session, now: Date): boolean =>
  now.getTime() - session.lastSeenAt.getTime() >= Duration.toMillis(lastSeenResolution)

/** Longer user agents are cut: the value is shown to the user, never interpreted. */
export const clip = (text: string | undefined | null, max = 512): string | null =>
  text === undefined || text === null || text.length === 0 ? null : text.slice(0, max)
