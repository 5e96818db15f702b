import {
  Auth,
  InvalidCredentials,
  InvalidMfaCode,
  Me,
  MfaAlreadyEnabled,
  MfaRequired,
  NoPendingEnrolment,
  SessionId,
  SessionNotFound,
  Time,
  TooManyAttempts,
  Users,
  ValidationFailed,
  randomUuid
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as TestIdentity from "./TestIdentity.js"
import * as TestOrganization from "./TestOrganization.js"
import * as TestSecrets from "./TestSecrets.js"

const { password } = TestIdentity

const setUp = Effect.gen(function* () {
  const acme = yield* TestOrganization.make("Acme")
  yield* TestOrganization.addManager(acme)
  const ada = yield* TestIdentity.addWithPassword(acme, "ada@example.com", { roleId: acme.support.id })
  return { acme, ada }
})

describe("Me", () => {
  it.effect("profile and organizations: the user's current memberships with organization, role and status", () =>
    Effect.gen(function* () {
      const { acme, ada } = yield* setUp
      const globex = yield* TestOrganization.make("Globex")
      const initech = yield* TestOrganization.make("Initech")
      const users = yield* Users
      yield* TestClock.adjust("1 minute")
      yield* TestOrganization.add(globex, { email: "ada@example.com" })
      yield* users.terminate(globex.operator, ada.user.id)
      yield* TestOrganization.add(initech, { email: "ada@example.com" })
      yield* users.remove(initech.operator, ada.user.id, { reason: "left" })
      const me = yield* Me
      const { actor } = yield* TestIdentity.signIn("ada@example.com")
      const profile = yield* me.profile(actor)
      assert.strictEqual(profile.user.email, "ada@example.com")
      assert.isFalse(profile.mfaEnabled)
      assert.deepStrictEqual(
        profile.memberships.map((m) => [m.organization.name, m.role.name, m.membership.status]),
        [
          ["Acme", "Support", "ACTIVE"],
          ["Globex", "Member", "TERMINATED"]
        ]
      )
      assert.deepStrictEqual(yield* me.organizations(actor), profile.memberships)
      assert.strictEqual(profile.memberships[0]!.organization.id, acme.id)
    }).pipe(Effect.provide(TestIdentity.layer))
  )

  describe("sessions", () => {
    it.effect("lists the usable ones, newest first, the current one marked", () =>
      Effect.gen(function* () {
        yield* setUp
        const me = yield* Me
        const auth = yield* Auth
        const first = yield* TestIdentity.signIn("ada@example.com")
        yield* TestClock.adjust("1 minute")
        const second = yield* TestIdentity.signIn("ada@example.com")
        yield* TestClock.adjust("1 minute")
        const third = yield* TestIdentity.signIn("ada@example.com")
        yield* auth.logout(third.actor)
        const listed = yield* me.sessions(second.actor)
        assert.deepStrictEqual(
          listed.map((view) => [view.session.id, view.current]),
          [
            [second.session.id, true],
            [first.session.id, false]
          ]
        )
        assert.deepStrictEqual([listed[0]!.session.userAgent, listed[0]!.session.ip], ["Vitest", "203.0.113.7"])
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("revokes one of the user's own; another user's, or an unknown one, is SessionNotFound", () =>
      Effect.gen(function* () {
        const { acme } = yield* setUp
        yield* TestIdentity.addWithPassword(acme, "grace@example.com")
        const me = yield* Me
        const ada = yield* TestIdentity.signIn("ada@example.com")
        const adaElsewhere = yield* TestIdentity.signIn("ada@example.com")
        const grace = yield* TestIdentity.signIn("grace@example.com")

        assert.deepStrictEqual(
          yield* Effect.flip(me.revokeSession(grace.actor, ada.session.id)),
          new SessionNotFound({ sessionId: ada.session.id })
        )
        assert.isTrue(yield* TestIdentity.stillWorks(ada.secret))
        const unknown = SessionId.make(randomUuid())
        assert.deepStrictEqual(
          yield* Effect.flip(me.revokeSession(ada.actor, unknown)),
          new SessionNotFound({ sessionId: unknown })
        )

        yield* me.revokeSession(ada.actor, adaElsewhere.session.id)
        assert.isFalse(yield* TestIdentity.stillWorks(adaElsewhere.secret))
        assert.isTrue(yield* TestIdentity.stillWorks(ada.secret))
        // Again: nothing changes, and it is still one of hers.
        yield* me.revokeSession(ada.actor, adaElsewhere.session.id)
        const revoked = (yield* TestIdentity.allEvents).filter((e) => e.type === "session.revoked")
        assert.deepStrictEqual(
          revoked.map((e) => e.after),
          [{ sessionId: adaElsewhere.session.id, reason: "revoked" }]
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("changePassword", () => {
    it.effect("needs the current password; ends every other session; the new password signs in", () =>
      Effect.gen(function* () {
        yield* setUp
        const me = yield* Me
        const current = yield* TestIdentity.signIn("ada@example.com")
        const other = yield* TestIdentity.signIn("ada@example.com")
        assert.deepStrictEqual(
          yield* Effect.flip(
            me.changePassword(current.actor, { currentPassword: "wrong password", newPassword: "another secret" })
          ),
          new InvalidCredentials()
        )
        yield* me.changePassword(current.actor, { currentPassword: password, newPassword: "another secret" })
        assert.isTrue(yield* TestIdentity.stillWorks(current.secret))
        assert.isFalse(yield* TestIdentity.stillWorks(other.secret))
        yield* TestIdentity.signIn("ada@example.com", "another secret")
        const event = (yield* TestIdentity.allEvents).find((e) => e.type === "identity.password_changed")!
        assert.deepStrictEqual(event.after, { mustChangePassword: false, sessionsRevoked: 1 })
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("refuses a new password that is the email, too short, too long, or unchanged", () =>
      Effect.gen(function* () {
        yield* setUp
        const me = yield* Me
        const { actor } = yield* TestIdentity.signIn("ada@example.com")
        const attempt = (newPassword: string) =>
          Effect.flip(me.changePassword(actor, { currentPassword: password, newPassword }))
        assert.deepStrictEqual(
          yield* attempt("ADA@example.com"),
          ValidationFailed.single("newPassword", "must not be your email address")
        )
        assert.deepStrictEqual(
          yield* attempt("short"),
          ValidationFailed.single("newPassword", "must be 8 to 64 characters")
        )
        assert.deepStrictEqual(
          yield* attempt("x".repeat(65)),
          ValidationFailed.single("newPassword", "must be 8 to 64 characters")
        )
        assert.deepStrictEqual(
          yield* attempt(password),
          ValidationFailed.single("newPassword", "must differ from the current password")
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("TOTP", () => {
    it.effect("start gives a secret, an otpauth URL and ten recovery codes; enable needs a valid code", () =>
      Effect.gen(function* () {
        const { ada } = yield* setUp
        const me = yield* Me
        const { actor } = yield* TestIdentity.signIn("ada@example.com")
        assert.deepStrictEqual(yield* Effect.flip(me.enableTotp(actor, "123456")), new NoPendingEnrolment())
        const enrolment = yield* me.startTotp(actor)
        assert.match(enrolment.secret, /^[A-Z2-7]{32}$/)
        assert.include(enrolment.otpauthUrl, `secret=${enrolment.secret}`)
        assert.include(enrolment.otpauthUrl, "Roster:ada%40example.com")
        assert.lengthOf(enrolment.recoveryCodes, 10)
        assert.strictEqual(new Set(enrolment.recoveryCodes).size, 10)
        for (const code of enrolment.recoveryCodes) assert.match(code, /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/)

        // Pending: sign-in does not ask for a code yet.
        yield* TestIdentity.signIn("ada@example.com")
        assert.deepStrictEqual(yield* Effect.flip(me.enableTotp(actor, "000000")), new InvalidMfaCode())

        // A new start replaces the pending enrolment: the first secret's codes no longer work.
        const replacement = yield* me.startTotp(actor)
        yield* TestClock.adjust("1 minute")
        const at = yield* Time.now
        assert.deepStrictEqual(
          yield* Effect.flip(me.enableTotp(actor, TestSecrets.totpCode(enrolment.secret, at))),
          new InvalidMfaCode()
        )
        yield* me.enableTotp(actor, TestSecrets.totpCode(replacement.secret, at))
        const profile = yield* me.profile(actor)
        assert.isTrue(profile.mfaEnabled)
        assert.strictEqual(profile.recoveryCodesLeft, 10)
        assert.strictEqual(profile.user.mfaEnrolledAt?.getTime(), 60_000)
        assert.deepStrictEqual(yield* Effect.flip(me.startTotp(actor)), new MfaAlreadyEnabled())
        assert.deepStrictEqual(yield* Effect.flip(me.enableTotp(actor, "123456")), new MfaAlreadyEnabled())

        const types = (yield* TestIdentity.allEvents).filter((e) => e.userId === ada.user.id).map((e) => e.type)
        assert.deepStrictEqual(
          types.filter((t) => t.startsWith("mfa.")),
          ["mfa.enrolment_started", "mfa.enrolment_started", "mfa.enabled"]
        )
        // The first enrolment's recovery codes were replaced too.
        assert.deepStrictEqual(
          yield* Effect.flip(TestIdentity.signIn("ada@example.com", password, enrolment.recoveryCodes[0]!)),
          new InvalidMfaCode()
        )
        yield* TestIdentity.signIn("ada@example.com", password, replacement.recoveryCodes[0]!)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("disable needs the password, then sign-in no longer asks for a code", () =>
      Effect.gen(function* () {
        yield* setUp
        const me = yield* Me
        const { actor } = yield* TestIdentity.signIn("ada@example.com")
        yield* TestIdentity.enableTotp(actor)
        assert.deepStrictEqual(yield* Effect.flip(TestIdentity.signIn("ada@example.com")), new MfaRequired())
        assert.deepStrictEqual(yield* Effect.flip(me.disableMfa(actor, "wrong password")), new InvalidCredentials())
        yield* me.disableMfa(actor, password)
        yield* TestIdentity.signIn("ada@example.com")
        const profile = yield* me.profile(actor)
        assert.deepStrictEqual([profile.mfaEnabled, profile.recoveryCodesLeft], [false, 0])
        // Enrolling again works.
        yield* me.startTotp(actor)
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("password re-checks", () => {
    it.effect("count towards the sign-in lock: a session cannot be used to guess the password", () =>
      Effect.gen(function* () {
        yield* setUp
        const me = yield* Me
        const { actor } = yield* TestIdentity.signIn("ada@example.com")
        yield* TestIdentity.enableTotp(actor)
        for (let i = 0; i < 3; i++) {
          assert.deepStrictEqual(
            yield* Effect.flip(me.disableMfa(actor, `guess ${i} password`)),
            new InvalidCredentials()
          )
        }
        for (let i = 0; i < 2; i++) {
          assert.deepStrictEqual(
            yield* Effect.flip(
              me.changePassword(actor, { currentPassword: `guess ${i}`, newPassword: "another secret" })
            ),
            new InvalidCredentials()
          )
        }
        // Five failures: locked, the right password included, and sign-in with it too.
        assert.deepStrictEqual(
          yield* Effect.flip(me.disableMfa(actor, password)),
          new TooManyAttempts({ retryAfterSeconds: 900 })
        )
        assert.strictEqual((yield* Effect.flip(TestIdentity.signIn("ada@example.com")))._tag, "TooManyAttempts")
        const failures = (yield* TestIdentity.allEvents).filter((e) => e.type === "auth.login_failed")
        assert.deepStrictEqual(
          failures.map((e) => [e.after?.reason, e.actor.type]),
          Array.from({ length: 5 }, () => ["current_password", "user"])
        )
        assert.isTrue((yield* me.profile(actor)).mfaEnabled)
        yield* TestClock.adjust("15 minutes")
        yield* me.disableMfa(actor, password)
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })
})
