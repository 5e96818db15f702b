/**
 * Signing in and out, and what a presented session stands for. Sign-in resists enumeration (an
 * unknown email costs the same time and fails the same way as a wrong password) and guessing (five
 * failures for one email lock it for fifteen minutes, known or not).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Forbidden, Unauthorized } from "../model/access/AccessError.js"
import * as Accounts from "./Accounts.js"
import * as Authority from "./Authority.js"
import * as Actor from "../model/access/Actor.js"
import {
  AccountDisabled,
  InvalidCredentials,
  InvalidLink,
  InvalidMfaCode,
  MfaRequired,
  PasswordChangeRequired,
  type TooManyAttempts
} from "../model/identity/AuthError.js"
import type { Credential } from "../model/identity/Credential.js"
import * as DomainEvent from "../model/event/DomainEvent.js"
import { type OrganizationId, UserId } from "../kernel/Ids.js"
import * as LoginThrottle from "../model/identity/LoginThrottle.js"
import * as OneTimeToken from "../model/identity/OneTimeToken.js"
import {
  CredentialRepository,
  EventRepository,
  MfaRepository,
  OneTimeTokenRepository,
  SessionRepository,
  Transactor,
  UserRepository
} from "../ports/Ports.js"
import * as RecoveryCode from "../model/identity/RecoveryCode.js"
import { KeyedHash, PasswordHasher, SecretBox, Totp } from "../ports/Secrets.js"
import * as Session from "../model/access/Session.js"
import { now } from "../kernel/Time.js"
import type { TotpFactor } from "../model/identity/TotpFactor.js"
import * as User from "../model/identity/User.js"
import type { SignedIn } from "../model/account/AccountView.js"
export type { SignedIn } from "../model/account/AccountView.js"

/** A sign-in attempt: what the person typed, and where it came from (for their list of sessions). */
export interface LoginAttempt extends Accounts.Client {
  readonly email: string
  readonly password: string
  readonly code?: string | undefined
}

/** A magic link being used: its token, and the second factor when the account has one. */
export interface MagicLinkAttempt extends Accounts.Client {
  readonly token: string
  readonly code?: string | undefined
}

/**
 * Whose password an unknown email's sign-in reads: no account has the nil UUID (ids are random), and
 * what the read finds is never used. The read is there so that both refusals make the same queries.
 */
const nobody = UserId.make("00000000-0000-0000-0000-000000000000")

const notValid = new Unauthorized({ reason: "The session is not valid: unknown, signed out or expired" })

export class Auth extends Effect.Service<Auth>()("@roster/domain/Auth", {
  effect: Effect.gen(function* () {
    const users = yield* UserRepository
    const credentials = yield* CredentialRepository
    const sessions = yield* SessionRepository
    const mfa = yield* MfaRepository
    const oneTimeTokens = yield* OneTimeTokenRepository
    const events = yield* EventRepository
    const { transaction } = yield* Transactor
    const hasher = yield* PasswordHasher
    const box = yield* SecretBox
    const totp = yield* Totp
    const { digest } = yield* KeyedHash
    const accounts = yield* Accounts.make
    const authority = yield* Authority.make

    const { claimAttempt, clearAttempts, failureEvent, releaseAttempt } = accounts

    /**
     * Whether `code` proves the second factor: a TOTP code for a step after the last one used (the
     * step is taken atomically, so a code works once), or an unused recovery code (used up here).
     */
    const acceptSecondFactor = (user: User.User, factor: TotpFactor, code: string, at: Date) =>
      Effect.gen(function* () {
        const secret = yield* box.open(factor.sealedSecret)
        const step = totp.verify(secret, code.trim(), at)
        if (step !== null) return yield* mfa.setLastUsedStep(user.id, step)
        if (!RecoveryCode.looksLikeRecoveryCode(code)) return false
        const codeHash = yield* RecoveryCode.hash(code)
        return yield* transaction(null)(
          Effect.gen(function* () {
            if (!(yield* mfa.consumeRecoveryCode(user.id, codeHash, at))) return false
            yield* events.append(
              DomainEvent.make({
                actor: DomainEvent.user(user.id),
                type: "mfa.recovery_code_used",
                at,
                userId: user.id,
                after: { remaining: yield* mfa.countUnusedRecoveryCodes(user.id) }
              })
            )
            return true
          })
        )
      })

    /**
     * The second factor, when the account has one enabled: `MfaRequired` without a code,
     * `InvalidMfaCode` for a wrong one (which callers count as a failed sign-in).
     */
    const checkSecondFactor = (user: User.User, code: string | undefined, at: Date) =>
      Effect.gen(function* () {
        const factor = yield* mfa.getTotp(user.id)
        if (Option.isNone(factor) || factor.value.enabledAt === null) return
        if (code === undefined || code.trim() === "") return yield* new MfaRequired()
        if (!(yield* acceptSecondFactor(user, factor.value, code, at))) return yield* new InvalidMfaCode()
      })

    /**
     * Signs in with email and password (and a second factor when enabled). Checks, in order: the
     * lock on the email → the password → `AccountDisabled` → the second factor. Up to the refusal of
     * the password, an unknown email does the same work as a known one, in the same order — find the
     * account, count the attempt, read the password hash, one argon2 verification (a dummy one where
     * there is no hash), one `auth.login_failed` event — so that neither the answer
     * (`InvalidCredentials`) nor its timing tells whether the email has an account.
     */
    const login = (
      attempt: LoginAttempt
    ): Effect.Effect<SignedIn, TooManyAttempts | InvalidCredentials | AccountDisabled | MfaRequired | InvalidMfaCode> =>
      Effect.gen(function* () {
        const at = yield* now
        const user = (yield* users.findByEmail(attempt.email.trim().normalize("NFC"))).pipe(
          Option.filter((u) => u.erasedAt === null)
        )
        const throttleKey = LoginThrottle.keyFor(digest, attempt.email, user)
        // Counted as a failure until it succeeds: see `claimAttempt`.
        yield* claimAttempt(throttleKey, at)
        const stored = yield* credentials.get(Option.isSome(user) ? user.value.id : nobody)
        const credential: Option.Option<Credential> = Option.isSome(user) ? stored : Option.none()
        const verified = Option.isSome(credential)
          ? yield* hasher.verify(credential.value.passwordHash, attempt.password)
          : yield* hasher.verifyDummy(attempt.password)
        if (!verified || Option.isNone(user) || Option.isNone(credential)) {
          yield* failureEvent(user, "password", attempt, at)
          return yield* new InvalidCredentials()
        }
        // The password was right: what stops the sign-in now is not a failed guess.
        if (user.value.disabledAt !== null) {
          yield* releaseAttempt(throttleKey)
          return yield* new AccountDisabled()
        }
        yield* checkSecondFactor(user.value, attempt.code, at).pipe(
          Effect.tapErrorTag("InvalidMfaCode", () => failureEvent(user, "mfa_code", attempt, at)),
          Effect.tapErrorTag("MfaRequired", () => releaseAttempt(throttleKey))
        )
        yield* clearAttempts(throttleKey)
        const passwordChangeRequired = credential.value.mustChangePassword
        const started = yield* transaction(null)(
          accounts.startSession({
            user: user.value,
            purpose: passwordChangeRequired ? "password_change" : "full",
            method: "password",
            client: attempt,
            at
          })
        )
        return { ...started, passwordChangeRequired }
      })

    /** Ends the session it is called with. Ending an ended session changes nothing. */
    const logout = (actor: Actor.SessionActor) =>
      Effect.gen(function* () {
        const at = yield* now
        yield* transaction(null)(
          Effect.gen(function* () {
            if (!(yield* sessions.revoke(actor.userId, actor.sessionId, at))) return
            yield* events.append(
              DomainEvent.make({
                actor,
                type: "session.revoked",
                at,
                userId: actor.userId,
                after: { sessionId: actor.sessionId, reason: "logout" }
              })
            )
          })
        )
      })

    /**
     * The signed-in user a presented `ses_…` secret stands for. Unknown, expired and revoked sessions,
     * and those of a deactivated or erased identity, all look alike: `Unauthorized`.
     */
    const authenticate = (presented: string): Effect.Effect<Actor.SessionActor, Unauthorized> =>
      Effect.gen(function* () {
        if (!Session.format.test(presented)) {
          return yield* new Unauthorized({
            reason: "The session token is malformed: expected ses_ followed by 52 letters and digits"
          })
        }
        const at = yield* now
        const session = yield* sessions.use(yield* Session.hash(presented), at)
        if (Option.isNone(session) || !Session.isUsable(session.value, at)) return yield* notValid
        const user = yield* users.findById(session.value.userId)
        if (Option.isNone(user) || !User.canSignIn(user.value)) return yield* notValid
        return Actor.session({
          sessionId: session.value.id,
          userId: user.value.id,
          isPlatformAdmin: user.value.isPlatformAdmin,
          purpose: session.value.purpose
        })
      })

    /**
     * The session acting in one organization, with the permissions of the user's role there: only
     * while that membership is ACTIVE (else `Forbidden`, also for an organization that does not
     * exist), and never for a session that must change its password first.
     */
    const actInOrganization = (
      actor: Actor.SessionActor,
      organizationId: OrganizationId
    ): Effect.Effect<Actor.MemberActor, PasswordChangeRequired | Forbidden> =>
      actor.purpose === "password_change"
        ? Effect.fail(new PasswordChangeRequired())
        : authority.memberActor(actor, organizationId)

    /**
     * The one-time token behind a presented link and its user, as `take` finds it by hash (`consume`,
     * which uses it up, or `find`, which only reads it); `InvalidLink` for anything not usable.
     */
    const readLink = (
      purpose: OneTimeToken.Purpose,
      presented: string,
      take: (hash: string) => Effect.Effect<Option.Option<OneTimeToken.OneTimeToken>>
    ) =>
      Effect.gen(function* () {
        if (!OneTimeToken.formats[purpose].test(presented)) return yield* new InvalidLink()
        const token = yield* take(yield* OneTimeToken.hash(presented))
        if (Option.isNone(token)) return yield* new InvalidLink()
        const user = yield* users.findById(token.value.userId)
        if (Option.isNone(user) || user.value.erasedAt !== null) return yield* new InvalidLink()
        return { token: token.value, user: user.value }
      })

    /** The link's token and user, the token used up. */
    const consumeLink = (purpose: OneTimeToken.Purpose, presented: string, at: Date) =>
      readLink(purpose, presented, (hash) => oneTimeTokens.consume(hash, purpose, at))

    /**
     * Signs in with a magic link: once, within 15 minutes. It stands for the password (and for one the
     * user was asked to change: the session is `full`), not for the second factor, which is asked for
     * as at sign-in. A refused attempt leaves the link unused. Like a password sign-in, the use counts
     * as an attempt from the start (`claimAttempt`), so that one link sent many times at once with
     * guessed codes gets no more than five codes checked.
     */
    const useMagicLink = (
      attempt: MagicLinkAttempt
    ): Effect.Effect<SignedIn, InvalidLink | AccountDisabled | TooManyAttempts | MfaRequired | InvalidMfaCode> =>
      Effect.gen(function* () {
        const at = yield* now
        // Who the link is for, known before it is used, so that the attempt counts on their account.
        const { user: linked } = yield* readLink("magic_link", attempt.token, (hash) =>
          oneTimeTokens.find(hash, "magic_link", at)
        )
        const throttleKey = LoginThrottle.accountKey(digest, linked.id)
        yield* claimAttempt(throttleKey, at)
        const started = yield* transaction(null)(
          Effect.gen(function* () {
            const { token, user } = yield* consumeLink("magic_link", attempt.token, at)
            if (user.disabledAt !== null) return yield* new AccountDisabled()
            yield* checkSecondFactor(user, attempt.code, at)
            yield* events.append(
              DomainEvent.make({
                actor: DomainEvent.user(user.id),
                type: "auth.magic_link_used",
                at,
                userId: user.id,
                after: { tokenId: token.id }
              })
            )
            return yield* accounts.startSession({ user, purpose: "full", method: "magic_link", client: attempt, at })
          })
        ).pipe(
          // A wrong code was a guess; anything else (no code yet, a deactivated account, the link used
          // first by another request) checked none, and gives the attempt back.
          Effect.tapError((error) =>
            error._tag === "InvalidMfaCode"
              ? failureEvent(Option.some(linked), "mfa_code", attempt, at)
              : releaseAttempt(throttleKey)
          )
        )
        yield* clearAttempts(throttleKey)
        return { ...started, passwordChangeRequired: false }
      })

    /** Confirms the email address with a verification link: once, within 7 days. */
    const verifyEmail = (presented: string): Effect.Effect<void, InvalidLink> =>
      Effect.gen(function* () {
        const at = yield* now
        yield* transaction(null)(
          Effect.gen(function* () {
            const { token, user } = yield* consumeLink("email_verification", presented, at)
            if (user.emailVerifiedAt !== null) return
            yield* users.update({ ...user, emailVerifiedAt: at })
            yield* events.append(
              DomainEvent.make({
                actor: DomainEvent.user(user.id),
                type: "identity.email_verified",
                at,
                userId: user.id,
                before: { emailVerified: false },
                after: { emailVerified: true, method: "link", tokenId: token.id }
              })
            )
          })
        )
      })

    return { login, logout, authenticate, actInOrganization, useMagicLink, verifyEmail } as const
  })
}) {}
