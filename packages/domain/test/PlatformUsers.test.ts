/**
 * What the platform-users API adds to one's own account and to the platform's list: one's name and
 * picture (`update-my-profile`), the device of each session, the TOTP enrolment's QR code, and the
 * list's other names for its page size and search.
 */
import {
  Actor,
  Auth,
  IdentityInput,
  Me,
  PasswordChangeRequired,
  Platform,
  PlatformOperations,
  User,
  Users,
  Validation,
  ValidationFailed
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestIdentity from "./TestIdentity.js"
import * as TestOrganization from "./TestOrganization.js"
import * as TestSecrets from "./TestSecrets.js"

const setUp = Effect.gen(function* () {
  const acme = yield* TestOrganization.make("Acme")
  yield* TestOrganization.addManager(acme)
  const ada = yield* TestIdentity.addWithPassword(acme, "ada@example.com")
  return { acme, ada, ...(yield* TestIdentity.signIn("ada@example.com")) }
})

const decodeProfile = Validation.decode(IdentityInput.UpdateMyProfile)

/** The issues of a profile input that is refused. */
const refused = (input: unknown) =>
  Effect.flip(decodeProfile(input)).pipe(Effect.map((failed) => failed.issues.map((i) => [i.field, i.message])))

const avatar = "https://cdn.example.com/avatars/ada.png"

describe("Me.updateProfile", () => {
  it.effect("sets the name and picture; absent stays as it is, null clears; each change is recorded", () =>
    Effect.gen(function* () {
      const { ada, actor } = yield* setUp
      const me = yield* Me
      const set = yield* me.updateProfile(actor, { name: "Ada King", avatarUrl: avatar })
      assert.deepStrictEqual([set.user.name, set.user.avatarUrl], ["Ada King", avatar])
      const renamed = yield* me.updateProfile(actor, { name: "Ada Lovelace" })
      assert.deepStrictEqual([renamed.user.name, renamed.user.avatarUrl], ["Ada Lovelace", avatar])
      const cleared = yield* me.updateProfile(actor, { avatarUrl: null })
      assert.deepStrictEqual([cleared.user.name, cleared.user.avatarUrl], ["Ada Lovelace", null])
      // Nothing given, or nothing different: nothing changes and nothing is recorded.
      yield* me.updateProfile(actor, {})
      yield* me.updateProfile(actor, { name: "Ada Lovelace", avatarUrl: null })
      assert.deepStrictEqual((yield* me.profile(actor)).memberships.length, 1)

      const events = (yield* TestIdentity.allEvents).filter((e) => e.type === "identity.profile_updated")
      assert.deepStrictEqual(
        events.map((e) => [e.userId, e.organizationId, e.actor, e.before, e.after]),
        [
          [
            ada.user.id,
            null,
            Actor.describe(actor),
            { name: null, avatarUrl: null },
            { name: "Ada King", avatarUrl: avatar }
          ],
          [
            ada.user.id,
            null,
            Actor.describe(actor),
            { name: "Ada King", avatarUrl: avatar },
            { name: "Ada Lovelace", avatarUrl: avatar }
          ],
          [
            ada.user.id,
            null,
            Actor.describe(actor),
            { name: "Ada Lovelace", avatarUrl: avatar },
            { name: "Ada Lovelace", avatarUrl: null }
          ]
        ]
      )
    }).pipe(Effect.provide(TestIdentity.layer))
  )

  it.effect("is refused to a session that must change its password first, with nothing changed", () =>
    Effect.gen(function* () {
      const acme = yield* TestOrganization.make()
      yield* TestOrganization.addManager(acme)
      yield* TestIdentity.addWithPassword(acme, "ada@example.com", { askUserToUpdatePasswordOnLogin: true })
      const { actor } = yield* TestIdentity.signIn("ada@example.com")
      const me = yield* Me
      assert.deepStrictEqual(yield* Effect.flip(me.updateProfile(actor, { name: "Ada" })), new PasswordChangeRequired())
      const events = yield* TestIdentity.allEvents
      assert.isFalse(events.some((e) => e.type === "identity.profile_updated"))
    }).pipe(Effect.provide(TestIdentity.layer))
  )

  it.effect("the name and picture are personal data: erasure clears them, and their events", () =>
    Effect.gen(function* () {
      const { acme, ada, actor } = yield* setUp
      const me = yield* Me
      yield* me.updateProfile(actor, { name: "Ada King", avatarUrl: avatar })
      const users = yield* Users
      yield* users.terminate(acme.operator, ada.user.id)
      const erased = yield* users.forget(acme.operator, ada.user.id)
      assert.deepStrictEqual([erased.user.name, erased.user.avatarUrl], [null, null])
      const log = JSON.stringify(yield* TestIdentity.allEvents)
      for (const personal of ["Ada King", avatar, "avatarUrl"]) assert.notInclude(log, personal)
      assert.include(User.personalFields, "avatarUrl")
    }).pipe(Effect.provide(TestIdentity.layer))
  )
})

describe("IdentityInput.UpdateMyProfile", () => {
  it.effect("takes an https URL (as the URL standard writes it) and a trimmed name", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(
        yield* decodeProfile({ name: "  Ada King ", avatarUrl: " HTTPS://CDN.Example.com/a.png " }),
        {
          name: "Ada King",
          avatarUrl: "https://cdn.example.com/a.png"
        }
      )
      assert.deepStrictEqual(yield* decodeProfile({ name: null, avatarUrl: null }), { name: null, avatarUrl: null })
      assert.deepStrictEqual(yield* decodeProfile({}), {})
      const longest = `https://example.com/${"a".repeat(2048 - "https://example.com/".length)}`
      assert.deepStrictEqual(yield* decodeProfile({ avatarUrl: longest }), { avatarUrl: longest })
      assert.deepStrictEqual(yield* decodeProfile({ name: "a".repeat(200) }), { name: "a".repeat(200) })
    })
  )

  it.effect("refuses a picture that is not an https URL, too long, with credentials, spaces or controls", () =>
    Effect.gen(function* () {
      const notHttps = "must be an https:// URL, such as https://example.com/ada.png"
      for (const url of [
        "http://example.com/ada.png",
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://example.com/ada.png",
        "//example.com/ada.png",
        "/ada.png",
        "not-a-url",
        "https://"
      ]) {
        assert.deepStrictEqual(yield* refused({ avatarUrl: url }), [["avatarUrl", notHttps]], url)
      }
      assert.deepStrictEqual(yield* refused({ avatarUrl: `https://example.com/${"a".repeat(2029)}` }), [
        ["avatarUrl", "must be at most 2048 characters"]
      ])
      for (const url of ["https://ada:secret@example.com/a.png", "https://ada@example.com/a.png"]) {
        assert.deepStrictEqual(
          yield* refused({ avatarUrl: url }),
          [["avatarUrl", "must not contain credentials (user:password@)"]],
          url
        )
      }
      for (const url of [
        "https://exa\nmple.com/a.png",
        "https://example.com/a\tb.png",
        "https://example.com/a b.png"
      ]) {
        assert.deepStrictEqual(
          yield* refused({ avatarUrl: url }),
          [["avatarUrl", "must not contain spaces or control characters"]],
          url
        )
      }
      assert.deepStrictEqual(yield* refused({ avatarUrl: "  " }), [["avatarUrl", `${notHttps}; send null to clear it`]])
      assert.deepStrictEqual((yield* refused({ avatarUrl: 42 }))[0]![0], "avatarUrl")
    })
  )

  it.effect("refuses an empty or too long name, one with control characters, and unknown fields", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* refused({ name: "   " }), [["name", "must not be empty; send null to clear it"]])
      assert.deepStrictEqual(yield* refused({ name: "a".repeat(201) }), [["name", "must be at most 200 characters"]])
      for (const name of ["Ada\nKing", "Ada\u0007", "Ada\u009bKing", "Ada\tKing"]) {
        assert.deepStrictEqual(
          yield* refused({ name }),
          [["name", "must not contain control characters (line breaks, tabs, escapes)"]],
          JSON.stringify(name)
        )
      }
      assert.deepStrictEqual((yield* refused({ email: "ada@example.com" }))[0]![0], "email")
    })
  )
})

describe("Me.sessions", () => {
  it.effect("says what device each session's user agent names, unknown when it names none", () =>
    Effect.gen(function* () {
      const { actor } = yield* setUp
      const auth = yield* Auth
      yield* auth.login({
        email: "ada@example.com",
        password: TestIdentity.password,
        userAgent: "Firefox/121.0 (Linux; desktop)"
      })
      yield* auth.login({ email: "ada@example.com", password: TestIdentity.password })
      const listed = yield* (yield* Me).sessions(actor)
      assert.sameDeepMembers(
        listed.map((view) => [view.session.userAgent, view.device, view.current]),
        [
          // TestIdentity signs in as "Vitest", which the test parser does not read.
          ["Vitest", { browser: null, os: null, type: null }, true],
          ["Firefox/121.0 (Linux; desktop)", { browser: "Firefox", os: "Linux", type: "desktop" }, false],
          [null, { browser: null, os: null, type: null }, false]
        ]
      )
    }).pipe(Effect.provide(TestIdentity.layer))
  )
})

describe("Me.startTotp", () => {
  it.effect("answers the otpauth URL as a QR code too", () =>
    Effect.gen(function* () {
      const { actor } = yield* setUp
      const enrolment = yield* (yield* Me).startTotp(actor)
      assert.strictEqual(TestSecrets.qrCodeText(enrolment.qrCodeUrl), enrolment.otpauthUrl)
    }).pipe(Effect.provide(TestIdentity.layer))
  )
})

describe("Platform.list", () => {
  it.effect("takes limit for size and search for q; both names of one is ValidationFailed naming both", () =>
    Effect.gen(function* () {
      const platform = yield* Platform
      const admin = yield* TestIdentity.platformAdmin()
      yield* platform.create(Actor.operator, { email: "bob@example.com", name: "Bob" })
      yield* platform.create(Actor.operator, { email: "carol@example.com" })
      const emails = (query: IdentityInput.ListAccounts) =>
        platform.list(admin.actor, query).pipe(Effect.map((page) => [page.items.map((u) => u.email), page.size]))
      assert.deepStrictEqual(yield* emails({ page: 0 }), [
        ["bob@example.com", "carol@example.com", "root@example.com"],
        20
      ])
      assert.deepStrictEqual(yield* emails({ page: 0, limit: 2 }), [["bob@example.com", "carol@example.com"], 2])
      assert.deepStrictEqual(yield* emails({ page: 1, size: 2 }), [["root@example.com"], 2])
      assert.deepStrictEqual(yield* emails({ page: 0, search: "BOB" }), [["bob@example.com"], 20])
      assert.deepStrictEqual(yield* emails({ page: 0, q: "bob" }), [["bob@example.com"], 20])

      const both = yield* Effect.flip(platform.list(admin.actor, { page: 0, size: 2, limit: 2, q: "a", search: "a" }))
      assert.deepStrictEqual(
        both,
        new ValidationFailed({
          issues: [
            { field: "limit", message: "is another name for size: give one of size and limit, not both" },
            { field: "size", message: "is another name for limit: give one of size and limit, not both" },
            { field: "search", message: "is another name for q: give one of q and search, not both" },
            { field: "q", message: "is another name for search: give one of q and search, not both" }
          ]
        })
      )
    }).pipe(Effect.provide(TestIdentity.layer))
  )

  it.effect("decides who may ask before what was asked: a member's conflicting query is Forbidden", () =>
    Effect.gen(function* () {
      const { actor } = yield* setUp
      const platform = yield* Platform
      const refusal = yield* Effect.flip(platform.list(actor, { page: 0, size: 2, limit: 3 }))
      assert.strictEqual(refusal._tag, "Forbidden")
    }).pipe(Effect.provide(TestIdentity.layer))
  )

  it.effect("the operation reads limit and search as text, as a query string sends them", () =>
    Effect.gen(function* () {
      const input = yield* Validation.decode(PlatformOperations.listAccounts.input)({ limit: "5", search: "ada" })
      assert.deepStrictEqual(input, { limit: 5, search: "ada" })
      const wrong = yield* Effect.flip(Validation.decode(PlatformOperations.listAccounts.input)({ limit: "0" }))
      assert.deepStrictEqual(
        wrong.issues.map((i) => i.field),
        ["limit"]
      )
    })
  )
})

describe("Platform.create", () => {
  it.effect("takes orgId for organizationId; both is ValidationFailed naming both, with nothing made", () =>
    Effect.gen(function* () {
      const acme = yield* TestOrganization.make("Acme")
      const platform = yield* Platform
      const made = yield* platform.create(Actor.operator, { email: "bob@example.com", orgId: acme.id })
      assert.deepStrictEqual(
        made.memberships.map((m) => [m.organization.id, m.membership.status]),
        [[acme.id, "ACTIVE"]]
      )
      const both = yield* Effect.flip(
        platform.create(Actor.operator, { email: "carol@example.com", orgId: acme.id, organizationId: acme.id })
      )
      assert.deepStrictEqual(
        both,
        new ValidationFailed({
          issues: [
            {
              field: "orgId",
              message: "is another name for organizationId: give one of organizationId and orgId, not both"
            },
            {
              field: "organizationId",
              message: "is another name for orgId: give one of organizationId and orgId, not both"
            }
          ]
        })
      )
      const listed = yield* platform.list(Actor.operator, { page: 0, q: "carol" })
      assert.strictEqual(listed.total, 0)
    }).pipe(Effect.provide(TestIdentity.layer))
  )
})
