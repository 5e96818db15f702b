/**
 * The operations beyond the membership ones, run as a surface runs them: the input decoded from
 * what a client sends (JSON or text), the caller its guard established, the answer in the success
 * schema's shape.
 */
import type { ValidationFailed } from "@roster/domain"
import {
  Actor,
  AuditResponse,
  CredentialOperations,
  EventOperations,
  IdentityResponse,
  type Operation,
  OrganizationOperations,
  OrganizationResponse,
  PlatformOperations,
  PublicUrl,
  RoleOperations,
  TokenOperations,
  UserOperations,
  Validation
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as TestIdentity from "./TestIdentity.js"

const layer = Layer.merge(TestIdentity.layer, PublicUrl.layer("https://app.example/roster/"))

/** Decodes `sent` with the operation's input schema, as every adapter does, and runs it. */
const call = <
  G extends Operation.Guard,
  F extends Schema.Struct.Fields,
  S extends Operation.Success,
  E extends Operation.ErrorTag,
  R
>(
  operation: Operation.Operation<string, G, F, S, E, R>,
  caller: Operation.Caller<G>,
  sent: unknown
) =>
  // An operation's input needs no context; its generic struct type cannot say so.
  Validation.decode(operation.input as unknown as Schema.Schema<Schema.Struct.Type<F>, unknown>)(sent).pipe(
    Effect.flatMap((input) => operation.run(caller, input))
  )

const operator = { actor: Actor.operator as Actor.Operator, client: {} }

/** An organization made by the operator, and the operator acting in it. */
const organization = Effect.gen(function* () {
  const created = yield* call(OrganizationOperations.createOrganization, operator, { name: "Acme" })
  return { created, caller: { access: { actor: Actor.operator, organizationId: created.id }, client: {} } as never }
})

const issues = (error: ValidationFailed) => error.issues.map(({ field, message }) => ({ field, message }))

describe("operations", () => {
  it.effect("create-organization answers the organization with its built-in roles, as list-roles shows them", () =>
    Effect.gen(function* () {
      const { created, caller } = yield* organization
      assert.deepStrictEqual(
        created.roles.map(({ name, isDefault }) => [name, isDefault]),
        [
          ["Admin", false],
          ["Member", true]
        ]
      )
      const roles = yield* call(RoleOperations.listRoles, caller, {})
      assert.deepStrictEqual(roles, created.roles)
      assert.deepStrictEqual(Schema.decodeUnknownSync(OrganizationResponse.RoleListResponse)(roles), roles)
      const listed = yield* call(OrganizationOperations.listOrganizations, operator, {})
      assert.deepStrictEqual(listed, [{ id: created.id, name: "Acme", createdDateTime: created.createdDateTime }])
    }).pipe(Effect.provide(layer))
  )

  it.effect("create-token reads expiresAt as an RFC 3339 date-time; absent or null never expires", () =>
    Effect.gen(function* () {
      const { caller } = yield* organization
      const expiring = yield* call(TokenOperations.createToken, caller, {
        name: "hr-sync",
        permissions: ["can_view_users"],
        expiresAt: "2030-01-31T13:00:00+01:00"
      })
      assert.strictEqual(expiring.expiresAt, "2030-01-31T12:00:00.000Z")
      assert.match(expiring.token, /^tot_[0-9A-Za-z]{52}$/)
      assert.deepStrictEqual(Object.keys(expiring).slice(0, 2), ["id", "token"])
      const forever = yield* call(TokenOperations.createToken, caller, {
        name: "backoffice",
        permissions: ["can_view_users"],
        expiresAt: null
      })
      assert.isNull(forever.expiresAt)
      const listed = yield* call(TokenOperations.listTokens, caller, {})
      assert.sameMembers(
        listed.map((token) => token.name),
        ["hr-sync", "backoffice"]
      )
      assert.notProperty(listed[0], "token")
      const revoked = yield* call(TokenOperations.revokeToken, caller, { tokenId: forever.id })
      assert.isString(revoked.revokedAt)
      assert.deepStrictEqual(Schema.decodeUnknownSync(AuditResponse.TokenResponse)(revoked), revoked)
    }).pipe(Effect.provide(layer))
  )

  it.effect("create-token refuses a date without an offset, and a day the calendar lacks", () =>
    Effect.gen(function* () {
      const { caller } = yield* organization
      const refused = (expiresAt: string) =>
        call(TokenOperations.createToken, caller, { name: "x", permissions: ["can_view_users"], expiresAt }).pipe(
          Effect.flip,
          Effect.map((error) => (error._tag === "ValidationFailed" ? issues(error) : error._tag))
        )
      assert.deepStrictEqual(yield* refused("1"), [
        { field: "expiresAt", message: "must be a date-time with an offset, such as 2030-01-31T12:00:00Z" }
      ])
      assert.deepStrictEqual(yield* refused("2030-02-30T00:00:00Z"), [
        { field: "expiresAt", message: "must be a day of the calendar (no February 30th)" }
      ])
      // The clock stands at the epoch here: a day of 1969 is in its past.
      assert.deepStrictEqual(yield* refused("1969-12-31T12:00:00Z"), [
        { field: "expiresAt", message: "must be in the future" }
      ])
    }).pipe(Effect.provide(layer))
  )

  it.effect("list-events reads page and size from text, and answers the event page", () =>
    Effect.gen(function* () {
      const { caller } = yield* organization
      yield* call(TokenOperations.createToken, caller, { name: "hr-sync", permissions: ["can_view_users"] })
      const page = yield* call(EventOperations.listEvents, caller, { page: "0", size: "1", type: ["token.created"] })
      assert.deepStrictEqual(
        [page.content.map((event) => event.type), page.totalElements, page.size],
        [["token.created"], 1, 1]
      )
      assert.deepStrictEqual(Schema.decodeUnknownSync(AuditResponse.EventPageResponse)(page), page)
    }).pipe(Effect.provide(layer))
  )

  it.effect("a member's links are whole URLs on the public URL the application provides", () =>
    Effect.gen(function* () {
      const { caller } = yield* organization
      const member = yield* call(UserOperations.addUser, caller, { email: "ann@example.com" })
      const magic = yield* call(CredentialOperations.createUserMagicLink, caller, { userId: member.id })
      assert.match(magic.url, /^https:\/\/app\.example\/roster\/auth\/magic-link#token=mlt_[0-9A-Za-z]+$/)
      const verification = yield* call(CredentialOperations.createUserVerificationLink, caller, { userId: member.id })
      assert.match(verification.url, /^https:\/\/app\.example\/roster\/auth\/verify-email#token=/)
      assert.deepStrictEqual(Schema.decodeUnknownSync(IdentityResponse.IssuedLinkResponse)(verification), verification)
    }).pipe(Effect.provide(layer))
  )

  it.effect("list-accounts reads platformAdmin from text, exactly", () =>
    Effect.gen(function* () {
      const admin = yield* call(OrganizationOperations.bootstrapPlatformAdmin, operator, {
        email: "root@example.com",
        password: TestIdentity.password
      })
      const { actor } = yield* TestIdentity.signIn("root@example.com")
      const caller = { actor, client: {} }
      yield* call(PlatformOperations.createAccount, caller, { email: "bob@example.com" })
      const admins = yield* call(PlatformOperations.listAccounts, caller, { platformAdmin: "true" })
      assert.deepStrictEqual(
        admins.content.map((account) => account.id),
        [admin.id]
      )
      const others = yield* call(PlatformOperations.listAccounts, caller, { platformAdmin: "false", size: "5" })
      assert.deepStrictEqual(
        others.content.map((account) => account.email),
        ["bob@example.com"]
      )
      const refused = yield* call(PlatformOperations.listAccounts, caller, { platformAdmin: "yes" }).pipe(Effect.flip)
      assert.strictEqual(refused._tag, "ValidationFailed")
    }).pipe(Effect.provide(layer))
  )
})
