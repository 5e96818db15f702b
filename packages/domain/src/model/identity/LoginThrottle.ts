/**
 * Sign-in throttling, as pure functions over the stored state: 5 failures for one email within 15
 * minutes lock it for 15 minutes, whether or not an account has that email; a success resets it.
 * State is stored under a keyed digest (`KeyedHash`) of what it counts, never the email or id itself.
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Text from "../../kernel/Text.js"

export const maxFailures = 5
export const window = Duration.minutes(15)
export const lockDuration = Duration.minutes(15)

export const LoginThrottle = Schema.Struct({
  /**
   * `keyFor(digest, email, account)`: the digest of the account's id, or of the email as typed,
   * trimmed and lowercased. (Named for what it first held: an email.)
   */
  emailKey: Schema.String,
  /** Failures since `windowStart`. */
  failures: Schema.Number,
  windowStart: Schema.DateFromSelf,
  /** Sign-in is refused until then. */
  lockedUntil: Schema.NullOr(Schema.DateFromSelf)
})
export type LoginThrottle = typeof LoginThrottle.Type

/** A keyed one-way digest (`KeyedHash.digest`): keys are stored as digests, never in clear. */
export type Digest = (text: string) => string

/**
 * The key an email is throttled under when no account has it: the digest of the email trimmed, in
 * NFC, in lower case as the database's `lower()` makes it (which is how accounts are looked up), so
 * that every spelling that would find one account shares one count.
 */
export const key = (digest: Digest, email: string): string =>
  digest(`email:${Text.lowerCase(email.trim().normalize("NFC"))}`)

/**
 * The key of an account's sign-ins: the digest of its id, whatever spelling of its email was typed,
 * so that no difference in case folding between here and the database can split one account's count.
 */
export const accountKey = (digest: Digest, userId: string): string => digest(`user:${userId}`)

/** The key an attempt with `email` counts under: the account's when the email finds one. */
export const keyFor = (digest: Digest, email: string, account: Option.Option<{ readonly id: string }>): string =>
  Option.isSome(account) ? accountKey(digest, account.value.id) : key(digest, email)

/**
 * The state once an attempt that `recordFailure` counted in advance turns out not to be a failure
 * (the password was right, but the second factor is still to come, or the account is deactivated):
 * one failure fewer, and no lock unless the others still reach `maxFailures`.
 */
export const release = (throttle: LoginThrottle): LoginThrottle => {
  const failures = Math.max(throttle.failures - 1, 0)
  return { ...throttle, failures, lockedUntil: failures >= maxFailures ? throttle.lockedUntil : null }
}

/** Whole seconds until sign-in is allowed again, or null when it is allowed now. */
export const retryAfterSeconds = (throttle: Option.Option<LoginThrottle>, now: Date): number | null => {
  if (Option.isNone(throttle) || throttle.value.lockedUntil === null) return null
  const left = throttle.value.lockedUntil.getTime() - now.getTime()
  return left > 0 ? Math.ceil(left / 1000) : null
}

/**
 * The state after one more failure at `now`. A failure outside the window, or after a lock has run
 * out, starts a new window; the failure that reaches `maxFailures` sets the lock.
 */
export const recordFailure = (throttle: Option.Option<LoginThrottle>, emailKey: string, now: Date): LoginThrottle => {
  const current = Option.getOrUndefined(throttle)
  const fresh =
    current === undefined ||
    now.getTime() - current.windowStart.getTime() >= Duration.toMillis(window) ||
    (current.lockedUntil !== null && current.lockedUntil.getTime() <= now.getTime())
  const failures = fresh ? 1 : current.failures + 1
  return {
    emailKey,
    failures,
    windowStart: fresh ? now : current.windowStart,
    lockedUntil: failures >= maxFailures ? new Date(now.getTime() + Duration.toMillis(lockDuration)) : null
  }
}
