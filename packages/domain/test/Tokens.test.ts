import type { Access } from "@roster/domain"
import {
  Actor,
  Forbidden,
  OrganizationId,
  OrganizationNotFound,
  OrganizationToken,
  Organizations,
  RoleEscalation,
  SessionId,
  SessionRepository,
  TokenId,
  TokenNotFound,
  Tokens,
  Unauthorized,
  Users,
  ValidationFailed,
  randomUuid
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as TestOrganization from "./TestOrganization.js"

const notValid = new Unauthorized({ reason: "The token is not valid: unknown, revoked or expired" })
const malformed = new Unauthorized({
  reason: "The token is malformed: expected tot_ followed by 52 letters and digits"
})

/** An organization made as the operator makes one, and its operator access. */
const newOrganization = (name = "Acme") =>
  Effect.gen(function* () {
    const organizations = yield* Organizations
    const { organization } = yield* organizations.create(Actor.operator, name)
    const operator: Access = { actor: Actor.operator, organizationId: organization.id }
    return { organization, operator }
  })

describe("Tokens", () => {
  it.effect("create returns the secret once: tot_ and 52 base62 characters", () =>
    Effect.gen(function* () {
      const { organization, operator } = yield* newOrganization()
      const tokens = yield* Tokens
      const { token, secret } = yield* tokens.create(operator, {
        name: "HR sync",
        permissions: ["can_manage_users", "can_view_users", "can_manage_users"]
      })
      assert.match(secret, /^tot_[0-9A-Za-z]{52}$/)
      assert.lengthOf(secret, 56)
      assert.strictEqual(token.organizationId, organization.id)
      assert.strictEqual(token.name, "HR sync")
      assert.deepStrictEqual(token.permissions, ["can_view_users", "can_manage_users"])
      assert.deepStrictEqual([token.expiresAt, token.revokedAt, token.lastUsedAt], [null, null, null])
      assert.notInclude(JSON.stringify(yield* tokens.list(operator)), secret)

      const second = yield* tokens.create(operator, { name: "other", permissions: ["can_view_users"] })
      assert.notStrictEqual(second.secret, secret)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it("generates secrets that use the whole alphabet and never repeat", () => {
    const secrets = Array.from({ length: 200 }, () => OrganizationToken.generateSecret())
    assert.strictEqual(new Set(secrets).size, 200)
    for (const secret of secrets) assert.match(secret, OrganizationToken.format)
    const characters = new Set(secrets.flatMap((secret) => [...secret.slice(4)]))
    assert.strictEqual(characters.size, 62)
  })

  it.effect("authenticate turns a secret into its token's actor and records the use", () =>
    Effect.gen(function* () {
      const { organization, operator } = yield* newOrganization()
      const tokens = yield* Tokens
      const { token, secret } = yield* tokens.create(operator, { name: "reader", permissions: ["can_view_users"] })
      yield* TestClock.adjust("5 minutes")
      const actor = yield* tokens.authenticate(secret)
      assert.deepStrictEqual(
        actor,
        Actor.token({
          tokenId: token.id,
          organizationId: organization.id,
          permissions: ["can_view_users"],
          onBehalfOf: null
        })
      )
      const [listed] = yield* tokens.list(operator)
      assert.strictEqual(listed!.lastUsedAt?.getTime(), 300_000)

      // The actor works with the use cases straight away.
      const users = yield* Users
      const page = yield* users.list({ actor, organizationId: organization.id }, { page: 0, size: 20 })
      assert.strictEqual(page.total, 0)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("a revoked token is Unauthorized; revoking again changes nothing", () =>
    Effect.gen(function* () {
      const { operator } = yield* newOrganization()
      const tokens = yield* Tokens
      const { token, secret } = yield* tokens.create(operator, { name: "ci", permissions: ["can_view_users"] })
      yield* TestClock.adjust("1 minute")
      const revoked = yield* tokens.revoke(operator, token.id)
      assert.strictEqual(revoked.revokedAt?.getTime(), 60_000)
      assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(secret)), notValid)
      yield* TestClock.adjust("1 minute")
      const again = yield* tokens.revoke(operator, token.id)
      assert.strictEqual(again.revokedAt?.getTime(), 60_000)
      const events = yield* TestOrganization.events({ operator })
      assert.deepStrictEqual(
        events.map((e) => e.type),
        ["token.revoked", "token.created", "organization.created"]
      )
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("an expired token is Unauthorized from its expiry on", () =>
    Effect.gen(function* () {
      const { operator } = yield* newOrganization()
      const tokens = yield* Tokens
      const { secret } = yield* tokens.create(operator, {
        name: "temporary",
        permissions: ["can_view_users"],
        expiresAt: new Date(3_600_000)
      })
      yield* TestClock.adjust("59 minutes")
      yield* tokens.authenticate(secret)
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(secret)), notValid)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("a token cannot be created already expired", () =>
    Effect.gen(function* () {
      const { operator } = yield* newOrganization()
      const tokens = yield* Tokens
      yield* TestClock.adjust("1 hour")
      for (const expiresAt of [new Date(0), new Date(3_600_000)]) {
        const error = yield* Effect.flip(
          tokens.create(operator, { name: "late", permissions: ["can_view_users"], expiresAt })
        )
        assert.deepStrictEqual(error, ValidationFailed.single("expiresAt", "must be in the future"))
      }
      assert.lengthOf(yield* tokens.list(operator), 0)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("malformed and unknown tokens are Unauthorized", () =>
    Effect.gen(function* () {
      const { operator } = yield* newOrganization()
      const tokens = yield* Tokens
      const { secret } = yield* tokens.create(operator, { name: "ci", permissions: ["can_view_users"] })
      const malformedTokens = [
        "",
        "tot_",
        "tot_abc",
        `Bearer ${secret}`,
        `${secret} `,
        `${secret}x`,
        secret.replace("tot_", "tok_"),
        `tot_${"-".repeat(52)}`
      ]
      for (const presented of malformedTokens) {
        assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(presented)), malformed, presented)
      }
      // Well formed, but not a token anyone minted.
      const forged = `tot_${secret.slice(4, 55)}${secret.endsWith("A") ? "B" : "A"}`
      assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(forged)), notValid)
      assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(OrganizationToken.generateSecret())), notValid)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("a token cannot mint a token with permissions it lacks", () =>
    Effect.gen(function* () {
      const { organization: org, operator } = yield* newOrganization()
      const tokens = yield* Tokens
      const { secret } = yield* tokens.create(operator, {
        name: "token admin",
        permissions: ["can_manage_tokens", "can_manage_users"]
      })
      const actor = yield* tokens.authenticate(secret)
      const access: Access = { actor, organizationId: org.id }
      assert.deepStrictEqual(
        yield* Effect.flip(
          tokens.create(access, { name: "too much", permissions: ["can_view_audit", "can_manage_users"] })
        ),
        new RoleEscalation({ missing: ["can_view_audit"] })
      )
      // Held permissions, and what they imply, can be handed on.
      const minted = yield* tokens.create(access, { name: "reader", permissions: ["can_view_users"] })
      assert.deepStrictEqual(minted.token.permissions, ["can_view_users"])
      assert.lengthOf(yield* tokens.list(operator), 2)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("a token cannot revoke one holding permissions it lacks, but may revoke itself", () =>
    Effect.gen(function* () {
      const { organization: org, operator } = yield* newOrganization()
      const tokens = yield* Tokens
      const strong = yield* tokens.create(operator, {
        name: "everything",
        permissions: ["can_manage_tokens", "can_manage_users", "can_view_audit"]
      })
      const weak = yield* tokens.create(operator, { name: "token admin", permissions: ["can_manage_tokens"] })
      const reader = yield* tokens.create(operator, { name: "reader", permissions: ["can_manage_tokens"] })
      const access: Access = { actor: yield* tokens.authenticate(weak.secret), organizationId: org.id }
      assert.deepStrictEqual(
        yield* Effect.flip(tokens.revoke(access, strong.token.id)),
        new RoleEscalation({ missing: ["can_manage_users", "can_view_audit"], over: "token" })
      )
      yield* tokens.authenticate(strong.secret)
      // One no stronger than itself, and itself, it may revoke.
      yield* tokens.revoke(access, reader.token.id)
      yield* tokens.revoke(access, weak.token.id)
      assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(weak.secret)), notValid)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("every token operation needs can_manage_tokens", () =>
    Effect.gen(function* () {
      const { organization: org, operator } = yield* newOrganization()
      const tokens = yield* Tokens
      const { token } = yield* tokens.create(operator, { name: "ci", permissions: ["can_view_users"] })
      const access = TestOrganization.tokenAccess(org.id, [
        "can_view_users",
        "can_manage_users",
        "can_reset_2fa",
        "can_manage_roles",
        "can_view_audit"
      ])
      const forbidden = new Forbidden({ required: "can_manage_tokens" })
      assert.deepStrictEqual(
        yield* Effect.flip(tokens.create(access, { name: "x", permissions: ["can_view_users"] })),
        forbidden
      )
      assert.deepStrictEqual(yield* Effect.flip(tokens.list(access)), forbidden)
      assert.deepStrictEqual(yield* Effect.flip(tokens.revoke(access, token.id)), forbidden)
      assert.lengthOf(yield* tokens.list(operator), 1)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("tokens are per organization: listed, revoked and found only there", () =>
    Effect.gen(function* () {
      const acme = yield* newOrganization("Acme")
      const globex = yield* newOrganization("Globex")
      const tokens = yield* Tokens
      const acmeToken = yield* tokens.create(acme.operator, { name: "acme", permissions: ["can_manage_tokens"] })
      yield* TestClock.adjust("1 second")
      const newer = yield* tokens.create(acme.operator, { name: "acme 2", permissions: ["can_view_users"] })
      yield* tokens.create(globex.operator, { name: "globex", permissions: ["can_view_users"] })

      assert.deepStrictEqual(
        (yield* tokens.list(acme.operator)).map((t) => t.name),
        ["acme 2", "acme"]
      )
      assert.deepStrictEqual(
        yield* Effect.flip(tokens.revoke(globex.operator, acmeToken.token.id)),
        new TokenNotFound({ tokenId: acmeToken.token.id })
      )
      const unknown = TokenId.make(randomUuid())
      assert.deepStrictEqual(
        yield* Effect.flip(tokens.revoke(acme.operator, unknown)),
        new TokenNotFound({ tokenId: unknown })
      )
      yield* tokens.authenticate(newer.secret)

      // A token of Acme cannot reach Globex's tokens at all.
      const actor = yield* tokens.authenticate(acmeToken.secret)
      assert.deepStrictEqual(
        yield* Effect.flip(tokens.list({ actor, organizationId: globex.organization.id })),
        new OrganizationNotFound({ organization: globex.organization.id })
      )
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("the secret and its hash never appear in any event", () =>
    Effect.gen(function* () {
      const { operator } = yield* newOrganization()
      const tokens = yield* Tokens
      const { token, secret } = yield* tokens.create(operator, { name: "ci", permissions: ["can_view_users"] })
      yield* tokens.authenticate(secret)
      yield* tokens.revoke(operator, token.id)
      const events = yield* TestOrganization.events({ operator })
      assert.deepStrictEqual(events.map((e) => e.type).slice(0, 2), ["token.revoked", "token.created"])
      assert.deepStrictEqual(events[1]!.after, {
        tokenId: token.id,
        name: "ci",
        permissions: ["can_view_users"],
        expiresAt: null
      })
      const log = JSON.stringify(events)
      assert.notInclude(log, secret)
      assert.notInclude(log, secret.slice(4))
      assert.notInclude(log, yield* OrganizationToken.hash(secret))
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it("a token is usable until it is revoked or reaches its expiry", () => {
    const token: OrganizationToken.OrganizationToken = {
      id: TokenId.make(randomUuid()),
      organizationId: OrganizationId.make(randomUuid()),
      name: "ci",
      permissions: ["can_view_users"],
      createdAt: new Date(0),
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      createdByUserId: null
    }
    assert.isTrue(OrganizationToken.isUsable(token, new Date(8.64e15)))
    const expiring = { ...token, expiresAt: new Date(1_000) }
    assert.isTrue(OrganizationToken.isUsable(expiring, new Date(999)))
    assert.isFalse(OrganizationToken.isUsable(expiring, new Date(1_000)))
    assert.isFalse(OrganizationToken.isUsable({ ...token, revokedAt: new Date(5) }, new Date(0)))
  })

  it.effect("hash is SHA-256 in hex", () =>
    Effect.gen(function* () {
      assert.strictEqual(
        yield* OrganizationToken.hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
      )
    })
  )

  describe("a token a member minted acts for that member", () => {
    /** Ada, an ACTIVE Admin acting through a session, mints a token with every permission she has. */
    const mintedByAda = Effect.gen(function* () {
      const acme = yield* TestOrganization.make()
      yield* TestOrganization.addManager(acme)
      const ada = yield* TestOrganization.add(acme, { email: "ada@example.com", roleId: acme.admin.id })
      // A session of hers, stored: the use cases read it again under their lock (`Authority`).
      const sessionId = SessionId.make(randomUuid())
      const at = new Date()
      yield* (yield* SessionRepository).insert(
        {
          id: sessionId,
          userId: ada.user.id,
          purpose: "full",
          createdAt: at,
          expiresAt: new Date(at.getTime() + 86_400_000),
          lastSeenAt: at,
          userAgent: null,
          ip: null,
          revokedAt: null
        },
        `hash of ${sessionId}`
      )
      const session: Access = {
        actor: Actor.member({
          sessionId,
          userId: ada.user.id,
          organizationId: acme.id,
          permissions: acme.admin.permissions
        }),
        organizationId: acme.id
      }
      const tokens = yield* Tokens
      const { token, secret } = yield* tokens.create(session, {
        name: "ada's script",
        permissions: acme.admin.permissions
      })
      return { acme, ada, session, token, secret, tokens, users: yield* Users }
    })

    const permissionsOf = (actor: Actor.Actor) => (actor._tag === "Token" ? [...actor.permissions].sort() : [])

    it.effect("records the member; an operator's or a token's token belongs to the organization", () =>
      Effect.gen(function* () {
        const { acme, ada, token, tokens } = yield* mintedByAda
        assert.strictEqual(token.createdByUserId, ada.user.id)
        const owned = yield* tokens.create(acme.operator, { name: "org", permissions: ["can_view_users"] })
        assert.isNull(owned.token.createdByUserId)
        const fromToken = yield* tokens.create(acme.token(["can_manage_tokens", "can_view_users"]), {
          name: "org too",
          permissions: ["can_view_users"]
        })
        assert.isNull(fromToken.token.createdByUserId)
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("stops while the member is not ACTIVE, and works again once they are", () =>
      Effect.gen(function* () {
        const { acme, ada, secret, tokens, users } = yield* mintedByAda
        assert.deepStrictEqual(permissionsOf(yield* tokens.authenticate(secret)), [...acme.admin.permissions].sort())
        const gone = new Unauthorized({
          reason: "The token is not valid: the member who created it is no longer an active member"
        })
        yield* users.deactivate(acme.operator, ada.user.id)
        assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(secret)), gone)
        yield* users.activate(acme.operator, ada.user.id)
        yield* tokens.authenticate(secret)
        yield* users.terminate(acme.operator, ada.user.id)
        assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(secret)), gone)
        yield* users.reinstate(acme.operator, ada.user.id, { roleId: acme.member.id })
        // Back, as a Member: the token can do no more than a Member can.
        assert.deepStrictEqual(permissionsOf(yield* tokens.authenticate(secret)), ["can_view_users"])
        yield* users.remove(acme.operator, ada.user.id, { reason: "left" })
        assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(secret)), gone)
        yield* users.forget(acme.operator, ada.user.id)
        assert.deepStrictEqual(yield* Effect.flip(tokens.authenticate(secret)), gone)
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("a token the member's token mints acts for the member too", () =>
      Effect.gen(function* () {
        const { acme, ada, secret, tokens, users } = yield* mintedByAda
        const first = yield* tokens.authenticate(secret)
        const second = yield* tokens.create(
          { actor: first, organizationId: acme.id },
          { name: "minted by the script", permissions: acme.admin.permissions }
        )
        assert.strictEqual(second.token.createdByUserId, ada.user.id)
        yield* tokens.authenticate(second.secret)
        yield* users.remove(acme.operator, ada.user.id, { reason: "left" })
        assert.strictEqual(
          (yield* Effect.flip(tokens.authenticate(second.secret))).reason,
          "The token is not valid: the member who created it is no longer an active member"
        )
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("keeps what its permissions imply that the member still holds", () =>
      Effect.gen(function* () {
        const { acme, ada, session, tokens, users } = yield* mintedByAda
        const { secret } = yield* tokens.create(session, { name: "manage only", permissions: ["can_manage_users"] })
        yield* users.changeRole(acme.operator, ada.user.id, { roleId: acme.member.id })
        // can_manage_users implies can_view_users, which a Member still holds.
        assert.deepStrictEqual(permissionsOf(yield* tokens.authenticate(secret)), ["can_view_users"])
      }).pipe(Effect.provide(TestOrganization.layer))
    )

    it.effect("can do no more than the member's role grants at the time of the call", () =>
      Effect.gen(function* () {
        const { acme, ada, secret, tokens, users } = yield* mintedByAda
        yield* users.changeRole(acme.operator, ada.user.id, { roleId: acme.support.id })
        assert.deepStrictEqual(permissionsOf(yield* tokens.authenticate(secret)), ["can_reset_2fa", "can_view_users"])
        // Manager holds can_manage_users, which implies can_view_users: both stay.
        yield* users.changeRole(acme.operator, ada.user.id, { roleId: acme.manager.id })
        assert.deepStrictEqual(permissionsOf(yield* tokens.authenticate(secret)), [
          "can_manage_users",
          "can_view_users"
        ])
      }).pipe(Effect.provide(TestOrganization.layer))
    )
  })
})
