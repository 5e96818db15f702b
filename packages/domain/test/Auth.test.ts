import {
  AccountDisabled,
  Actor,
  Auth,
  Credentials,
  Forbidden,
  InvalidCredentials,
  InvalidLink,
  InvalidMfaCode,
  LoginThrottle,
  Me,
  MfaRequired,
  OrganizationNotFound,
  PasswordChangeRequired,
  Platform,
  RoleEscalation,
  Time,
  TooManyAttempts,
  Unauthorized,
  UserRepository,
  Users
} from "@roster/domain"
import type { UserId } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as TestIdentity from "./TestIdentity.js"
import * as TestOrganization from "./TestOrganization.js"
import * as TestSecrets from "./TestSecrets.js"

const { password } = TestIdentity

/** An organization with a manager and Ada, who has a password. */
const setUp = Effect.gen(function* () {
  const acme = yield* TestOrganization.make()
  yield* TestOrganization.addManager(acme)
  const ada = yield* TestIdentity.addWithPassword(acme, "ada@example.com", { firstName: "Ada" })
  return { acme, ada }
})

/**
 * The ports, each call of each method recorded as `port.method` when it runs (a transaction when
 * its body runs).
 */
const recording =
  (calls: Array<string>) =>
  (ports: TestIdentity.Ports): TestIdentity.Ports => {
    const record = (name: string, value: unknown): unknown => {
      if (Effect.isEffect(value))
        return Effect.zipRight(
          Effect.sync(() => calls.push(name)),
          value
        )
      if (typeof value === "function") return (...args: Array<unknown>) => record(name, value(...args))
      return value
    }
    return Object.fromEntries(
      Object.entries(ports).map(([port, methods]) => [
        port,
        typeof methods === "object" && methods !== null && !Effect.isEffect(methods)
          ? Object.fromEntries(
              Object.entries(methods).map(([method, value]) => [method, record(`${port}.${method}`, value)])
            )
          : methods
      ])
    ) as TestIdentity.Ports
  }

const loginFailure = (email: string, secret: string, code?: string) =>
  Effect.flatMap(Auth, (auth) => Effect.flip(auth.login({ email, password: secret, code })))

describe("Auth", () => {
  describe("login", () => {
    it.effect("gives a session for the right password; its secret authenticates as the user", () =>
      Effect.gen(function* () {
        const { ada } = yield* setUp
        yield* TestClock.adjust("1 hour")
        const auth = yield* Auth
        const signedIn = yield* auth.login({
          email: "  ADA@example.com ",
          password,
          userAgent: "Firefox",
          ip: "203.0.113.7"
        })
        assert.match(signedIn.secret, /^ses_[0-9A-Za-z]{52}$/)
        assert.isFalse(signedIn.passwordChangeRequired)
        assert.strictEqual(signedIn.user.id, ada.user.id)
        assert.strictEqual(signedIn.user.lastSignedInAt?.getTime(), 3_600_000)
        assert.strictEqual(signedIn.session.purpose, "full")
        assert.strictEqual(signedIn.session.expiresAt.getTime(), 3_600_000 + 30 * 86_400_000)
        assert.deepStrictEqual([signedIn.session.userAgent, signedIn.session.ip], ["Firefox", "203.0.113.7"])

        const actor = yield* auth.authenticate(signedIn.secret)
        assert.deepStrictEqual(
          [actor._tag, actor.userId, actor.sessionId, actor.isPlatformAdmin, actor.purpose],
          ["Session", ada.user.id, signedIn.session.id, false, "full"]
        )
        const events = yield* TestIdentity.allEvents
        const created = events.find((e) => e.type === "session.created")!
        assert.isNull(created.organizationId)
        assert.deepStrictEqual(created.actor, { type: "user", id: ada.user.id })
        assert.strictEqual(created.after?.method, "password")
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("an unknown email fails exactly like a wrong password, after a dummy verify", () =>
      Effect.gen(function* () {
        yield* setUp
        const wrongPassword = yield* loginFailure("ada@example.com", "not the password")
        assert.strictEqual(yield* TestIdentity.dummyVerifications, 0)
        const unknownEmail = yield* loginFailure("nobody@example.com", password)
        assert.strictEqual(yield* TestIdentity.dummyVerifications, 1)
        assert.deepStrictEqual(unknownEmail, wrongPassword)
        assert.deepStrictEqual(unknownEmail, new InvalidCredentials())
        assert.strictEqual(unknownEmail.message, wrongPassword.message)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("a member without a password cannot sign in, and is checked with a dummy verify too", () =>
      Effect.gen(function* () {
        const { acme } = yield* setUp
        yield* TestOrganization.add(acme, { email: "grace@example.com" })
        assert.deepStrictEqual(yield* loginFailure("grace@example.com", password), new InvalidCredentials())
        assert.strictEqual(yield* TestIdentity.dummyVerifications, 1)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("each failure is an auth.login_failed event: the user's, or for an unknown email nobody's", () =>
      Effect.gen(function* () {
        const { ada } = yield* setUp
        const auth = yield* Auth
        const client = { password: "wrong password", userAgent: "Firefox", ip: "203.0.113.7" }
        yield* Effect.flip(auth.login({ email: "ada@example.com", ...client }))
        yield* Effect.flip(auth.login({ email: "nobody@example.com", ...client }))
        const failed = (yield* TestIdentity.allEvents).filter((e) => e.type === "auth.login_failed")
        assert.deepStrictEqual(
          failed.map((e) => [e.userId, e.organizationId, e.actor, e.after]),
          [
            [
              ada.user.id,
              null,
              { type: "anonymous", id: null },
              { reason: "password", userAgent: "Firefox", ip: "203.0.113.7" }
            ],
            // Nobody's holds no personal data: not the email typed, nor where it came from.
            [null, null, { type: "anonymous", id: null }, { reason: "password", userAgent: null, ip: null }]
          ]
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("an unknown email and a wrong password make the same calls on the ports, in the same order", () => {
      const calls: Array<string> = []
      return Effect.gen(function* () {
        yield* setUp
        const refusal = (email: string) =>
          Effect.gen(function* () {
            calls.length = 0
            yield* loginFailure(email, "wrong password")
            return [...calls]
          })
        const known = yield* refusal("ada@example.com")
        const unknown = yield* refusal("nobody@example.com")
        assert.deepStrictEqual(unknown, known)
        assert.includeMembers(known, ["users.findByEmail", "credentials.get", "throttles.put", "events.append"])
      }).pipe(Effect.provide(TestIdentity.layerWith(recording(calls))))
    })

    it.effect("a deactivated identity is AccountDisabled only after a correct password", () =>
      Effect.gen(function* () {
        const { ada } = yield* setUp
        const platform = yield* Platform
        yield* platform.deactivate(Actor.operator, ada.user.id)
        assert.deepStrictEqual(yield* loginFailure("ada@example.com", "wrong password"), new InvalidCredentials())
        assert.deepStrictEqual(yield* loginFailure("ada@example.com", password), new AccountDisabled())
        yield* platform.reactivate(Actor.operator, ada.user.id)
        yield* TestIdentity.signIn("ada@example.com")
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("throttling", () => {
    const failFiveTimes = (email: string) =>
      Effect.forEach([1, 2, 3, 4, 5], () => loginFailure(email, "wrong password"), { discard: true })

    it.effect("5 failures within 15 minutes lock the email for 15 minutes, even for the right password", () =>
      Effect.gen(function* () {
        yield* setUp
        yield* failFiveTimes("ada@example.com")
        assert.deepStrictEqual(
          yield* loginFailure("ada@example.com", password),
          new TooManyAttempts({ retryAfterSeconds: 900 })
        )
        yield* TestClock.adjust("10 minutes")
        assert.deepStrictEqual(
          yield* loginFailure("ADA@example.com", password),
          new TooManyAttempts({ retryAfterSeconds: 300 })
        )
        yield* TestClock.adjust("5 minutes")
        yield* TestIdentity.signIn("ada@example.com")
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("an unknown email is locked the same way", () =>
      Effect.gen(function* () {
        yield* setUp
        yield* failFiveTimes("nobody@example.com")
        assert.deepStrictEqual(
          yield* loginFailure("nobody@example.com", password),
          new TooManyAttempts({ retryAfterSeconds: 900 })
        )
        // Other emails are not affected.
        yield* TestIdentity.signIn("ada@example.com")
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("a success resets the count; failures further apart than the window do not add up", () =>
      Effect.gen(function* () {
        yield* setUp
        for (let i = 0; i < 4; i++) yield* loginFailure("ada@example.com", "wrong password")
        yield* TestIdentity.signIn("ada@example.com")
        for (let i = 0; i < 4; i++) yield* loginFailure("ada@example.com", "wrong password")
        yield* TestClock.adjust("16 minutes")
        for (let i = 0; i < 4; i++) yield* loginFailure("ada@example.com", "wrong password")
        assert.instanceOf(yield* loginFailure("ada@example.com", "wrong password"), InvalidCredentials)
        assert.instanceOf(yield* loginFailure("ada@example.com", password), TooManyAttempts)
      }).pipe(Effect.provide(TestIdentity.layer))
    )
    for (const [how, erase] of [
      [
        "forgetting the last membership",
        (acme: TestOrganization.TestOrganization, userId: UserId) =>
          Effect.flatMap(Users, (users) =>
            users.terminate(acme.operator, userId).pipe(Effect.zipRight(users.forget(acme.operator, userId)))
          )
      ],
      [
        "a platform delete",
        (_: TestOrganization.TestOrganization, userId: UserId) =>
          Effect.flatMap(Platform, (platform) => platform.delete(Actor.operator, userId))
      ]
    ] as const) {
      it.effect(`${how} deletes the counts kept under the account and under its email`, () =>
        Effect.gen(function* () {
          const { acme, ada } = yield* setUp
          // Tried before the account existed: counted under the email.
          yield* loginFailure("eve@example.com", "wrong password")
          const eve = yield* TestIdentity.addWithPassword(acme, "eve@example.com")
          yield* loginFailure("EVE@example.com", "wrong password")
          yield* loginFailure("ada@example.com", "wrong password")
          const { throttles } = yield* TestIdentity.TestPorts
          const eves = [
            LoginThrottle.key(TestSecrets.digest, "eve@example.com"),
            LoginThrottle.accountKey(TestSecrets.digest, eve.user.id)
          ]
          for (const key of eves) assert.isTrue(Option.isSome(yield* throttles.get(key)))
          yield* erase(acme, eve.user.id)
          for (const key of eves) assert.isTrue(Option.isNone(yield* throttles.get(key)))
          // Ada's count is hers, and stays.
          assert.isTrue(Option.isSome(yield* throttles.get(LoginThrottle.accountKey(TestSecrets.digest, ada.user.id))))
        }).pipe(Effect.provide(TestIdentity.layer))
      )
    }
  })

  describe("second factor", () => {
    const withTotp = Effect.gen(function* () {
      const { acme, ada } = yield* setUp
      const { actor } = yield* TestIdentity.signIn("ada@example.com")
      const enrolment = yield* TestIdentity.enableTotp(actor)
      return { acme, ada, enrolment }
    })

    it.effect("a missing code is MfaRequired; a wrong one InvalidMfaCode; the right one signs in", () =>
      Effect.gen(function* () {
        const { enrolment } = yield* withTotp
        yield* TestClock.adjust("1 minute")
        assert.deepStrictEqual(yield* loginFailure("ada@example.com", password), new MfaRequired())
        // The password is checked first: a wrong password with no code is still InvalidCredentials.
        assert.deepStrictEqual(yield* loginFailure("ada@example.com", "wrong password"), new InvalidCredentials())
        assert.deepStrictEqual(yield* loginFailure("ada@example.com", password, "000000"), new InvalidMfaCode())
        const code = TestSecrets.totpCode(enrolment.secret, yield* Time.now)
        const signedIn = yield* TestIdentity.signIn("ada@example.com", password, code)
        assert.strictEqual(signedIn.actor.purpose, "full")
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("a TOTP code works once: replaying it, or an earlier one, is refused", () =>
      Effect.gen(function* () {
        const { enrolment } = yield* withTotp
        yield* TestClock.adjust("1 minute")
        const earlier = TestSecrets.totpCode(enrolment.secret, new Date((yield* Time.now).getTime() - 30_000))
        const code = TestSecrets.totpCode(enrolment.secret, yield* Time.now)
        yield* TestIdentity.signIn("ada@example.com", password, code)
        assert.deepStrictEqual(yield* loginFailure("ada@example.com", password, code), new InvalidMfaCode())
        assert.deepStrictEqual(yield* loginFailure("ada@example.com", password, earlier), new InvalidMfaCode())
        yield* TestClock.adjust("30 seconds")
        yield* TestIdentity.signIn("ada@example.com", password, TestSecrets.totpCode(enrolment.secret, yield* Time.now))
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("the code that enabled TOTP cannot sign in", () =>
      Effect.gen(function* () {
        const { enrolment } = yield* withTotp
        const code = TestSecrets.totpCode(enrolment.secret, yield* Time.now)
        assert.deepStrictEqual(yield* loginFailure("ada@example.com", password, code), new InvalidMfaCode())
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("a recovery code works once, typed in any case, with or without dashes", () =>
      Effect.gen(function* () {
        const { ada, enrolment } = yield* withTotp
        assert.lengthOf(enrolment.recoveryCodes, 10)
        const [first, second] = enrolment.recoveryCodes
        yield* TestIdentity.signIn("ada@example.com", password, first!.toUpperCase())
        assert.deepStrictEqual(yield* loginFailure("ada@example.com", password, first!), new InvalidMfaCode())
        yield* TestIdentity.signIn("ada@example.com", password, second!.replaceAll("-", ""))
        const used = (yield* TestIdentity.allEvents).filter((e) => e.type === "mfa.recovery_code_used")
        assert.deepStrictEqual(
          used.map((e) => [e.userId, e.after?.remaining]),
          [
            [ada.user.id, 9],
            [ada.user.id, 8]
          ]
        )
        const me = yield* Me
        const { actor } = yield* TestIdentity.signIn("ada@example.com", password, enrolment.recoveryCodes[2]!)
        assert.strictEqual((yield* me.profile(actor)).recoveryCodesLeft, 7)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("wrong codes count as failures: five of them lock the email", () =>
      Effect.gen(function* () {
        const { ada, enrolment } = yield* withTotp
        for (let i = 0; i < 5; i++) {
          assert.instanceOf(yield* loginFailure("ada@example.com", password, "000000"), InvalidMfaCode)
        }
        yield* TestClock.adjust("1 minute")
        const code = TestSecrets.totpCode(enrolment.secret, yield* Time.now)
        assert.instanceOf(yield* loginFailure("ada@example.com", password, code), TooManyAttempts)
        const failed = (yield* TestIdentity.allEvents).filter((e) => e.type === "auth.login_failed")
        assert.deepStrictEqual(
          failed.map((e) => [e.userId, e.after?.reason]),
          Array.from({ length: 5 }, () => [ada.user.id, "mfa_code"])
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("authenticate", () => {
    it.effect("malformed, unknown, signed-out and expired sessions are Unauthorized", () =>
      Effect.gen(function* () {
        yield* setUp
        const auth = yield* Auth
        const malformed = yield* Effect.flip(auth.authenticate("tot_" + "a".repeat(52)))
        assert.instanceOf(malformed, Unauthorized)
        assert.include(malformed.message, "malformed")
        const unknown = yield* Effect.flip(auth.authenticate("ses_" + "a".repeat(52)))
        assert.deepStrictEqual(
          unknown,
          new Unauthorized({ reason: "The session is not valid: unknown, signed out or expired" })
        )

        const first = yield* TestIdentity.signIn("ada@example.com")
        yield* auth.logout(first.actor)
        assert.deepStrictEqual(yield* Effect.flip(auth.authenticate(first.secret)), unknown)
        // Signing out twice changes nothing.
        yield* auth.logout(first.actor)

        const second = yield* TestIdentity.signIn("ada@example.com")
        yield* TestClock.adjust("29 days")
        assert.isTrue(yield* TestIdentity.stillWorks(second.secret))
        yield* TestClock.adjust("1 day")
        assert.deepStrictEqual(yield* Effect.flip(auth.authenticate(second.secret)), unknown)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("records when a session was last seen, at most once a minute", () =>
      Effect.gen(function* () {
        yield* setUp
        const auth = yield* Auth
        const me = yield* Me
        const { secret, actor } = yield* TestIdentity.signIn("ada@example.com")
        const lastSeen = Effect.map(me.sessions(actor), ([view]) => view!.session.lastSeenAt.getTime())
        yield* TestClock.adjust("30 seconds")
        yield* auth.authenticate(secret)
        assert.strictEqual(yield* lastSeen, 0)
        yield* TestClock.adjust("30 seconds")
        yield* auth.authenticate(secret)
        assert.strictEqual(yield* lastSeen, 60_000)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("a platform admin's session says so", () =>
      Effect.gen(function* () {
        const { actor } = yield* TestIdentity.platformAdmin()
        assert.isTrue(actor.isPlatformAdmin)
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("password_change sessions", () => {
    it.effect("may only change the password, which makes them full and ends the other sessions", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        yield* TestOrganization.addManager(acme)
        yield* TestIdentity.addWithPassword(acme, "ada@example.com", { askUserToUpdatePasswordOnLogin: true })
        const auth = yield* Auth
        const me = yield* Me
        const other = yield* TestIdentity.signIn("ada@example.com")
        const { actor, secret, passwordChangeRequired } = yield* TestIdentity.signIn("ada@example.com")
        assert.isTrue(passwordChangeRequired)
        assert.strictEqual(actor.purpose, "password_change")

        const refused = new PasswordChangeRequired()
        assert.deepStrictEqual(yield* Effect.flip(me.profile(actor)), refused)
        assert.deepStrictEqual(yield* Effect.flip(me.sessions(actor)), refused)
        assert.deepStrictEqual(yield* Effect.flip(me.startTotp(actor)), refused)
        assert.deepStrictEqual(yield* Effect.flip(auth.actInOrganization(actor, acme.id)), refused)

        const upgraded = yield* me.changePassword(actor, {
          currentPassword: password,
          newPassword: "a brand new secret"
        })
        assert.strictEqual(upgraded.purpose, "full")
        const again = yield* auth.authenticate(secret)
        assert.strictEqual(again.purpose, "full")
        yield* me.profile(again)
        assert.isFalse(yield* TestIdentity.stillWorks(other.secret))
        // The next sign-in is a full one.
        const next = yield* TestIdentity.signIn("ada@example.com", "a brand new secret")
        assert.isFalse(next.passwordChangeRequired)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("a platform admin's password_change session cannot administer", () =>
      Effect.gen(function* () {
        const { account } = yield* TestIdentity.platformAdmin()
        const platform = yield* Platform
        yield* platform.resetPassword(Actor.operator, account.user.id, {
          password: "temporary password",
          askUserToUpdatePasswordOnLogin: true
        })
        const { actor } = yield* TestIdentity.signIn("root@example.com", "temporary password")
        assert.deepStrictEqual(
          yield* Effect.flip(platform.list(actor, { page: 0, size: 20 })),
          new PasswordChangeRequired()
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("actInOrganization", () => {
    it.effect("acts with the permissions of the user's role, only while the membership is ACTIVE", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const auth = yield* Auth
        const users = yield* Users
        yield* users.changeRole(acme.operator, ada.user.id, { roleId: acme.manager.id })
        const { actor } = yield* TestIdentity.signIn("ada@example.com")
        const member = yield* auth.actInOrganization(actor, acme.id)
        assert.deepStrictEqual(
          [member._tag, member.userId, member.organizationId, member.permissions],
          ["Member", ada.user.id, acme.id, acme.manager.permissions]
        )
        const access = { actor: member, organizationId: acme.id }
        const grace = yield* users.add(access, { email: "grace@example.com" })
        const [event] = yield* TestOrganization.events(acme, grace.user.id)
        assert.deepStrictEqual(event!.actor, { type: "user", id: ada.user.id })
        // No escalation: a manager cannot hand out Admin.
        assert.instanceOf(
          yield* Effect.flip(users.changeRole(access, grace.user.id, { roleId: acme.admin.id })),
          RoleEscalation
        )
        // Nor act beyond the role's permissions.
        assert.deepStrictEqual(
          yield* Effect.flip(users.resetMfa(access, grace.user.id)),
          new Forbidden({ required: "can_reset_2fa" })
        )

        const notActive = new Forbidden({
          required: "active_membership",
          reason: "You are not an active member of this organization"
        })
        yield* users.deactivate(acme.operator, ada.user.id)
        assert.deepStrictEqual(yield* Effect.flip(auth.actInOrganization(actor, acme.id)), notActive)
        yield* users.activate(acme.operator, ada.user.id)
        yield* auth.actInOrganization(actor, acme.id)
        yield* users.terminate(acme.operator, ada.user.id)
        assert.deepStrictEqual(yield* Effect.flip(auth.actInOrganization(actor, acme.id)), notActive)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("another organization is Forbidden, and a member actor cannot reach into one", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const globex = yield* TestOrganization.make("Globex")
        const auth = yield* Auth
        const users = yield* Users
        yield* users.changeRole(acme.operator, ada.user.id, { roleId: acme.admin.id })
        const { actor } = yield* TestIdentity.signIn("ada@example.com")
        assert.instanceOf(yield* Effect.flip(auth.actInOrganization(actor, globex.id)), Forbidden)
        const member = yield* auth.actInOrganization(actor, acme.id)
        assert.deepStrictEqual(
          yield* Effect.flip(users.list({ actor: member, organizationId: globex.id }, { page: 0, size: 20 })),
          new OrganizationNotFound({ organization: globex.id })
        )
        // A session is not bound to any organization: it must act as a member first.
        assert.instanceOf(
          yield* Effect.flip(users.list({ actor, organizationId: acme.id }, { page: 0, size: 20 })),
          OrganizationNotFound
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("magic links", () => {
    const issue = (acme: TestOrganization.TestOrganization, userId: UserId) =>
      Effect.flatMap(Credentials, (credentials) => credentials.magicLink(acme.operator, userId))

    it.effect("sign in once, within 15 minutes", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const auth = yield* Auth
        const link = yield* issue(acme, ada.user.id)
        assert.match(link.secret, /^mlt_[0-9A-Za-z]{52}$/)
        assert.strictEqual(link.expiresAt.getTime(), 15 * 60_000)
        yield* TestClock.adjust("14 minutes")
        const signedIn = yield* auth.useMagicLink({ token: link.secret, userAgent: "Safari" })
        assert.strictEqual(signedIn.user.id, ada.user.id)
        assert.strictEqual(signedIn.session.purpose, "full")
        assert.isTrue(yield* TestIdentity.stillWorks(signedIn.secret))
        assert.deepStrictEqual(yield* Effect.flip(auth.useMagicLink({ token: link.secret })), new InvalidLink())

        const late = yield* issue(acme, ada.user.id)
        yield* TestClock.adjust("15 minutes")
        assert.deepStrictEqual(yield* Effect.flip(auth.useMagicLink({ token: late.secret })), new InvalidLink())
        assert.deepStrictEqual(yield* Effect.flip(auth.useMagicLink({ token: "mlt_nope" })), new InvalidLink())

        const types = (yield* TestIdentity.allEvents).map((e) => e.type)
        assert.includeMembers(types, ["auth.magic_link_issued", "auth.magic_link_used", "session.created"])
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("a verification token is no magic link", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const auth = yield* Auth
        const credentials = yield* Credentials
        const verification = yield* credentials.emailVerification(acme.operator, ada.user.id)
        assert.deepStrictEqual(
          yield* Effect.flip(auth.useMagicLink({ token: verification.secret.replace("evt_", "mlt_") })),
          new InvalidLink()
        )
        assert.deepStrictEqual(yield* Effect.flip(auth.useMagicLink({ token: verification.secret })), new InvalidLink())
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("deactivating voids the identity's links, for good; none can be made while it is deactivated", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const auth = yield* Auth
        const platform = yield* Platform
        const link = yield* issue(acme, ada.user.id)
        yield* platform.deactivate(Actor.operator, ada.user.id)
        assert.deepStrictEqual(yield* Effect.flip(auth.useMagicLink({ token: link.secret })), new InvalidLink())
        assert.deepStrictEqual(yield* Effect.flip(issue(acme, ada.user.id)), new AccountDisabled())
        yield* platform.reactivate(Actor.operator, ada.user.id)
        assert.deepStrictEqual(yield* Effect.flip(auth.useMagicLink({ token: link.secret })), new InvalidLink())
        yield* auth.useMagicLink({ token: (yield* issue(acme, ada.user.id)).secret })
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("with TOTP enabled it asks for the code, leaving the link unused until it is given", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const auth = yield* Auth
        const { actor } = yield* TestIdentity.signIn("ada@example.com")
        const enrolment = yield* TestIdentity.enableTotp(actor)
        const link = yield* issue(acme, ada.user.id)
        yield* TestClock.adjust("1 minute")
        assert.deepStrictEqual(yield* Effect.flip(auth.useMagicLink({ token: link.secret })), new MfaRequired())
        assert.deepStrictEqual(
          yield* Effect.flip(auth.useMagicLink({ token: link.secret, code: "000000" })),
          new InvalidMfaCode()
        )
        const code = TestSecrets.totpCode(enrolment.secret, yield* Time.now)
        yield* auth.useMagicLink({ token: link.secret, code })
        assert.deepStrictEqual(yield* Effect.flip(auth.useMagicLink({ token: link.secret, code })), new InvalidLink())
        assert.lengthOf(
          (yield* TestIdentity.allEvents).filter((e) => e.type === "auth.login_failed"),
          1
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("verifyEmail", () => {
    it.effect("marks the email verified once; the link then, or after 7 days, is InvalidLink", () =>
      Effect.gen(function* () {
        const { acme } = yield* setUp
        // Added without a password, the address is not confirmed yet.
        const ada = yield* TestOrganization.add(acme, { email: "grace@example.com" })
        assert.isNull(ada.user.emailVerifiedAt)
        const auth = yield* Auth
        const credentials = yield* Credentials
        const userRepository = yield* UserRepository
        const link = yield* credentials.emailVerification(acme.operator, ada.user.id)
        assert.match(link.secret, /^evt_[0-9A-Za-z]{52}$/)
        assert.strictEqual(link.expiresAt.getTime(), 7 * 86_400_000)
        yield* TestClock.adjust("6 days")
        yield* auth.verifyEmail(link.secret)
        const verified = Option.getOrThrow(yield* userRepository.findById(ada.user.id))
        assert.strictEqual(verified.emailVerifiedAt?.getTime(), 6 * 86_400_000)
        assert.deepStrictEqual(yield* Effect.flip(auth.verifyEmail(link.secret)), new InvalidLink())
        const event = (yield* TestIdentity.allEvents).find((e) => e.type === "identity.email_verified")!
        assert.deepStrictEqual([event.userId, event.after?.emailVerified], [ada.user.id, true])

        const late = yield* credentials.emailVerification(acme.operator, ada.user.id)
        yield* TestClock.adjust("7 days")
        assert.deepStrictEqual(yield* Effect.flip(auth.verifyEmail(late.secret)), new InvalidLink())
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("accounts an organization creates with a password", () => {
    it.effect("count as email-confirmed; without a password they do not", () =>
      Effect.gen(function* () {
        const { ada } = yield* setUp
        assert.strictEqual(ada.user.emailVerifiedAt?.getTime(), 0)
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })
})
