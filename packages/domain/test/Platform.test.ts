import {
  Actor,
  Auth,
  Credentials,
  EmailTaken,
  Forbidden,
  InvalidCredentials,
  LastManager,
  InvalidLink,
  LastPlatformAdmin,
  MfaRequired,
  Platform,
  RoleNotFound,
  UserNotFound,
  UserRepository,
  Users,
  ValidationFailed
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as TestIdentity from "./TestIdentity.js"
import * as TestOrganization from "./TestOrganization.js"

const { password } = TestIdentity
const operator = Actor.operator

describe("Platform", () => {
  describe("who may administer", () => {
    it.effect("a platform admin's session and the operator; anyone else is Forbidden", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        yield* TestOrganization.addManager(acme)
        yield* TestIdentity.addWithPassword(acme, "ada@example.com")
        const platform = yield* Platform
        const admin = yield* TestIdentity.platformAdmin()
        const ada = yield* TestIdentity.signIn("ada@example.com")
        const query = { page: 0, size: 20 }
        yield* platform.list(admin.actor, query)
        yield* platform.list(operator, query)
        const forbidden = new Forbidden({ required: "platform_admin", reason: "Only platform admins may do this" })
        assert.deepStrictEqual(yield* Effect.flip(platform.list(ada.actor, query)), forbidden)
        assert.deepStrictEqual(
          yield* Effect.flip(platform.list(acme.token(["can_manage_users"]).actor, query)),
          forbidden
        )
        assert.deepStrictEqual(yield* Effect.flip(platform.promote(ada.actor, ada.actor.userId)), forbidden)
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("bootstrapAdmin", () => {
    it.effect("creates the identity, sets the password and promotes it; again, it repairs the same account", () =>
      Effect.gen(function* () {
        const platform = yield* Platform
        const created = yield* platform.bootstrapAdmin(operator, { email: "root@example.com", password, name: "Root" })
        assert.deepStrictEqual(
          [created.user.isPlatformAdmin, created.user.name, created.hasPassword],
          [true, "Root", true]
        )
        const session = yield* TestIdentity.signIn("root@example.com")
        assert.isTrue(session.actor.isPlatformAdmin)
        yield* platform.deactivate(operator, created.user.id).pipe(Effect.flip)

        const again = yield* platform.bootstrapAdmin(operator, {
          email: "ROOT@example.com",
          password: "a new password"
        })
        assert.strictEqual(again.user.id, created.user.id)
        assert.isFalse(yield* TestIdentity.stillWorks(session.secret))
        yield* TestIdentity.signIn("root@example.com", "a new password")
        assert.deepStrictEqual(
          yield* Effect.flip(platform.bootstrapAdmin(operator, { email: "x@example.com", password: "X@EXAMPLE.COM" })),
          ValidationFailed.single("password", "must not be your email address")
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("list, get, create", () => {
    it.effect("lists identities by email, searching email and name, paged; deleted ones are gone", () =>
      Effect.gen(function* () {
        const platform = yield* Platform
        for (const [email, name] of [
          ["carol@example.com", "Carol Shaw"],
          ["Alan@example.com", null],
          ["bob@other.org", "Ada's friend"],
          ["ada@example.com", "Ada Lovelace"]
        ] as const) {
          yield* platform.create(operator, { email, name: name ?? undefined })
        }
        const all = yield* platform.list(operator, { page: 0, size: 3 })
        assert.deepStrictEqual(
          [all.items.map((u) => u.email), all.total],
          [["ada@example.com", "Alan@example.com", "bob@other.org"], 4]
        )
        const second = yield* platform.list(operator, { page: 1, size: 3 })
        assert.deepStrictEqual(
          second.items.map((u) => u.email),
          ["carol@example.com"]
        )
        const ada = yield* platform.list(operator, { page: 0, size: 20, q: "ADA" })
        assert.deepStrictEqual(
          ada.items.map((u) => u.email),
          ["ada@example.com", "bob@other.org"]
        )
        yield* platform.delete(operator, ada.items[0]!.id)
        assert.strictEqual((yield* platform.list(operator, { page: 0, size: 20 })).total, 3)
        assert.deepStrictEqual(
          yield* Effect.flip(platform.get(operator, ada.items[0]!.id)),
          new UserNotFound({ userId: ada.items[0]!.id, scope: "platform" })
        )
        assert.strictEqual(
          new UserNotFound({ userId: ada.items[0]!.id, scope: "platform" }).message,
          `No user ${ada.items[0]!.id}`
        )
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("creates with a password and a membership; a taken email is EmailTaken", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make()
        const platform = yield* Platform
        const users = yield* Users
        const account = yield* platform.create(operator, {
          email: "ada@example.com",
          organizationId: acme.id,
          roleId: acme.admin.id,
          password
        })
        assert.isTrue(account.hasPassword)
        assert.deepStrictEqual(
          account.memberships.map((m) => [m.organization.id, m.role.name, m.membership.status]),
          [[acme.id, "Admin", "ACTIVE"]]
        )
        assert.strictEqual((yield* users.get(acme.operator, account.user.id)).role.name, "Admin")
        yield* TestIdentity.signIn("ada@example.com")
        assert.deepStrictEqual(
          yield* Effect.flip(platform.create(operator, { email: "ADA@example.com" })),
          new EmailTaken({ email: "ADA@example.com" })
        )
        assert.instanceOf(
          yield* Effect.flip(
            platform.create(operator, {
              email: "bob@example.com",
              organizationId: acme.id,
              roleId: account.user.id as never
            })
          ),
          RoleNotFound
        )
        const types = (yield* TestIdentity.allEvents).filter((e) => e.userId === account.user.id).map((e) => e.type)
        assert.deepStrictEqual(types, ["identity.created", "user.added", "identity.password_set", "session.created"])
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("deactivate, reactivate, disable MFA, reset password, verify email", () => {
    it.effect("deactivating ends every session and blocks sign-in until reactivated", () =>
      Effect.gen(function* () {
        const platform = yield* Platform
        const account = yield* platform.create(operator, { email: "ada@example.com", password })
        const session = yield* TestIdentity.signIn("ada@example.com")
        const deactivated = yield* platform.deactivate(operator, account.user.id)
        assert.isNotNull(deactivated.user.disabledAt)
        assert.isFalse(yield* TestIdentity.stillWorks(session.secret))
        assert.strictEqual((yield* Effect.flip(TestIdentity.signIn("ada@example.com")))._tag, "AccountDisabled")
        yield* platform.deactivate(operator, account.user.id)
        const reactivated = yield* platform.reactivate(operator, account.user.id)
        assert.isNull(reactivated.user.disabledAt)
        yield* TestIdentity.signIn("ada@example.com")
        const types = (yield* TestIdentity.allEvents).filter((e) => e.type.startsWith("identity.")).map((e) => e.type)
        assert.deepStrictEqual(types, [
          "identity.created",
          "identity.password_set",
          "identity.deactivated",
          "identity.reactivated"
        ])
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("disable MFA removes the factor and ends the sessions; reset password ends them too", () =>
      Effect.gen(function* () {
        const platform = yield* Platform
        const account = yield* platform.create(operator, { email: "ada@example.com", password })
        const { actor, secret } = yield* TestIdentity.signIn("ada@example.com")
        yield* TestIdentity.enableTotp(actor)
        assert.deepStrictEqual(yield* Effect.flip(TestIdentity.signIn("ada@example.com")), new MfaRequired())
        const cleared = yield* platform.disableMfa(operator, account.user.id)
        assert.isNull(cleared.user.mfaEnrolledAt)
        assert.isFalse(yield* TestIdentity.stillWorks(secret))
        const again = yield* TestIdentity.signIn("ada@example.com")
        // Again, with no factor left: nothing changes, no event, the new session lives on.
        const disabled = (yield* TestIdentity.allEvents).filter((e) => e.type === "mfa.disabled").length
        yield* platform.disableMfa(operator, account.user.id)
        assert.strictEqual((yield* TestIdentity.allEvents).filter((e) => e.type === "mfa.disabled").length, disabled)
        assert.isTrue(yield* TestIdentity.stillWorks(again.secret))

        yield* platform.resetPassword(operator, account.user.id, {
          password: "from the platform",
          askUserToUpdatePasswordOnLogin: true
        })
        assert.isFalse(yield* TestIdentity.stillWorks(again.secret))
        assert.deepStrictEqual(yield* Effect.flip(TestIdentity.signIn("ada@example.com")), new InvalidCredentials())
        assert.isTrue((yield* TestIdentity.signIn("ada@example.com", "from the platform")).passwordChangeRequired)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("verifies the email without a link", () =>
      Effect.gen(function* () {
        const platform = yield* Platform
        const account = yield* platform.create(operator, { email: "ada@example.com" })
        yield* TestClock.adjust("1 hour")
        const verified = yield* platform.verifyEmail(operator, account.user.id)
        assert.strictEqual(verified.user.emailVerifiedAt?.getTime(), 3_600_000)
        yield* platform.verifyEmail(operator, account.user.id)
        const events = (yield* TestIdentity.allEvents).filter((e) => e.type === "identity.email_verified")
        assert.lengthOf(events, 1)
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("platform admins", () => {
    it.effect("promote and demote; never the last one who can act", () =>
      Effect.gen(function* () {
        const platform = yield* Platform
        const root = yield* TestIdentity.platformAdmin()
        const ada = yield* platform.create(operator, { email: "ada@example.com", password })
        const rootId = root.account.user.id
        const last = new LastPlatformAdmin({ userId: rootId })
        assert.deepStrictEqual(yield* Effect.flip(platform.demote(root.actor, rootId)), last)
        assert.deepStrictEqual(yield* Effect.flip(platform.deactivate(operator, rootId)), last)
        assert.deepStrictEqual(yield* Effect.flip(platform.delete(operator, rootId)), last)

        const promoted = yield* platform.promote(root.actor, ada.user.id)
        assert.isTrue(promoted.user.isPlatformAdmin)
        const adaSession = yield* TestIdentity.signIn("ada@example.com")
        assert.isTrue(adaSession.actor.isPlatformAdmin)
        // A deactivated admin does not count: Ada is then the last one who can act.
        yield* platform.deactivate(adaSession.actor, rootId)
        assert.deepStrictEqual(
          yield* Effect.flip(platform.demote(adaSession.actor, ada.user.id)),
          new LastPlatformAdmin({ userId: ada.user.id })
        )
        yield* platform.reactivate(adaSession.actor, rootId)
        const demoted = yield* platform.demote(adaSession.actor, ada.user.id)
        assert.isFalse(demoted.user.isPlatformAdmin)
        // The demoted admin's sessions no longer carry the flag.
        assert.isFalse((yield* Effect.flatMap(Auth, (auth) => auth.authenticate(adaSession.secret))).isPlatformAdmin)
        const again = yield* TestIdentity.signIn("ada@example.com")
        assert.isFalse(again.actor.isPlatformAdmin)
        const types = (yield* TestIdentity.allEvents)
          .filter((e) => e.type.startsWith("platform_admin."))
          .map((e) => e.type)
        assert.deepStrictEqual(types, ["platform_admin.promoted", "platform_admin.promoted", "platform_admin.demoted"])
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    // Counting platform admins lets other fibers run before the count is used, as a database round
    // trip would: without the "platform" lock, both demotions pass.
    const racing = (ports: TestIdentity.Ports): TestIdentity.Ports => ({
      ...ports,
      users: {
        ...ports.users,
        countPlatformAdmins: ports.users.countPlatformAdmins.pipe(Effect.tap(() => Effect.yieldNow()))
      }
    })
    const unserialized = (ports: TestIdentity.Ports): TestIdentity.Ports => ({
      ...racing(ports),
      transactor: { transaction: () => (effect) => effect, lock: () => Effect.void }
    })

    const demoteBoth = Effect.gen(function* () {
      const platform = yield* Platform
      const a = yield* platform.bootstrapAdmin(operator, { email: "a@example.com", password })
      const b = yield* platform.bootstrapAdmin(operator, { email: "b@example.com", password })
      const results = yield* Effect.all(
        [Effect.either(platform.demote(operator, a.user.id)), Effect.either(platform.demote(operator, b.user.id))],
        { concurrency: "unbounded" }
      )
      const admins = yield* Effect.flatMap(UserRepository, (users) => users.countPlatformAdmins)
      return { results, admins }
    })

    for (const [name, layer] of [
      ["in-memory ports", TestIdentity.layer],
      ["ports that race", TestIdentity.layerWith(racing)]
    ] as const) {
      it.effect(`the last two demoted concurrently: exactly one succeeds (${name})`, () =>
        Effect.gen(function* () {
          const { results, admins } = yield* demoteBoth.pipe(Effect.provide(layer))
          assert.strictEqual(results.filter(Either.isRight).length, 1)
          const [failure] = results.filter(Either.isLeft)
          assert.instanceOf(Either.getOrThrow(Either.flip(failure!)), LastPlatformAdmin)
          assert.strictEqual(admins, 1)
        })
      )
    }

    it.effect("(the race above is real: without the lock both pass and no platform admin is left)", () =>
      Effect.gen(function* () {
        const { results, admins } = yield* demoteBoth.pipe(Effect.provide(TestIdentity.layerWith(unserialized)))
        assert.strictEqual(results.filter(Either.isRight).length, 2)
        assert.strictEqual(admins, 0)
      })
    )
  })

  describe("delete", () => {
    it.effect("forgets every membership, tombstones the identity and erases its secrets and personal data", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make("Acme")
        const globex = yield* TestOrganization.make("Globex")
        yield* TestOrganization.addManager(acme)
        yield* TestOrganization.addManager(globex)
        const platform = yield* Platform
        const users = yield* Users
        const ports = yield* TestIdentity.TestPorts
        const ada = yield* TestIdentity.addWithPassword(acme, "ada@example.com", {
          firstName: "Ada",
          lastName: "Lovelace"
        })
        yield* TestOrganization.add(globex, { email: "ada@example.com", firstName: "Augusta" })
        yield* users.terminate(globex.operator, ada.user.id)
        yield* platform.verifyEmail(operator, ada.user.id)
        const id = ada.user.id
        const session = yield* TestIdentity.signIn("ada@example.com")
        yield* TestIdentity.enableTotp(session.actor)
        // A failed sign-in records where it came from: personal data to erase too.
        yield* TestIdentity.signIn("ada@example.com", password, "000000").pipe(Effect.flip)
        const link = yield* Effect.flatMap(Credentials, (credentials) => credentials.magicLink(acme.operator, id))

        yield* TestClock.adjust("1 day")
        yield* platform.delete(operator, id)

        for (const organization of [acme, globex]) {
          const member = yield* users.get(organization.operator, id)
          assert.deepStrictEqual(
            [member.membership.status, member.membership.firstName, member.membership.lastName],
            ["FORGOTTEN", null, null]
          )
        }
        const erased = Option.getOrThrow(yield* ports.users.findById(id))
        assert.deepStrictEqual(
          [erased.email, erased.name, erased.emailVerifiedAt, erased.mfaEnrolledAt, erased.erasedAt?.getTime()],
          [`forgotten-${id}@erased.invalid`, null, null, null, 86_400_000]
        )
        assert.isTrue(Option.isNone(yield* ports.credentials.get(id)))
        assert.isTrue(Option.isNone(yield* ports.mfa.getTotp(id)))
        assert.strictEqual(yield* ports.mfa.countUnusedRecoveryCodes(id), 0)
        assert.isTrue(Option.isNone(yield* ports.sessions.find(id, session.session.id)))
        assert.isFalse(yield* TestIdentity.stillWorks(session.secret))
        assert.deepStrictEqual(yield* Effect.flip(TestIdentity.signIn("ada@example.com")), new InvalidCredentials())
        assert.deepStrictEqual(
          yield* Effect.flip(Effect.flatMap(Auth, (auth) => auth.useMagicLink({ token: link.secret }))),
          new InvalidLink()
        )

        const log = JSON.stringify((yield* TestIdentity.allEvents).filter((e) => e.userId === id))
        for (const personal of ["ada@example.com", "Ada", "Lovelace", "Augusta", "Vitest", "203.0.113.7"]) {
          assert.notInclude(log, personal)
        }
        const deleted = (yield* TestIdentity.allEvents).find((e) => e.type === "identity.deleted")!
        assert.deepStrictEqual(
          [deleted.userId, deleted.organizationId, deleted.before, deleted.after],
          [id, null, null, null]
        )
        // The address is free again.
        const newcomer = yield* platform.create(operator, { email: "ada@example.com" })
        assert.notStrictEqual(newcomer.user.id, id)
      }).pipe(Effect.provide(TestIdentity.layer))
    )

    it.effect("keeps every organization's last manager: then nothing is deleted", () =>
      Effect.gen(function* () {
        const acme = yield* TestOrganization.make("Acme")
        const globex = yield* TestOrganization.make("Globex")
        yield* TestOrganization.addManager(acme)
        const platform = yield* Platform
        const users = yield* Users
        const ada = yield* TestIdentity.addWithPassword(acme, "ada@example.com", { firstName: "Ada" })
        yield* TestOrganization.add(globex, { email: "ada@example.com", roleId: globex.admin.id })
        const session = yield* TestIdentity.signIn("ada@example.com")
        assert.deepStrictEqual(
          yield* Effect.flip(platform.delete(operator, ada.user.id)),
          new LastManager({ userId: ada.user.id })
        )
        assert.deepStrictEqual(
          [
            (yield* users.get(acme.operator, ada.user.id)).membership.status,
            (yield* users.get(globex.operator, ada.user.id)).membership.status
          ],
          ["ACTIVE", "ACTIVE"]
        )
        assert.isTrue(yield* TestIdentity.stillWorks(session.secret))
        assert.strictEqual((yield* platform.get(operator, ada.user.id)).user.email, "ada@example.com")
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })

  describe("create refuses fields it would otherwise ignore", () => {
    it.effect("a roleId without organizationId, askUserToUpdatePasswordOnLogin without a password", () =>
      Effect.gen(function* () {
        const platform = yield* Platform
        const acme = yield* TestOrganization.make("Acme")
        assert.deepStrictEqual(
          yield* Effect.flip(platform.create(operator, { email: "ada@example.com", roleId: acme.member.id })),
          ValidationFailed.single("roleId", "applies only with organizationId: a role belongs to an organization")
        )
        assert.deepStrictEqual(
          yield* Effect.flip(
            platform.create(operator, { email: "ada@example.com", askUserToUpdatePasswordOnLogin: true })
          ),
          ValidationFailed.single("askUserToUpdatePasswordOnLogin", "applies only with a password")
        )
        assert.strictEqual((yield* platform.list(operator, { page: 0, size: 20 })).total, 0)
      }).pipe(Effect.provide(TestIdentity.layer))
    )
  })
})
