/**
 * The identity ports' contract: credentials, sessions, sign-in throttling, second factors, one-time
 * tokens, and the identity-level methods of the user, member and event repositories and of the
 * transactor. Written once; `IdentityPortsContract.test.ts` runs it on memory, PGlite and PostgreSQL.
 *
 * One storage serves a whole run, so every test makes its own users, sessions and tokens (random
 * ids, unique emails and keys) and looks only at those; where a port answers for the whole storage
 * (`UserRepository.page`, `countPlatformAdmins`) the test narrows with a unique `q` or counts a
 * difference. Dates carry milliseconds everywhere, so every round trip shows they survive.
 */
import { assert, describe, layer } from "@effect/vitest"
import {
  CredentialRepository,
  EventRepository,
  LoginThrottleRepository,
  MemberRepository,
  MfaRepository,
  OneTimeTokenRepository,
  OrganizationRepository,
  Permission,
  SessionRepository,
  Transactor,
  UserRepository,
  randomUuid
} from "../index.js"
import type {
  Credential,
  DomainEvent,
  EventId,
  LoginThrottle,
  Membership,
  OneTimeToken,
  Organization,
  OrganizationId,
  Role,
  RoleId,
  Session,
  SessionId,
  TotpFactor,
  User,
  UserId
} from "../index.js"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/** The ports this contract covers. */
export type Ports =
  | OrganizationRepository
  | UserRepository
  | MemberRepository
  | EventRepository
  | Transactor
  | CredentialRepository
  | SessionRepository
  | LoginThrottleRepository
  | MfaRepository
  | OneTimeTokenRepository

/**
 * Not a port: reads stored events by id, in any organization or none. `EventRepository.page` needs an
 * organization, so the erasure of organization-less events can be seen only through this.
 */
export class EventLog extends Context.Tag("@roster/domain/testing/EventLog")<
  EventLog,
  { readonly byIds: (ids: ReadonlyArray<EventId>) => Effect.Effect<ReadonlyArray<DomainEvent.DomainEvent>> }
>() {}

/** An arbitrary instant with milliseconds; every date in the suite is an offset from it. */
const epoch = Date.parse("2024-03-05T06:07:08.123Z")
const at = (seconds: number): Date => new Date(epoch + seconds * 1000)

const id = <A extends string>(): A => randomUuid() as A
const unique = () => randomUuid().slice(0, 8)
const hash = () => randomUuid().replaceAll("-", "") + randomUuid().replaceAll("-", "")

// ---------------------------------------------------------------------------------------------
// Fixtures: each stores one new thing through the ports and returns exactly what it stored.

const makeUser = (fields: Partial<User.User> = {}): User.User => ({
  id: id<UserId>(),
  email: `user-${randomUuid()}@example.com`,
  name: null,
  idpId: null,
  createdAt: at(1),
  lastSignedInAt: null,
  emailVerifiedAt: null,
  mfaEnrolledAt: null,
  isPlatformAdmin: false,
  disabledAt: null,
  erasedAt: null,
  ...fields
})

const newUser = (fields: Partial<User.User> = {}) =>
  Effect.flatMap(UserRepository, (users) => users.insertOrGet(makeUser(fields)))

const makeSession = (userId: UserId, fields: Partial<Session.Session> = {}): Session.Session => ({
  id: id<SessionId>(),
  userId,
  purpose: "full",
  createdAt: at(0),
  expiresAt: at(3_600.5),
  lastSeenAt: at(0),
  userAgent: "Mozilla/5.0 (contract)",
  ip: "203.0.113.7",
  revokedAt: null,
  ...fields
})

/** A new session stored under a random hash; returns both. */
const newSession = (userId: UserId, fields: Partial<Session.Session> = {}) =>
  Effect.gen(function* () {
    const session = makeSession(userId, fields)
    const secretHash = hash()
    yield* (yield* SessionRepository).insert(session, secretHash)
    return { session, hash: secretHash }
  })

const newOneTimeToken = (userId: UserId, fields: Partial<OneTimeToken.OneTimeToken> = {}) =>
  Effect.gen(function* () {
    const token: OneTimeToken.OneTimeToken = {
      id: id(),
      userId,
      purpose: "magic_link",
      createdAt: at(0),
      expiresAt: at(900.25),
      usedAt: null,
      createdBy: { type: "user", id: userId },
      ...fields
    }
    const tokenHash = hash()
    yield* (yield* OneTimeTokenRepository).insert(token, tokenHash)
    return { token, hash: tokenHash }
  })

const makeRole = (organizationId: OrganizationId, fields: Partial<Role.Role> = {}): Role.Role => ({
  id: id<RoleId>(),
  organizationId,
  name: `Role ${unique()}`,
  permissions: ["can_view_users"],
  isDefault: false,
  ...fields
})

const newOrganization = (fields: Partial<Organization.Organization> = {}) =>
  Effect.gen(function* () {
    const organization: Organization.Organization = {
      id: id<OrganizationId>(),
      name: `Org ${randomUuid()}`,
      createdAt: at(0),
      ...fields
    }
    const admin = makeRole(organization.id, { name: "Admin", permissions: [...Permission.all] })
    const member = makeRole(organization.id, { name: "Member", isDefault: true })
    yield* Effect.orDie((yield* OrganizationRepository).insert(organization, [admin, member]))
    return { organization, admin, member }
  })

const makeEvent = (fields: Partial<DomainEvent.DomainEvent> = {}): DomainEvent.DomainEvent => ({
  id: id(),
  organizationId: null,
  userId: null,
  actor: { type: "operator", id: null },
  type: "user.profile_updated",
  before: null,
  after: null,
  reason: null,
  at: at(4),
  ...fields
})

export const suite = (name: string, makeLayer: () => Layer.Layer<Ports | EventLog, unknown>) =>
  layer(makeLayer(), { excludeTestServices: true, timeout: "2 minutes" })(`identity ports contract (${name})`, (it) => {
    describe("CredentialRepository", () => {
      it.effect(
        "get is none until put; put inserts, then replaces every field; delete removes it, twice harmlessly",
        () =>
          Effect.gen(function* () {
            const credentials = yield* CredentialRepository
            const user = yield* newUser()
            const other = yield* newUser()
            assert.deepStrictEqual(yield* credentials.get(user.id), Option.none())
            const first: Credential.Credential = {
              userId: user.id,
              passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$first",
              mustChangePassword: true,
              changedAt: at(-0.001)
            }
            yield* credentials.put(first)
            assert.deepStrictEqual(yield* credentials.get(user.id), Option.some(first))
            const second: Credential.Credential = {
              userId: user.id,
              passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$second",
              mustChangePassword: false,
              changedAt: at(86_400.999)
            }
            yield* credentials.put(second)
            assert.deepStrictEqual(yield* credentials.get(user.id), Option.some(second))
            const others: Credential.Credential = { ...first, userId: other.id }
            yield* credentials.put(others)
            yield* credentials.delete(user.id)
            assert.deepStrictEqual(yield* credentials.get(user.id), Option.none())
            yield* credentials.delete(user.id)
            assert.deepStrictEqual(yield* credentials.get(other.id), Option.some(others))
          })
      )
    })

    describe("SessionRepository", () => {
      it.effect("use returns a usable session as stored; unknown, revoked and expired hashes give none", () =>
        Effect.gen(function* () {
          const sessions = yield* SessionRepository
          const user = yield* newUser()
          const live = yield* newSession(user.id, { purpose: "password_change", userAgent: null, ip: null })
          // Seen just now: using it within the minute writes nothing.
          assert.deepStrictEqual(yield* sessions.use(live.hash, at(30)), Option.some(live.session))
          assert.deepStrictEqual(yield* sessions.use(hash(), at(30)), Option.none())
          const revoked = yield* newSession(user.id, { revokedAt: at(10.5) })
          assert.deepStrictEqual(yield* sessions.use(revoked.hash, at(30)), Option.none())
          const expiring = yield* newSession(user.id, { expiresAt: at(100.001) })
          assert.deepStrictEqual(yield* sessions.use(expiring.hash, at(100.001)), Option.none(), "expiresAt == now")
          assert.deepStrictEqual(yield* sessions.use(expiring.hash, at(200)), Option.none())
          // None of those wrote anything.
          assert.deepStrictEqual(yield* sessions.find(user.id, revoked.session.id), Option.some(revoked.session))
          assert.deepStrictEqual(yield* sessions.find(user.id, expiring.session.id), Option.some(expiring.session))
          // A millisecond before it expires it is usable (and, 100 s after it was last seen, now seen).
          const seen = { ...expiring.session, lastSeenAt: at(100) }
          assert.deepStrictEqual(yield* sessions.use(expiring.hash, at(100)), Option.some(seen))
        })
      )

      it.effect("use rewrites lastSeenAt only when the stored one is 60 s or more before now", () =>
        Effect.gen(function* () {
          const sessions = yield* SessionRepository
          const user = yield* newUser()
          const { session, hash: h } = yield* newSession(user.id, { lastSeenAt: at(0) })
          // 59.999 s later: not yet.
          assert.deepStrictEqual(yield* sessions.use(h, at(59.999)), Option.some(session))
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.some(session))
          // Exactly 60 s later: written, and returned as stored after that.
          const seen = { ...session, lastSeenAt: at(60) }
          assert.deepStrictEqual(yield* sessions.use(h, at(60)), Option.some(seen))
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.some(seen))
          // From the new lastSeenAt: 119.5 s is less than a minute after 60 s.
          assert.deepStrictEqual(yield* sessions.use(h, at(119.5)), Option.some(seen))
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.some(seen))
          const later = { ...session, lastSeenAt: at(500.123) }
          assert.deepStrictEqual(yield* sessions.use(h, at(500.123)), Option.some(later))
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.some(later))
          // A `now` before the stored lastSeenAt never moves it back.
          assert.deepStrictEqual(yield* sessions.use(h, at(10)), Option.some(later))
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.some(later))
        })
      )

      it.effect("listUsable: only the user's usable sessions, createdAt desc then id desc", () =>
        Effect.gen(function* () {
          const sessions = yield* SessionRepository
          const user = yield* newUser()
          const other = yield* newUser()
          const old = yield* newSession(user.id, { createdAt: at(-100.5) })
          const tieA = yield* newSession(user.id, { createdAt: at(5.005) })
          const tieB = yield* newSession(user.id, { createdAt: at(5.005) })
          const newest = yield* newSession(user.id, { createdAt: at(50.05) })
          yield* newSession(user.id, { createdAt: at(60), revokedAt: at(61) })
          const expiring = yield* newSession(user.id, { createdAt: at(70), expiresAt: at(1_000) })
          yield* newSession(other.id, { createdAt: at(80) })
          const [hi, lo] = tieA.session.id > tieB.session.id ? [tieA, tieB] : [tieB, tieA]
          assert.deepStrictEqual(yield* sessions.listUsable(user.id, at(999.999)), [
            expiring.session,
            newest.session,
            hi.session,
            lo.session,
            old.session
          ])
          assert.deepStrictEqual(yield* sessions.listUsable(user.id, at(1_000)), [
            newest.session,
            hi.session,
            lo.session,
            old.session
          ])
          assert.deepStrictEqual(yield* sessions.listUsable(id(), at(0)), [])
        })
      )

      it.effect("find returns a session in any state, only to its own user", () =>
        Effect.gen(function* () {
          const sessions = yield* SessionRepository
          const user = yield* newUser()
          const other = yield* newUser()
          const revoked = yield* newSession(user.id, { revokedAt: at(1.5), expiresAt: at(2) })
          assert.deepStrictEqual(yield* sessions.find(user.id, revoked.session.id), Option.some(revoked.session))
          assert.deepStrictEqual(yield* sessions.find(other.id, revoked.session.id), Option.none())
          assert.deepStrictEqual(yield* sessions.find(user.id, id()), Option.none())
        })
      )

      it.effect("revoke sets revokedAt once, only for the owner, and says whether it did", () =>
        Effect.gen(function* () {
          const sessions = yield* SessionRepository
          const user = yield* newUser()
          const other = yield* newUser()
          const { session, hash: h } = yield* newSession(user.id)
          assert.isFalse(yield* sessions.revoke(other.id, session.id, at(9)))
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.some(session))
          assert.isTrue(yield* sessions.revoke(user.id, session.id, at(10.01)))
          const revoked = { ...session, revokedAt: at(10.01) }
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.some(revoked))
          assert.isFalse(yield* sessions.revoke(user.id, session.id, at(20)))
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.some(revoked))
          assert.deepStrictEqual(yield* sessions.use(h, at(11)), Option.none())
          assert.isFalse(yield* sessions.revoke(user.id, id(), at(20)))
        })
      )

      it.effect("revokeAll revokes the user's usable sessions, but `except`, and counts them; expired ones stay", () =>
        Effect.gen(function* () {
          const sessions = yield* SessionRepository
          const user = yield* newUser()
          const other = yield* newUser()
          const a = yield* newSession(user.id)
          const b = yield* newSession(user.id)
          const current = yield* newSession(user.id)
          const expired = yield* newSession(user.id, { expiresAt: at(100) })
          const earlier = yield* newSession(user.id, { revokedAt: at(50) })
          const others = yield* newSession(other.id)
          assert.strictEqual(yield* sessions.revokeAll(user.id, at(100.5), current.session.id), 2)
          for (const s of [a, b]) {
            assert.deepStrictEqual(
              yield* sessions.find(user.id, s.session.id),
              Option.some({ ...s.session, revokedAt: at(100.5) })
            )
          }
          for (const s of [current, expired, earlier]) {
            assert.deepStrictEqual(yield* sessions.find(user.id, s.session.id), Option.some(s.session))
          }
          assert.deepStrictEqual(yield* sessions.find(other.id, others.session.id), Option.some(others.session))
          // Without `except`: the current one too; nothing left the second time.
          assert.strictEqual(yield* sessions.revokeAll(user.id, at(200.2)), 1)
          assert.deepStrictEqual(
            yield* sessions.find(user.id, current.session.id),
            Option.some({ ...current.session, revokedAt: at(200.2) })
          )
          assert.deepStrictEqual(yield* sessions.find(user.id, expired.session.id), Option.some(expired.session))
          assert.strictEqual(yield* sessions.revokeAll(user.id, at(300)), 0)
          assert.deepStrictEqual(yield* sessions.listUsable(other.id, at(300)), [others.session])
        })
      )

      it.effect("setPurpose changes only the purpose; deleteAll removes every session of the user", () =>
        Effect.gen(function* () {
          const sessions = yield* SessionRepository
          const user = yield* newUser()
          const other = yield* newUser()
          const { session, hash: h } = yield* newSession(user.id, { purpose: "password_change" })
          const revoked = yield* newSession(user.id, { revokedAt: at(1) })
          const others = yield* newSession(other.id, { purpose: "password_change" })
          yield* sessions.setPurpose(session.id, "full")
          const upgraded = { ...session, purpose: "full" as const }
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.some(upgraded))
          assert.deepStrictEqual(yield* sessions.use(h, at(1)), Option.some(upgraded))
          assert.deepStrictEqual(yield* sessions.find(other.id, others.session.id), Option.some(others.session))
          yield* sessions.deleteAll(user.id)
          assert.deepStrictEqual(yield* sessions.find(user.id, session.id), Option.none())
          assert.deepStrictEqual(yield* sessions.find(user.id, revoked.session.id), Option.none())
          assert.deepStrictEqual(yield* sessions.use(h, at(1)), Option.none())
          assert.deepStrictEqual(yield* sessions.find(other.id, others.session.id), Option.some(others.session))
        })
      )
    })

    describe("LoginThrottleRepository", () => {
      it.effect("get is none until put; put inserts, then replaces; clear removes, twice harmlessly", () =>
        Effect.gen(function* () {
          const throttles = yield* LoginThrottleRepository
          const key = `someone-${unique()}@example.com`
          const otherKey = `other-${unique()}@example.com`
          assert.deepStrictEqual(yield* throttles.get(key), Option.none())
          const first: LoginThrottle.LoginThrottle = {
            emailKey: key,
            failures: 1,
            windowStart: at(0.5),
            lockedUntil: null
          }
          yield* throttles.put(first)
          assert.deepStrictEqual(yield* throttles.get(key), Option.some(first))
          const locked: LoginThrottle.LoginThrottle = {
            emailKey: key,
            failures: 5,
            windowStart: at(10.25),
            lockedUntil: at(910.25)
          }
          yield* throttles.put(locked)
          assert.deepStrictEqual(yield* throttles.get(key), Option.some(locked))
          const other = { ...first, emailKey: otherKey }
          yield* throttles.put(other)
          yield* throttles.put({ ...locked, failures: 0, lockedUntil: null })
          assert.deepStrictEqual(yield* throttles.get(key), Option.some({ ...locked, failures: 0, lockedUntil: null }))
          yield* throttles.clear(key)
          assert.deepStrictEqual(yield* throttles.get(key), Option.none())
          yield* throttles.clear(key)
          assert.deepStrictEqual(yield* throttles.get(otherKey), Option.some(other))
        })
      )
    })

    describe("MfaRepository", () => {
      it.effect("getTotp is none until putTotp; putTotp replaces every field; deleteTotp removes it", () =>
        Effect.gen(function* () {
          const mfa = yield* MfaRepository
          const user = yield* newUser()
          const other = yield* newUser()
          assert.deepStrictEqual(yield* mfa.getTotp(user.id), Option.none())
          const pending: TotpFactor.TotpFactor = {
            userId: user.id,
            sealedSecret: "sealed:pending",
            createdAt: at(0.001),
            enabledAt: null,
            lastUsedStep: null
          }
          yield* mfa.putTotp(pending)
          assert.deepStrictEqual(yield* mfa.getTotp(user.id), Option.some(pending))
          // Steps are about 5.7e7 today; a big one shows they are not cut to 32 bits.
          const enabled: TotpFactor.TotpFactor = {
            userId: user.id,
            sealedSecret: "sealed:enabled",
            createdAt: at(30.03),
            enabledAt: at(60.06),
            lastUsedStep: 4_000_000_001
          }
          yield* mfa.putTotp(enabled)
          assert.deepStrictEqual(yield* mfa.getTotp(user.id), Option.some(enabled))
          yield* mfa.putTotp({ ...pending, userId: other.id })
          yield* mfa.deleteTotp(user.id)
          assert.deepStrictEqual(yield* mfa.getTotp(user.id), Option.none())
          yield* mfa.deleteTotp(user.id)
          assert.deepStrictEqual(yield* mfa.getTotp(other.id), Option.some({ ...pending, userId: other.id }))
        })
      )

      it.effect("setLastUsedStep only moves forward: a replayed or older step, or no factor, is false", () =>
        Effect.gen(function* () {
          const mfa = yield* MfaRepository
          const user = yield* newUser()
          assert.isFalse(yield* mfa.setLastUsedStep(user.id, 1))
          const factor: TotpFactor.TotpFactor = {
            userId: user.id,
            sealedSecret: "sealed",
            createdAt: at(0),
            enabledAt: at(1),
            lastUsedStep: null
          }
          yield* mfa.putTotp(factor)
          assert.isTrue(yield* mfa.setLastUsedStep(user.id, 57_000_000))
          assert.deepStrictEqual(yield* mfa.getTotp(user.id), Option.some({ ...factor, lastUsedStep: 57_000_000 }))
          assert.isFalse(yield* mfa.setLastUsedStep(user.id, 57_000_000), "replay")
          assert.isFalse(yield* mfa.setLastUsedStep(user.id, 56_999_999), "older")
          assert.deepStrictEqual(yield* mfa.getTotp(user.id), Option.some({ ...factor, lastUsedStep: 57_000_000 }))
          assert.isTrue(yield* mfa.setLastUsedStep(user.id, 57_000_001))
          assert.deepStrictEqual(yield* mfa.getTotp(user.id), Option.some({ ...factor, lastUsedStep: 57_000_001 }))
        })
      )

      it.effect("recovery codes: replaced, consumed once each by their owner, counted, deleted", () =>
        Effect.gen(function* () {
          const mfa = yield* MfaRepository
          const user = yield* newUser()
          const other = yield* newUser()
          const [a, b, c] = [hash(), hash(), hash()]
          assert.strictEqual(yield* mfa.countUnusedRecoveryCodes(user.id), 0)
          assert.isFalse(yield* mfa.consumeRecoveryCode(user.id, a, at(1)))
          yield* mfa.replaceRecoveryCodes(user.id, [a, b, c])
          yield* mfa.replaceRecoveryCodes(other.id, [hash()])
          assert.strictEqual(yield* mfa.countUnusedRecoveryCodes(user.id), 3)
          assert.isFalse(yield* mfa.consumeRecoveryCode(other.id, a, at(1)), "another user's code")
          assert.isTrue(yield* mfa.consumeRecoveryCode(user.id, a, at(1.5)))
          assert.isFalse(yield* mfa.consumeRecoveryCode(user.id, a, at(2)), "second time")
          assert.strictEqual(yield* mfa.countUnusedRecoveryCodes(user.id), 2)
          // Replacing drops the old codes, used or not.
          const [d, e] = [hash(), hash()]
          yield* mfa.replaceRecoveryCodes(user.id, [d, e])
          assert.strictEqual(yield* mfa.countUnusedRecoveryCodes(user.id), 2)
          assert.isFalse(yield* mfa.consumeRecoveryCode(user.id, b, at(3)))
          assert.isTrue(yield* mfa.consumeRecoveryCode(user.id, e, at(3)))
          assert.strictEqual(yield* mfa.countUnusedRecoveryCodes(user.id), 1)
          yield* mfa.replaceRecoveryCodes(user.id, [])
          assert.strictEqual(yield* mfa.countUnusedRecoveryCodes(user.id), 0)
          yield* mfa.replaceRecoveryCodes(user.id, [a])
          yield* mfa.deleteRecoveryCodes(user.id)
          assert.strictEqual(yield* mfa.countUnusedRecoveryCodes(user.id), 0)
          assert.isFalse(yield* mfa.consumeRecoveryCode(user.id, a, at(4)))
          assert.strictEqual(yield* mfa.countUnusedRecoveryCodes(other.id), 1)
        })
      )

      it.effect("a recovery code consumed by two at once works for one", () =>
        Effect.gen(function* () {
          const mfa = yield* MfaRepository
          const user = yield* newUser()
          const code = hash()
          yield* mfa.replaceRecoveryCodes(user.id, [code])
          const results = yield* Effect.all(
            [mfa.consumeRecoveryCode(user.id, code, at(1)), mfa.consumeRecoveryCode(user.id, code, at(1))],
            { concurrency: 2 }
          )
          assert.sameMembers(results, [true, false])
        })
      )
    })

    describe("OneTimeTokenRepository", () => {
      it.effect("consume needs the right purpose, an unused and unexpired token, and works exactly once", () =>
        Effect.gen(function* () {
          const tokens = yield* OneTimeTokenRepository
          const user = yield* newUser()
          const { token, hash: h } = yield* newOneTimeToken(user.id, {
            purpose: "email_verification",
            createdBy: { type: "operator", id: null }
          })
          assert.deepStrictEqual(yield* tokens.consume(h, "magic_link", at(1)), Option.none(), "wrong purpose")
          assert.deepStrictEqual(yield* tokens.consume(hash(), "email_verification", at(1)), Option.none())
          assert.deepStrictEqual(yield* tokens.consume(h, "email_verification", at(900.25)), Option.none(), "expired")
          const used = { ...token, usedAt: at(900.249) }
          assert.deepStrictEqual(yield* tokens.consume(h, "email_verification", at(900.249)), Option.some(used))
          assert.deepStrictEqual(yield* tokens.consume(h, "email_verification", at(901)), Option.none(), "twice")
          assert.deepStrictEqual(yield* tokens.consume(h, "email_verification", at(2)), Option.none(), "twice")
        })
      )

      it.effect("find sees what consume would take, and takes nothing", () =>
        Effect.gen(function* () {
          const tokens = yield* OneTimeTokenRepository
          const user = yield* newUser()
          const { token, hash: h } = yield* newOneTimeToken(user.id)
          assert.deepStrictEqual(yield* tokens.find(h, "email_verification", at(1)), Option.none(), "wrong purpose")
          assert.deepStrictEqual(yield* tokens.find(hash(), "magic_link", at(1)), Option.none())
          assert.deepStrictEqual(yield* tokens.find(h, "magic_link", at(1)), Option.some(token))
          assert.deepStrictEqual(yield* tokens.find(h, "magic_link", at(1)), Option.some(token), "still there")
          assert.deepStrictEqual(
            yield* tokens.consume(h, "magic_link", at(2)),
            Option.some({ ...token, usedAt: at(2) })
          )
          assert.deepStrictEqual(yield* tokens.find(h, "magic_link", at(3)), Option.none(), "used")
          const expiring = yield* newOneTimeToken(user.id)
          assert.deepStrictEqual(
            yield* tokens.find(expiring.hash, "magic_link", expiring.token.expiresAt),
            Option.none()
          )
        })
      )

      it.effect("a token inserted used never works; two consuming at once, one wins", () =>
        Effect.gen(function* () {
          const tokens = yield* OneTimeTokenRepository
          const user = yield* newUser()
          const used = yield* newOneTimeToken(user.id, { usedAt: at(0.5) })
          assert.deepStrictEqual(yield* tokens.consume(used.hash, "magic_link", at(1)), Option.none())
          const { token, hash: h } = yield* newOneTimeToken(user.id)
          const results = yield* Effect.all(
            [tokens.consume(h, "magic_link", at(2.002)), tokens.consume(h, "magic_link", at(2.002))],
            { concurrency: 2 }
          )
          assert.sameDeepMembers(results, [Option.some({ ...token, usedAt: at(2.002) }), Option.none()])
        })
      )

      it.effect("deleteAll removes the user's tokens, used or not, and no one else's", () =>
        Effect.gen(function* () {
          const tokens = yield* OneTimeTokenRepository
          const user = yield* newUser()
          const other = yield* newUser()
          const mine = yield* newOneTimeToken(user.id)
          yield* newOneTimeToken(user.id, { usedAt: at(1) })
          const theirs = yield* newOneTimeToken(other.id)
          yield* tokens.deleteAll(user.id)
          assert.deepStrictEqual(yield* tokens.consume(mine.hash, "magic_link", at(2)), Option.none())
          assert.deepStrictEqual(
            yield* tokens.consume(theirs.hash, "magic_link", at(2)),
            Option.some({ ...theirs.token, usedAt: at(2) })
          )
        })
      )
    })

    describe("UserRepository (identity)", () => {
      it.effect("findById returns any identity, erased ones included", () =>
        Effect.gen(function* () {
          const users = yield* UserRepository
          const user = yield* newUser({ name: "Ada" })
          const erased = yield* newUser({ email: `erased-${randomUuid()}@invalid`, erasedAt: at(5.5) })
          assert.deepStrictEqual(yield* users.findById(user.id), Option.some(user))
          assert.deepStrictEqual(yield* users.findById(erased.id), Option.some(erased))
          assert.deepStrictEqual(yield* users.findById(id()), Option.none())
        })
      )

      it.effect("update round-trips name, emailVerifiedAt, isPlatformAdmin and disabledAt, and back", () =>
        Effect.gen(function* () {
          const users = yield* UserRepository
          const user = yield* newUser()
          const changed: User.User = {
            ...user,
            name: "Ada King, Countess of Lovelace",
            emailVerifiedAt: at(-0.001),
            isPlatformAdmin: true,
            disabledAt: at(12.345)
          }
          yield* users.update(changed)
          assert.deepStrictEqual(yield* users.findById(user.id), Option.some(changed))
          yield* users.update(user)
          assert.deepStrictEqual(yield* users.findById(user.id), Option.some(user))
        })
      )

      it.effect("page filters on email and name, ignoring case, orders by lower(email) then id, excludes erased", () =>
        Effect.gen(function* () {
          const users = yield* UserRepository
          const tag = `zq${unique()}`
          const b = yield* newUser({ email: `B-${tag}@example.com` })
          const a = yield* newUser({ email: `a-${tag}@example.com` })
          const c = yield* newUser({ email: `c-${unique()}@example.com`, name: `Name ${tag.toUpperCase()}` })
          yield* newUser({ email: `d-${tag}@example.com`, erasedAt: at(1) })
          yield* newUser({ email: `x-${unique()}@example.com` })
          const q = tag.toUpperCase()
          const all = yield* users.page({ page: 0, size: 10, q })
          assert.deepStrictEqual(all, { items: [a, b, c], total: 3, page: 0, size: 10 })
          assert.deepStrictEqual(yield* users.page({ page: 0, size: 2, q }), {
            items: [a, b],
            total: 3,
            page: 0,
            size: 2
          })
          assert.deepStrictEqual(yield* users.page({ page: 1, size: 2, q }), {
            items: [c],
            total: 3,
            page: 1,
            size: 2
          })
          assert.deepStrictEqual(yield* users.page({ page: 5, size: 2, q }), {
            items: [],
            total: 3,
            page: 5,
            size: 2
          })
          assert.deepStrictEqual(yield* users.page({ page: 0, size: 2, q: `${tag}-nobody` }), {
            items: [],
            total: 0,
            page: 0,
            size: 2
          })
        })
      )

      it.effect("page orders by lowercase email, not by case, and matches LIKE wildcards literally", () =>
        Effect.gen(function* () {
          const users = yield* UserRepository
          const tag = `zw${unique()}`
          // By bytes "Z" sorts before "m"; lowercased it sorts after.
          const second = yield* newUser({ email: `Zm${tag}@example.com` })
          const first = yield* newUser({ email: `m${tag}@example.com` })
          const page = yield* users.page({ page: 0, size: 10, q: tag })
          assert.deepStrictEqual(page.items, [first, second])
          const literal = yield* newUser({ email: `p%_${tag}@example.com` })
          yield* newUser({ email: `pxy${tag}@example.com` })
          assert.deepStrictEqual((yield* users.page({ page: 0, size: 10, q: `%_${tag}` })).items, [literal])
          assert.strictEqual((yield* users.page({ page: 0, size: 10, q: tag })).total, 4)
        })
      )

      it.effect("page's q ignores case beyond ASCII, in the name", () =>
        Effect.gen(function* () {
          const users = yield* UserRepository
          const tag = unique()
          const user = yield* newUser({ name: `Ünïcorn Ågren ${tag}` })
          for (const q of [`ünïcorn ågren ${tag}`, `ÜNÏCORN ÅGREN ${tag}`, `Ågren ${tag}`]) {
            assert.deepStrictEqual((yield* users.page({ page: 0, size: 10, q })).items, [user], q)
          }
        })
      )

      it.effect("page is the whole platform when q is absent, with a true total", () =>
        Effect.gen(function* () {
          const users = yield* UserRepository
          const before = yield* users.page({ page: 0, size: 1 })
          yield* newUser()
          yield* newUser({ erasedAt: at(1) })
          const after = yield* users.page({ page: 0, size: 1 })
          assert.strictEqual(after.total, before.total + 1)
          assert.strictEqual(after.items.length, 1)
          const past = yield* users.page({ page: after.total, size: 1 })
          assert.deepStrictEqual(past, { items: [], total: after.total, page: after.total, size: 1 })
        })
      )

      it.effect("countPlatformAdmins counts admins who are neither disabled nor erased", () =>
        Effect.gen(function* () {
          const users = yield* UserRepository
          const before = yield* users.countPlatformAdmins
          const admin = yield* newUser({ isPlatformAdmin: true })
          yield* newUser({ isPlatformAdmin: true, disabledAt: at(1) })
          yield* newUser({ isPlatformAdmin: true, erasedAt: at(1) })
          yield* newUser()
          assert.strictEqual(yield* users.countPlatformAdmins, before + 1)
          yield* users.update({ ...admin, disabledAt: at(2) })
          assert.strictEqual(yield* users.countPlatformAdmins, before)
          yield* users.update(admin)
          assert.strictEqual(yield* users.countPlatformAdmins, before + 1)
          yield* users.update({ ...admin, isPlatformAdmin: false })
          assert.strictEqual(yield* users.countPlatformAdmins, before)
        })
      )
    })

    describe("MemberRepository.listForUser", () => {
      it.effect("every membership of the user, any status, with organization and role, by creation then org id", () =>
        Effect.gen(function* () {
          const members = yield* MemberRepository
          const user = yield* newUser()
          const other = yield* newUser()
          const orgs = [yield* newOrganization(), yield* newOrganization(), yield* newOrganization()]
          const late = yield* newOrganization({ createdAt: at(-5) })
          const membership = (
            org: (typeof orgs)[number],
            userId: UserId,
            fields: Partial<Membership.Membership>
          ): Membership.Membership => ({
            id: id(),
            userId,
            organizationId: org.organization.id,
            roleId: org.member.id,
            status: "ACTIVE",
            firstName: null,
            lastName: null,
            title: null,
            createdAt: at(2),
            updatedAt: at(2),
            ...fields
          })
          const inLate = membership(late, user.id, { createdAt: at(100.1), status: "FORGOTTEN" })
          const [t0, t1, t2] = orgs.map((org, i) =>
            membership(org, user.id, {
              createdAt: at(10.01),
              status: (["INACTIVE", "ACTIVE", "REMOVED"] as const)[i]!,
              roleId: i === 1 ? org.admin.id : org.member.id,
              firstName: "Ada",
              title: i === 0 ? "Countess" : null
            })
          )
          const earliest = membership(orgs[0]!, other.id, { createdAt: at(0) })
          for (const m of [inLate, t2!, t0!, t1!, earliest]) yield* members.insert(m)
          const tied = [
            { organization: orgs[0]!.organization, membership: t0!, role: orgs[0]!.member },
            { organization: orgs[1]!.organization, membership: t1!, role: orgs[1]!.admin },
            { organization: orgs[2]!.organization, membership: t2!, role: orgs[2]!.member }
          ].sort((x, y) => (x.organization.id < y.organization.id ? -1 : 1))
          assert.deepStrictEqual(yield* members.listForUser(user.id), [
            ...tied,
            { organization: late.organization, membership: inLate, role: late.member }
          ])
          assert.deepStrictEqual(yield* members.listForUser(id()), [])
        })
      )
    })

    describe("EventRepository.eraseIdentityData", () => {
      it.effect("removes email, name, ip and userAgent from the user's events, organization-less ones too", () =>
        Effect.gen(function* () {
          const events = yield* EventRepository
          const log = yield* EventLog
          const user = yield* newUser()
          const other = yield* newUser()
          const acme = yield* newOrganization()
          const personal = { email: user.email, name: "Ada", ip: "203.0.113.9", userAgent: "curl/8" }
          const kept = { isPlatformAdmin: true, disabledAt: null, nested: { email: "stays@example.com" } }
          const identityLevel = makeEvent({
            userId: user.id,
            before: { ...personal, ...kept },
            after: { ...personal, isPlatformAdmin: false },
            reason: "asked by support"
          })
          const inOrganization = makeEvent({
            organizationId: acme.organization.id,
            userId: user.id,
            type: "user.added",
            before: null,
            after: { ...personal, firstName: "Ada", title: "Countess" }
          })
          const othersEvent = makeEvent({ userId: other.id, after: { ...personal, email: other.email } })
          for (const e of [identityLevel, inOrganization, othersEvent]) yield* events.append(e)
          yield* events.eraseIdentityData(user.id)
          const stored = yield* log.byIds([identityLevel.id, inOrganization.id, othersEvent.id])
          const byId = new Map(stored.map((e) => [e.id, e]))
          assert.deepStrictEqual(byId.get(identityLevel.id), {
            ...identityLevel,
            before: kept,
            after: { isPlatformAdmin: false }
          })
          assert.deepStrictEqual(byId.get(inOrganization.id), {
            ...inOrganization,
            after: { firstName: "Ada", title: "Countess" }
          })
          assert.deepStrictEqual(byId.get(othersEvent.id), othersEvent)
          const page = yield* events.page(acme.organization.id, { page: 0, size: 10 })
          assert.deepStrictEqual(page.items, [{ ...inOrganization, after: { firstName: "Ada", title: "Countess" } }])
        })
      )
    })

    // `it.live` inside `layer(…)` does not provide the layer's services (@effect/vitest 0.30), so these
    // run as `it.effect` on the live clock (`excludeTestServices`): the sleeps are real, and the
    // elapsed time shows the transactions did queue.
    describe("Transactor lock scopes", () => {
      it.effect('"platform" serializes two transactions that read the admin count, then write', () =>
        Effect.gen(function* () {
          const transactor = yield* Transactor
          const users = yield* UserRepository
          const promoteCounting = () =>
            transactor.transaction("platform")(
              Effect.gen(function* () {
                const seen = yield* users.countPlatformAdmins
                // Time for the other transaction to read the same count, were it not held back.
                yield* Effect.sleep("100 millis")
                yield* newUser({ isPlatformAdmin: true })
                return seen
              })
            )
          const started = Date.now()
          const seen = yield* Effect.all([promoteCounting(), promoteCounting()], { concurrency: "unbounded" })
          assert.isAtLeast(Date.now() - started, 195)
          const low = Math.min(...seen)
          assert.sameMembers(seen, [low, low + 1])
          assert.strictEqual(yield* users.countPlatformAdmins, low + 2)
        })
      )

      it.effect("{ loginThrottle } serializes read-then-write failures on one key, so none is lost", () =>
        Effect.gen(function* () {
          const transactor = yield* Transactor
          const throttles = yield* LoginThrottleRepository
          const key = `race-${unique()}@example.com`
          const fail = transactor.transaction({ loginThrottle: key })(
            Effect.gen(function* () {
              const current = yield* throttles.get(key)
              yield* Effect.sleep("50 millis")
              const failures = Option.match(current, { onNone: () => 0, onSome: (t) => t.failures })
              yield* throttles.put({ emailKey: key, failures: failures + 1, windowStart: at(0), lockedUntil: null })
            })
          )
          yield* Effect.all([fail, fail, fail], { concurrency: "unbounded" })
          assert.deepStrictEqual(
            yield* throttles.get(key),
            Option.some({ emailKey: key, failures: 3, windowStart: at(0), lockedUntil: null })
          )
        })
      )
    })
  })
