/**
 * What several identity use cases do to an account, over the ports: find it, set its password, start
 * and end its sessions, clear its second factor, erase its secrets. Not exported: the use cases are
 * the API; this keeps them saying the same thing the same way.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Actor from "../model/access/Actor.js"
import * as DomainEvent from "../model/event/DomainEvent.js"
import { OneTimeTokenId, SessionId, type OrganizationId, type UserId, randomUuid } from "../kernel/Ids.js"
import { TooManyAttempts } from "../model/identity/AuthError.js"
import * as LoginThrottle from "../model/identity/LoginThrottle.js"
import { UserNotFound } from "../model/membership/MembershipError.js"
import {
  CredentialRepository,
  EventRepository,
  LoginThrottleRepository,
  MfaRepository,
  OneTimeTokenRepository,
  SessionRepository,
  Transactor,
  UserRepository
} from "../ports/Ports.js"
import * as OneTimeToken from "../model/identity/OneTimeToken.js"
import { KeyedHash } from "../ports/Secrets.js"
import * as Session from "../model/access/Session.js"
import type * as User from "../model/identity/User.js"

/** Where a session came from, as the user sees it in their list of sessions. */
export interface Client {
  readonly userAgent?: string | undefined
  readonly ip?: string | undefined
}

export const make = Effect.gen(function* () {
  const throttles = yield* LoginThrottleRepository
  const { transaction } = yield* Transactor
  const users = yield* UserRepository
  const credentials = yield* CredentialRepository
  const sessions = yield* SessionRepository
  const mfa = yield* MfaRepository
  const oneTimeTokens = yield* OneTimeTokenRepository
  const events = yield* EventRepository
  // Provided wherever sign-in is (`Services.fullLayer`). The organization use cases alone
  // (`Services.layer`) sign nobody in, so they keep no throttle state for erasure to delete.
  const keyedHash = yield* Effect.serviceOption(KeyedHash)

  /** The identity, unless there is none or it was erased: then `UserNotFound` (platform scope). */
  const findUser = (userId: UserId) =>
    users
      .findById(userId)
      .pipe(
        Effect.flatMap((found) =>
          Option.isSome(found) && found.value.erasedAt === null
            ? Effect.succeed(found.value)
            : Effect.fail(new UserNotFound({ userId, scope: "platform" }))
        )
      )

  /**
   * Stores a password (already hashed) and ends every session of the user but `keep`; appends
   * `type` (`identity.password_set` or `identity.password_changed`). Never records the password or its hash.
   */
  const setPassword = (options: {
    readonly actor: Actor.Actor
    readonly user: User.User
    readonly passwordHash: string
    readonly mustChangePassword: boolean
    readonly at: Date
    readonly type: "identity.password_set" | "identity.password_changed"
    readonly organizationId?: OrganizationId | null
    readonly keep?: SessionId
  }) =>
    Effect.gen(function* () {
      yield* credentials.put({
        userId: options.user.id,
        passwordHash: options.passwordHash,
        mustChangePassword: options.mustChangePassword,
        changedAt: options.at
      })
      const sessionsRevoked = yield* sessions.revokeAll(options.user.id, options.at, options.keep)
      yield* events.append(
        DomainEvent.make({
          actor: options.actor,
          type: options.type,
          at: options.at,
          organizationId: options.organizationId ?? null,
          userId: options.user.id,
          after: { mustChangePassword: options.mustChangePassword, sessionsRevoked }
        })
      )
    })

  /** Ends every session of the user that is still usable; returns how many. */
  const endSessions = (userId: UserId, at: Date) => sessions.revokeAll(userId, at)

  /**
   * Voids every unused magic link and verification link of the user: a deactivated identity must
   * not find a link made before still working once it is reactivated.
   */
  const voidLinks = (userId: UserId) => oneTimeTokens.deleteAll(userId)

  /**
   * Removes the TOTP factor and recovery codes and ends every session of the user; returns the user
   * without an MFA enrolment (stored) and how many sessions ended. The caller appends its event.
   */
  const clearMfa = (user: User.User, at: Date) =>
    Effect.gen(function* () {
      yield* mfa.deleteTotp(user.id)
      yield* mfa.deleteRecoveryCodes(user.id)
      const sessionsRevoked = yield* sessions.revokeAll(user.id, at)
      const cleared: User.User = { ...user, mfaEnrolledAt: null }
      yield* users.update(cleared)
      return { user: cleared, sessionsRevoked }
    })

  /**
   * Every secret of an identity, gone for good: password, sessions, second factor, one-time tokens,
   * and the sign-in counts kept under its account and under its email (`user` as it was before its
   * email was tombstoned).
   */
  const eraseSecrets = (user: User.User) =>
    Effect.all(
      [
        credentials.delete(user.id),
        sessions.deleteAll(user.id),
        mfa.deleteTotp(user.id),
        mfa.deleteRecoveryCodes(user.id),
        oneTimeTokens.deleteAll(user.id),
        ...Option.match(keyedHash, {
          onNone: () => [],
          onSome: ({ digest }) => [
            throttles.clear(LoginThrottle.accountKey(digest, user.id)),
            throttles.clear(LoginThrottle.key(digest, user.email))
          ]
        })
      ],
      { discard: true }
    )

  /**
   * Starts a session for `user` (who has just proved who they are) and records the sign-in. Returns
   * the session, its secret (shown once) and the user as stored after it.
   */
  const startSession = (options: {
    readonly user: User.User
    readonly purpose: Session.Purpose
    readonly method: "password" | "magic_link"
    readonly client: Client
    readonly at: Date
  }) =>
    Effect.gen(function* () {
      const { at } = options
      const secret = Session.generateSecret()
      const session: Session.Session = {
        id: SessionId.make(randomUuid()),
        userId: options.user.id,
        purpose: options.purpose,
        createdAt: at,
        expiresAt: new Date(at.getTime() + Duration.toMillis(Session.lifetime)),
        lastSeenAt: at,
        userAgent: Session.clip(options.client.userAgent),
        ip: Session.clip(options.client.ip, 64),
        revokedAt: null
      }
      yield* sessions.insert(session, yield* Session.hash(secret))
      const user: User.User = { ...options.user, lastSignedInAt: at }
      yield* users.update(user)
      yield* events.append(
        DomainEvent.make({
          // The user signing in is who acts.
          actor: Actor.session({
            sessionId: session.id,
            userId: user.id,
            isPlatformAdmin: user.isPlatformAdmin,
            purpose: session.purpose
          }),
          type: "session.created",
          at,
          userId: user.id,
          after: {
            sessionId: session.id,
            purpose: session.purpose,
            method: options.method,
            expiresAt: session.expiresAt.toISOString(),
            userAgent: session.userAgent,
            ip: session.ip
          }
        })
      )
      return { session, secret, user }
    })

  /**
   * Makes a one-time token for `user` and records that it was issued (never its secret). Returns the
   * secret, shown once, and when it expires.
   */
  const issueOneTimeToken = (options: {
    readonly purpose: OneTimeToken.Purpose
    readonly user: User.User
    readonly actor: Actor.Actor
    readonly at: Date
    readonly organizationId: OrganizationId | null
  }) =>
    Effect.gen(function* () {
      const { purpose, at } = options
      const secret = OneTimeToken.generateSecret(purpose)
      const token: OneTimeToken.OneTimeToken = {
        id: OneTimeTokenId.make(randomUuid()),
        userId: options.user.id,
        purpose,
        createdAt: at,
        expiresAt: OneTimeToken.expiresAt(purpose, at),
        usedAt: null,
        createdBy: Actor.describe(options.actor)
      }
      yield* oneTimeTokens.insert(token, yield* OneTimeToken.hash(secret))
      yield* events.append(
        DomainEvent.make({
          actor: options.actor,
          type: purpose === "magic_link" ? "auth.magic_link_issued" : "auth.email_verification_issued",
          at,
          organizationId: options.organizationId,
          userId: options.user.id,
          after: { tokenId: token.id, expiresAt: token.expiresAt.toISOString() }
        })
      )
      return { secret, expiresAt: token.expiresAt }
    })

  /**
   * Takes one attempt at a password, a magic link or a second factor for the key
   * (`LoginThrottle.keyFor`), or refuses (`TooManyAttempts`) while it is locked. The attempt counts
   * as a failure from the moment it starts, so that guesses sent all at once are each counted before
   * any is checked: however many arrive together, no more than `LoginThrottle.maxFailures` are ever
   * checked in one window. (Counted after the check, as a slow hash finishes, a burst of requests
   * all passed the lock before the first failure was written.) A success clears the count
   * (`clearAttempts`); an attempt that proved the password but cannot sign in yet gives its count
   * back (`releaseAttempt`).
   */
  const claimAttempt = (throttleKey: string, at: Date) =>
    transaction({ loginThrottle: throttleKey })(
      Effect.gen(function* () {
        const throttle = yield* throttles.get(throttleKey)
        const retryAfterSeconds = LoginThrottle.retryAfterSeconds(throttle, at)
        if (retryAfterSeconds !== null) return yield* new TooManyAttempts({ retryAfterSeconds })
        yield* throttles.put(LoginThrottle.recordFailure(throttle, throttleKey, at))
      })
    )

  /** The right password (and factor) was given: the attempts counted for the key no longer count. */
  const clearAttempts = (throttleKey: string) =>
    transaction({ loginThrottle: throttleKey })(throttles.clear(throttleKey))

  /**
   * A claimed attempt that proved the password but stopped short of signing in — the second factor
   * is still to come (`MFA_REQUIRED`, how a client learns it needs one), or the account is
   * deactivated — is no failure: it gives its count back, so that two-step sign-ins never lock anyone.
   */
  const releaseAttempt = (throttleKey: string) =>
    transaction({ loginThrottle: throttleKey })(
      Effect.flatMap(throttles.get(throttleKey), (throttle) =>
        Option.isNone(throttle) ? Effect.void : throttles.put(LoginThrottle.release(throttle.value))
      )
    )

  /**
   * The `auth.login_failed` event: of the user when the email found one, else of nobody. Written for
   * both, so that a refusal costs the same round trips whether or not the email has an account. The
   * reason says which proof failed, never what was typed. Nobody's event holds no personal data: no
   * email, and no address or user agent either, since no erasure would ever reach them; it keeps the
   * same fields, as nulls.
   */
  const failureEvent = (
    user: Option.Option<User.User>,
    reason: "password" | "mfa_code" | "current_password",
    client: Client,
    at: Date,
    actor: DomainEvent.EventActor = DomainEvent.anonymous
  ) =>
    events.append(
      DomainEvent.make({
        actor,
        type: "auth.login_failed",
        at,
        userId: Option.isSome(user) ? user.value.id : null,
        after: {
          reason,
          userAgent: Option.isSome(user) ? Session.clip(client.userAgent) : null,
          ip: Option.isSome(user) ? Session.clip(client.ip, 64) : null
        }
      })
    )

  return {
    claimAttempt,
    clearAttempts,
    releaseAttempt,
    failureEvent,
    findUser,
    setPassword,
    endSessions,
    voidLinks,
    clearMfa,
    eraseSecrets,
    startSession,
    issueOneTimeToken
  } as const
})
