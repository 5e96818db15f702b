/**
 * The contract of what signing in stores: `CredentialRepository`, `SessionRepository`,
 * `LoginThrottleRepository`, `MfaRepository` and `OneTimeTokenRepository`.
 */
import { assert, describe } from "vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import {
  CredentialRepository,
  LoginThrottleRepository,
  MfaRepository,
  OneTimeTokenRepository,
  SessionRepository
} from "../index.js"
import type { Credential, LoginThrottle, TotpFactor } from "../index.js"
import type { It } from "./Contract.js"
import { at, hash, id, newOneTimeToken, newSession, newUser, unique } from "./Fixtures.js"

/** Passwords, sessions, throttles, second factors and one-time tokens. */
export const tests = (it: It): void => {
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
        assert.deepStrictEqual(yield* tokens.consume(h, "magic_link", at(2)), Option.some({ ...token, usedAt: at(2) }))
        assert.deepStrictEqual(yield* tokens.find(h, "magic_link", at(3)), Option.none(), "used")
        const expiring = yield* newOneTimeToken(user.id)
        assert.deepStrictEqual(yield* tokens.find(expiring.hash, "magic_link", expiring.token.expiresAt), Option.none())
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
}
