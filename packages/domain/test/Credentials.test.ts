import type { MembershipStatus } from "@roster/domain"
import {
  Actor,
  Auth,
  Credentials,
  Forbidden,
  InMemory,
  InvalidCredentials,
  Me,
  MfaRequired,
  Platform,
  Outranked,
  Services,
  UserNotFound,
  UserNotManaged,
  UserRepository,
  Users,
  ValidationFailed
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestIdentity from "./TestIdentity.js"
import * as TestOrganization from "./TestOrganization.js"

const { password } = TestIdentity
const newPassword = "set by the admin"

const setUp = Effect.gen(function* () {
  const acme = yield* TestOrganization.make("Acme")
  const globex = yield* TestOrganization.make("Globex")
  yield* TestOrganization.addManager(acme)
  yield* TestOrganization.addManager(globex)
  const ada = yield* TestIdentity.addWithPassword(acme, "ada@example.com")
  return { acme, globex, ada }
})

/** Puts Ada's membership in `organization` into `status`, adding her there first. */
const elsewhere = (organization: TestOrganization.TestOrganization, status: MembershipStatus.MembershipStatus) =>
  Effect.gen(function* () {
    const users = yield* Users
    const { user } = yield* TestOrganization.add(organization, { email: "ada@example.com" })
    if (status === "INACTIVE") yield* users.deactivate(organization.operator, user.id)
    if (status === "TERMINATED" || status === "FORGOTTEN") yield* users.terminate(organization.operator, user.id)
    if (status === "REMOVED") yield* users.remove(organization.operator, user.id, { reason: "left" })
    if (status === "FORGOTTEN") yield* users.forget(organization.operator, user.id)
  })

describe("Credentials", () => {
  describe("setPassword", () => {
    it.effect("sets the password, ends every session, and may ask for a change at sign-in", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const credentials = yield* Credentials
        const before = yield* TestIdentity.signIn("ada@example.com")
        const admin = acme.token(["can_manage_users"])
        yield* credentials.setPassword(admin, ada.user.id, {
          password: newPassword,
          askUserToUpdatePasswordOnLogin: true
        })
        assert.isFalse(yield* TestIdentity.stillWorks(before.secret))
        assert.deepStrictEqual(yield* Effect.flip(TestIdentity.signIn("ada@example.com")), new InvalidCredentials())
        const after = yield* TestIdentity.signIn("ada@example.com", newPassword)
        assert.isTrue(after.passwordChangeRequired)
        const [event] = yield* TestOrganization.events(acme, ada.user.id)
        assert.strictEqual(event!.type, "identity.password_set")
        assert.deepStrictEqual(event!.after, { mustChangePassword: true, sessionsRevoked: 1 })
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("needs can_manage_users; users outside the organization are not found", () =>
      Effect.gen(function* () {
        const { acme, globex, ada } = yield* setUp
        const credentials = yield* Credentials
        const input = { password: newPassword }
        assert.deepStrictEqual(
          yield* Effect.flip(credentials.setPassword(acme.token(["can_view_users"]), ada.user.id, input)),
          new Forbidden({ required: "can_manage_users" })
        )
        assert.deepStrictEqual(
          yield* Effect.flip(credentials.setPassword(globex.token(["can_manage_users"]), ada.user.id, input)),
          new UserNotFound({ userId: ada.user.id })
        )
        assert.deepStrictEqual(
          yield* Effect.flip(credentials.magicLink(globex.token(["can_manage_users"]), ada.user.id)),
          new UserNotFound({ userId: ada.user.id })
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("refuses the email as password, naming the field", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const credentials = yield* Credentials
        assert.deepStrictEqual(
          yield* Effect.flip(credentials.setPassword(acme.operator, ada.user.id, { password: "Ada@Example.com" })),
          ValidationFailed.single("password", "must not be your email address")
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("cannot take over a member whose role holds more than the actor (escalation)", () =>
      Effect.gen(function* () {
        const { acme } = yield* setUp
        const credentials = yield* Credentials
        const boss = yield* TestIdentity.addWithPassword(acme, "chief@example.com", { roleId: acme.admin.id })
        const error = yield* Effect.flip(
          credentials.setPassword(acme.token(["can_manage_users"]), boss.user.id, { password: newPassword })
        )
        assert.instanceOf(error, Outranked)
        assert.match(error.message, /^You cannot act on a member whose role holds permissions you do not: /)
        yield* TestIdentity.signIn("chief@example.com")
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("the managed-user rule", () => {
    // The whole history counts: a membership elsewhere, even one REMOVED or FORGOTTEN since, means
    // another organization relied on the account.
    const cases: ReadonlyArray<readonly [MembershipStatus.MembershipStatus, boolean]> = [
      ["ACTIVE", false],
      ["INACTIVE", false],
      ["TERMINATED", false],
      ["REMOVED", false],
      ["FORGOTTEN", false]
    ]
    for (const [status, managed] of cases) {
      it.effect(`a user ${status} in another organization is ${managed ? "" : "not "}managed`, () =>
        Effect.gen(function* () {
          const { acme, globex, ada } = yield* setUp
          const credentials = yield* Credentials
          yield* elsewhere(globex, status)
          const admin = acme.token(["can_manage_users", "can_view_users"])
          const users = yield* Users
          const attempts: ReadonlyArray<Effect.Effect<void, unknown>> = [
            credentials.setPassword(admin, ada.user.id, { password: newPassword }),
            Effect.asVoid(credentials.magicLink(admin, ada.user.id)),
            Effect.asVoid(credentials.emailVerification(admin, ada.user.id)),
            // Clearing the second factor weakens the account just as much.
            Effect.asVoid(users.resetMfa(acme.token(["can_reset_2fa"]), ada.user.id))
          ]
          for (const attempt of attempts) {
            const exit = yield* Effect.exit(attempt)
            if (managed) assert.isTrue(Exit.isSuccess(exit))
            else {
              assert.deepStrictEqual(
                exit,
                Exit.fail(new UserNotManaged({ userId: ada.user.id, reason: "other_organization" }))
              )
            }
          }
        }).pipe(Effect.provide(TestIdentity.layer))
      )
    }

    it.effect("a platform admin is never managed by an organization; the operator is not limited", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const credentials = yield* Credentials
        yield* Effect.flatMap(Platform, (platform) => platform.promote(Actor.operator, ada.user.id))
        const notManaged = new UserNotManaged({ userId: ada.user.id, reason: "platform_admin" })
        assert.deepStrictEqual(
          yield* Effect.flip(credentials.magicLink(acme.token(["can_manage_users"]), ada.user.id)),
          notManaged
        )
        const users = yield* Users
        assert.deepStrictEqual(
          yield* Effect.flip(users.resetMfa(acme.token(["can_reset_2fa"]), ada.user.id)),
          notManaged
        )
        assert.include(notManaged.message, "platform admin")
        yield* credentials.magicLink(acme.operator, ada.user.id)
        yield* users.resetMfa(acme.operator, ada.user.id)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("a member REMOVED here is no longer managed here", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const credentials = yield* Credentials
        yield* Effect.flatMap(Users, (users) => users.remove(acme.operator, ada.user.id, { reason: "left" }))
        const refused = yield* Effect.flip(credentials.magicLink(acme.token(["can_manage_users"]), ada.user.id))
        assert.deepStrictEqual(refused, new UserNotManaged({ userId: ada.user.id, reason: "not_current" }))
        // The same words whatever the reason: a refusal tells nothing of the account.
        for (const reason of ["other_organization", "platform_admin", "not_member"] as const) {
          assert.strictEqual(refused.message, new UserNotManaged({ userId: ada.user.id, reason }).message)
        }
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect(
      "nor may the operator touch the sign-in of a member REMOVED or FORGOTTEN here: erasure stays erasure",
      () =>
        Effect.gen(function* () {
          const { acme, ada } = yield* setUp
          const credentials = yield* Credentials
          const users = yield* Users
          const notCurrent = new UserNotManaged({ userId: ada.user.id, reason: "not_current" })
          yield* users.remove(acme.operator, ada.user.id, { reason: "left" })
          assert.deepStrictEqual(yield* Effect.flip(credentials.magicLink(acme.operator, ada.user.id)), notCurrent)
          yield* users.forget(acme.operator, ada.user.id)
          assert.deepStrictEqual(
            yield* Effect.flip(
              credentials.setPassword(acme.operator, ada.user.id, { password: "a password after erasure" })
            ),
            notCurrent
          )
          assert.deepStrictEqual(yield* Effect.flip(credentials.magicLink(acme.operator, ada.user.id)), notCurrent)
          assert.deepStrictEqual(
            yield* Effect.flip(credentials.emailVerification(acme.operator, ada.user.id)),
            notCurrent
          )
        }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("Users.add with a password", () => {
    it.effect("a new identity can sign in at once", () =>
      Effect.gen(function* () {
        const { acme } = yield* setUp
        const users = yield* Users
        yield* users.add(acme.token(["can_manage_users"]), {
          email: "grace@example.com",
          password: "grace's password",
          askUserToUpdatePasswordOnLogin: true
        })
        const { passwordChangeRequired } = yield* TestIdentity.signIn("grace@example.com", "grace's password")
        assert.isTrue(passwordChangeRequired)
        const grace = Option.getOrThrow(
          yield* Effect.flatMap(UserRepository, (r) => r.findByEmail("grace@example.com"))
        )
        const types = (yield* TestOrganization.events(acme, grace.id)).map((e) => e.type)
        assert.deepStrictEqual(types, ["identity.password_set", "user.added"])
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("an identity another organization has is UserNotManaged, and nothing is added", () =>
      Effect.gen(function* () {
        const { globex } = yield* setUp
        const users = yield* Users
        const error = yield* Effect.flip(
          users.add(globex.token(["can_manage_users"]), { email: "ada@example.com", password: "hijacked password" })
        )
        assert.instanceOf(error, UserNotManaged)
        assert.strictEqual((yield* users.list(globex.operator, { page: 0, size: 20 })).total, 1)
        yield* TestIdentity.signIn("ada@example.com")
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect(
      "an identity REMOVED elsewhere is not taken over: adding it with a password is refused, its own password and sessions stay",
      () =>
        Effect.gen(function* () {
          const { acme, globex, ada } = yield* setUp
          const users = yield* Users
          const session = yield* TestIdentity.signIn("ada@example.com")
          yield* users.remove(acme.operator, ada.user.id, { reason: "moved to Globex" })
          const refused = yield* Effect.flip(
            users.add(globex.token(["can_manage_users"]), { email: "ada@example.com", password: "globex password" })
          )
          assert.deepStrictEqual(refused, new UserNotManaged({ userId: ada.user.id, reason: "other_organization" }))
          assert.isTrue(yield* TestIdentity.stillWorks(session.secret))
          yield* TestIdentity.signIn("ada@example.com")
          // Added without a password, they sign in with what they have.
          yield* users.add(globex.token(["can_manage_users"]), { email: "ada@example.com" })
          yield* TestIdentity.signIn("ada@example.com")
        }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("an identity a platform admin made, with no membership anywhere, cannot be adopted with a password", () =>
      Effect.gen(function* () {
        const { globex } = yield* setUp
        const users = yield* Users
        const made = yield* Effect.flatMap(Platform, (platform) =>
          platform.create(Actor.operator, { email: "loner@example.com", password: "the loner's own" })
        )
        const refused = yield* Effect.flip(
          users.add(globex.token(["can_manage_users"]), { email: "loner@example.com", password: "globex password" })
        )
        assert.deepStrictEqual(refused, new UserNotManaged({ userId: made.user.id, reason: "not_member" }))
        yield* TestIdentity.signIn("loner@example.com", "the loner's own")
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("validates the password before anything is written", () =>
      Effect.gen(function* () {
        const { acme } = yield* setUp
        const users = yield* Users
        assert.deepStrictEqual(
          yield* Effect.flip(users.add(acme.operator, { email: "grace@example.com", password: "GRACE@example.com" })),
          ValidationFailed.single("password", "must not be your email address")
        )
        assert.deepStrictEqual(
          yield* Effect.flip(users.add(acme.operator, { email: "grace@example.com", password: "short" })),
          ValidationFailed.single("password", "must be 8 to 64 characters")
        )
        assert.isTrue(Option.isNone(yield* Effect.flatMap(UserRepository, (r) => r.findByEmail("grace@example.com"))))
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("without a PasswordHasher (Services.layer alone) adding without a password works; with one it dies", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const users = yield* Users
        yield* users.add(acme.operator, { email: "grace@example.com" })
        const exit = yield* Effect.exit(users.add(acme.operator, { email: "ada@example.com", password }))
        assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
      }).pipe(Effect.provide(Services.layer.pipe(Layer.provideMerge(InMemory.layer))))
    )
  })

  describe("Users.forget", () => {
    it.effect("erasing the identity (its last membership forgotten) erases its secrets too", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const users = yield* Users
        const ports = yield* TestIdentity.TestPorts
        const { actor, secret } = yield* TestIdentity.signIn("ada@example.com")
        yield* TestIdentity.enableTotp(actor)
        yield* users.terminate(acme.operator, ada.user.id)
        yield* users.forget(acme.operator, ada.user.id)
        assert.isFalse(yield* TestIdentity.stillWorks(secret))
        assert.isTrue(Option.isNone(yield* ports.credentials.get(ada.user.id)))
        assert.isTrue(Option.isNone(yield* ports.mfa.getTotp(ada.user.id)))
        assert.strictEqual(yield* ports.mfa.countUnusedRecoveryCodes(ada.user.id), 0)
        assert.deepStrictEqual(yield* Effect.flip(TestIdentity.signIn("ada@example.com")), new InvalidCredentials())
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("Users.resetMfa", () => {
    it.effect("clears the TOTP factor and recovery codes and ends every session", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const users = yield* Users
        const me = yield* Me
        const auth = yield* Auth
        const { actor, secret } = yield* TestIdentity.signIn("ada@example.com")
        const enrolment = yield* TestIdentity.enableTotp(actor)
        assert.deepStrictEqual(yield* Effect.flip(TestIdentity.signIn("ada@example.com")), new MfaRequired())

        const reset = yield* users.resetMfa(acme.token(["can_reset_2fa"]), ada.user.id)
        assert.isNull(reset.user.mfaEnrolledAt)
        assert.isFalse(yield* TestIdentity.stillWorks(secret))
        const again = yield* TestIdentity.signIn("ada@example.com")
        const profile = yield* me.profile(again.actor)
        assert.deepStrictEqual([profile.mfaEnabled, profile.recoveryCodesLeft], [false, 0])
        // The old recovery codes are gone with the factor: enrolling again starts from scratch.
        const ports = yield* TestIdentity.TestPorts
        assert.strictEqual(yield* ports.mfa.countUnusedRecoveryCodes(ada.user.id), 0)
        assert.isTrue(Option.isNone(yield* ports.mfa.getTotp(ada.user.id)))
        assert.lengthOf(enrolment.recoveryCodes, 10)
        yield* auth.logout(again.actor)
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("defaults and fields that would be ignored", () => {
    it.effect("an admin-set password must be changed at the next sign-in unless told otherwise", () =>
      Effect.gen(function* () {
        const { acme, ada } = yield* setUp
        const credentials = yield* Credentials
        yield* credentials.setPassword(acme.operator, ada.user.id, { password: "set by an admin" })
        const first = yield* TestIdentity.signIn("ada@example.com", "set by an admin")
        assert.isTrue(first.passwordChangeRequired)
        yield* credentials.setPassword(acme.operator, ada.user.id, {
          password: "set by an admin too",
          askUserToUpdatePasswordOnLogin: false
        })
        assert.isFalse((yield* TestIdentity.signIn("ada@example.com", "set by an admin too")).passwordChangeRequired)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("adding with askUserToUpdatePasswordOnLogin but no password is refused, naming the field", () =>
      Effect.gen(function* () {
        const { acme } = yield* setUp
        const users = yield* Users
        assert.deepStrictEqual(
          yield* Effect.flip(
            users.add(acme.operator, { email: "bob@example.com", askUserToUpdatePasswordOnLogin: true })
          ),
          ValidationFailed.single("askUserToUpdatePasswordOnLogin", "applies only with a password")
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })
})
