/**
 * A signed-in user's own account: profile, organizations, sessions, password and second factor.
 * A `password_change` session may only change the password here (every other call is
 * `PasswordChangeRequired`).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Accounts from "./Accounts.js"
import * as Actor from "../model/access/Actor.js"
import {
  InvalidCredentials,
  InvalidMfaCode,
  PasswordChangeRequired,
  SessionNotFound
} from "../model/identity/AuthError.js"
import * as DomainEvent from "../model/event/DomainEvent.js"
import type { SessionId } from "../kernel/Ids.js"
import type * as IdentityInput from "../api/IdentityInput.js"
import * as LoginThrottle from "../model/identity/LoginThrottle.js"
import { MfaAlreadyEnabled, NoPendingEnrolment } from "../model/identity/MfaError.js"
import { UserNotFound } from "../model/membership/MembershipError.js"
import * as Password from "../model/identity/Password.js"
import * as Policy from "../model/policy/Policy.js"
import {
  CredentialRepository,
  EventRepository,
  MemberRepository,
  MfaRepository,
  SessionRepository,
  Transactor,
  UserRepository
} from "../ports/Ports.js"
import * as RecoveryCode from "../model/identity/RecoveryCode.js"
import { DeviceParser } from "../ports/Devices.js"
import { KeyedHash, PasswordHasher, SecretBox, Totp } from "../ports/Secrets.js"
import * as Device from "../model/access/Device.js"
import { now } from "../kernel/Time.js"
import * as TotpFactor from "../model/identity/TotpFactor.js"
import * as User from "../model/identity/User.js"
import { ValidationFailed } from "../kernel/ValidationError.js"
import type { Profile, SessionView, TotpEnrolment } from "../model/account/AccountView.js"
export type { Profile, SessionView, TotpEnrolment } from "../model/account/AccountView.js"

/** The account as its owner sees it (`GET /me`). */
const requireFull = (actor: Actor.SessionActor): Effect.Effect<void, PasswordChangeRequired> =>
  actor.purpose === "full" ? Effect.void : Effect.fail(new PasswordChangeRequired())

export class Me extends Effect.Service<Me>()("@roster/domain/Me", {
  effect: Effect.gen(function* () {
    const users = yield* UserRepository
    const credentials = yield* CredentialRepository
    const sessions = yield* SessionRepository
    const mfa = yield* MfaRepository
    const members = yield* MemberRepository
    const events = yield* EventRepository
    const { transaction } = yield* Transactor
    const hasher = yield* PasswordHasher
    const box = yield* SecretBox
    const totp = yield* Totp
    const { digest } = yield* KeyedHash
    const devices = yield* DeviceParser
    const accounts = yield* Accounts.make

    /**
     * The user's password proves it is them: `InvalidCredentials` when wrong or when they have none.
     * Failures count towards the same lock as sign-in (`TooManyAttempts`), so that a session, stolen
     * or not, cannot be used to guess the password and then turn the second factor off.
     */
    const requirePassword = (user: User.User, password: string) =>
      Effect.gen(function* () {
        const at = yield* now
        const throttleKey = LoginThrottle.accountKey(digest, user.id)
        yield* accounts.claimAttempt(throttleKey, at)
        const credential = yield* credentials.get(user.id)
        const verified = Option.isSome(credential)
          ? yield* hasher.verify(credential.value.passwordHash, password)
          : yield* hasher.verifyDummy(password)
        if (!verified) {
          yield* accounts.failureEvent(Option.some(user), "current_password", {}, at, DomainEvent.user(user.id))
          return yield* new InvalidCredentials()
        }
        // Right: the attempt no longer counts.
        yield* accounts.clearAttempts(throttleKey)
      })

    const currentMemberships = (actor: Actor.SessionActor) =>
      members
        .listForUser(actor.userId)
        .pipe(Effect.map((all) => all.filter((m) => Policy.isCurrent(m.membership.status))))

    const profile = (actor: Actor.SessionActor) =>
      Effect.gen(function* () {
        yield* requireFull(actor)
        const user = yield* accounts.findUser(actor.userId)
        return {
          user,
          mfaEnabled: user.mfaEnrolledAt !== null,
          recoveryCodesLeft: user.mfaEnrolledAt === null ? 0 : yield* mfa.countUnusedRecoveryCodes(user.id),
          memberships: yield* currentMemberships(actor)
        } satisfies Profile
      })

    /** The organizations the user belongs to (not REMOVED or FORGOTTEN), with their role and status there. */
    const organizations = (actor: Actor.SessionActor) =>
      requireFull(actor).pipe(Effect.zipRight(currentMemberships(actor)))

    /** The user's sessions that are still usable, newest first, the current one marked. */
    const listSessions = (actor: Actor.SessionActor) =>
      Effect.gen(function* () {
        yield* requireFull(actor)
        const usable = yield* sessions.listUsable(actor.userId, yield* now)
        return usable.map(
          (session): SessionView => ({
            session,
            device: session.userAgent === null ? Device.unknown : devices.parse(session.userAgent),
            current: session.id === actor.sessionId
          })
        )
      })

    /**
     * Changes what the user shows of themselves: their name and picture (absent: as it is; null:
     * cleared). A change is recorded with both values before and after; no change records nothing.
     */
    const updateProfile = (actor: Actor.SessionActor, input: IdentityInput.UpdateMyProfile) =>
      Effect.gen(function* () {
        yield* requireFull(actor)
        const at = yield* now
        yield* transaction(null)(
          Effect.gen(function* () {
            const user = yield* accounts.findUser(actor.userId)
            const updated: User.User = {
              ...user,
              ...(input.name === undefined ? {} : { name: input.name }),
              ...(input.avatarUrl === undefined ? {} : { avatarUrl: input.avatarUrl })
            }
            const before = User.profileSnapshot(user)
            const after = User.profileSnapshot(updated)
            if (before.name === after.name && before.avatarUrl === after.avatarUrl) return
            if (!(yield* users.updateProfile(user.id, after))) {
              return yield* new UserNotFound({ userId: user.id, scope: "platform" })
            }
            yield* events.append(
              DomainEvent.make({ actor, type: "identity.profile_updated", at, userId: user.id, before, after })
            )
          })
        )
        return yield* profile(actor)
      })

    /** Ends one of the user's own sessions (the current one too). Another user's is `SessionNotFound`. */
    const revokeSession = (actor: Actor.SessionActor, sessionId: SessionId) =>
      Effect.gen(function* () {
        yield* requireFull(actor)
        const at = yield* now
        yield* transaction(null)(
          Effect.gen(function* () {
            if (Option.isNone(yield* sessions.find(actor.userId, sessionId))) {
              return yield* new SessionNotFound({ sessionId })
            }
            if (!(yield* sessions.revoke(actor.userId, sessionId, at))) return
            yield* events.append(
              DomainEvent.make({
                actor,
                type: "session.revoked",
                at,
                userId: actor.userId,
                after: { sessionId, reason: sessionId === actor.sessionId ? "logout" : "revoked" }
              })
            )
          })
        )
      })

    /**
     * Changes the password, proven by the current one. Every other session ends; a `password_change`
     * session becomes `full`. Returns the actor as it now is.
     */
    const changePassword = (actor: Actor.SessionActor, input: IdentityInput.ChangePassword) =>
      Effect.gen(function* () {
        const user = yield* accounts.findUser(actor.userId)
        yield* requirePassword(user, input.currentPassword)
        yield* Password.check(input.newPassword, user.email, "newPassword")
        if (input.newPassword === input.currentPassword) {
          return yield* ValidationFailed.single("newPassword", "must differ from the current password")
        }
        const passwordHash = yield* hasher.hash(input.newPassword)
        const at = yield* now
        yield* transaction(null)(
          Effect.gen(function* () {
            yield* accounts.setPassword({
              actor,
              user,
              passwordHash,
              mustChangePassword: false,
              at,
              type: "identity.password_changed",
              keep: actor.sessionId
            })
            if (actor.purpose !== "full") yield* sessions.setPurpose(actor.sessionId, "full")
          })
        )
        return Actor.session({ ...actor, purpose: "full" })
      })

    /**
     * Starts a TOTP enrolment (replacing a pending one) with ten new recovery codes. It is enabled
     * by `enableTotp` with a first code; until then sign-in does not ask for one.
     */
    const startTotp = (actor: Actor.SessionActor) =>
      Effect.gen(function* () {
        yield* requireFull(actor)
        const user = yield* accounts.findUser(actor.userId)
        const existing = yield* mfa.getTotp(user.id)
        if (Option.isSome(existing) && TotpFactor.isEnabled(existing.value)) return yield* new MfaAlreadyEnabled()
        const secret = yield* totp.generateSecret
        const sealedSecret = yield* box.seal(secret)
        const recoveryCodes = RecoveryCode.generate()
        const codeHashes = yield* Effect.forEach(recoveryCodes, RecoveryCode.hash)
        const at = yield* now
        yield* transaction(null)(
          Effect.gen(function* () {
            yield* mfa.putTotp({ userId: user.id, sealedSecret, createdAt: at, enabledAt: null, lastUsedStep: null })
            yield* mfa.replaceRecoveryCodes(user.id, codeHashes)
            yield* events.append(
              DomainEvent.make({ actor, type: "mfa.enrolment_started", at, userId: user.id, after: { method: "totp" } })
            )
          })
        )
        const otpauthUrl = totp.uri({ secret, issuer: TotpFactor.issuer, label: user.email })
        return {
          secret,
          otpauthUrl,
          qrCodeUrl: yield* totp.qrCode(otpauthUrl),
          recoveryCodes
        } satisfies TotpEnrolment
      })

    /** Enables the pending TOTP enrolment with a first valid code (which then cannot be used again). */
    const enableTotp = (actor: Actor.SessionActor, code: string) =>
      Effect.gen(function* () {
        yield* requireFull(actor)
        const user = yield* accounts.findUser(actor.userId)
        const factor = yield* mfa.getTotp(user.id)
        if (Option.isNone(factor)) return yield* new NoPendingEnrolment()
        if (TotpFactor.isEnabled(factor.value)) return yield* new MfaAlreadyEnabled()
        const at = yield* now
        const step = totp.verify(yield* box.open(factor.value.sealedSecret), code.trim(), at)
        if (step === null) return yield* new InvalidMfaCode()
        yield* transaction(null)(
          Effect.gen(function* () {
            yield* mfa.putTotp({ ...factor.value, enabledAt: at, lastUsedStep: step })
            yield* users.update({ ...user, mfaEnrolledAt: at })
            yield* events.append(
              DomainEvent.make({ actor, type: "mfa.enabled", at, userId: user.id, after: { method: "totp" } })
            )
          })
        )
      })

    /** Turns the second factor off (and drops its recovery codes), proven by the password. */
    const disableMfa = (actor: Actor.SessionActor, password: string) =>
      Effect.gen(function* () {
        yield* requireFull(actor)
        const user = yield* accounts.findUser(actor.userId)
        yield* requirePassword(user, password)
        const at = yield* now
        yield* transaction(null)(
          Effect.gen(function* () {
            const factor = yield* mfa.getTotp(user.id)
            if (Option.isNone(factor) && user.mfaEnrolledAt === null) return
            yield* mfa.deleteTotp(user.id)
            yield* mfa.deleteRecoveryCodes(user.id)
            yield* users.update({ ...user, mfaEnrolledAt: null })
            yield* events.append(
              DomainEvent.make({ actor, type: "mfa.disabled", at, userId: user.id, after: { by: "self" } })
            )
          })
        )
      })

    return {
      profile,
      updateProfile,
      organizations,
      sessions: listSessions,
      revokeSession,
      changePassword,
      startTotp,
      enableTotp,
      disableMfa
    } as const
  })
}) {}
