/**
 * Rows the domain's schemas do not describe (written behind the store's back, here by raw SQL) are
 * bugs: reading one is a defect whose message names the table and the column, never a `ParseError`
 * in the error channel, and never a secret's hash from the same row.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import {
  MemberRepository,
  OrganizationId,
  RoleRepository,
  TokenRepository,
  randomUuid,
  type OrganizationToken
} from "@roster/domain"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { MalformedRow } from "../src/internal/rows.js"
import * as TestDatabase from "./TestDatabase.js"

/** An organization with a role that grants a permission no Roster knows, and a member in that role. */
const seedUnknownPermission = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const organizationId = OrganizationId.make(randomUuid())
  const roleId = randomUuid()
  const userId = randomUuid()
  const now = new Date()
  yield* sql`INSERT INTO organizations (id, name, created_at) VALUES (${organizationId}, ${`Org ${organizationId}`}, ${now})`
  yield* sql`
    INSERT INTO roles (id, organization_id, name, permissions, is_default)
    VALUES (${roleId}, ${organizationId}, 'Pilot', ${["can_view_users", "can_fly"]}, true)`
  yield* sql`INSERT INTO users (id, email, created_at) VALUES (${userId}, ${`${userId}@example.org`}, ${now})`
  yield* sql`
    INSERT INTO memberships (id, user_id, organization_id, role_id, status, created_at, updated_at)
    VALUES (${randomUuid()}, ${userId}, ${organizationId}, ${roleId}, 'ACTIVE', ${now}, ${now})`
  return { organizationId, now }
})

/** The message of the `MalformedRow` that `effect` died with; fails the test on any other outcome. */
const defectOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    assert.isTrue(Exit.isFailure(exit), "expected the read to fail")
    const defect = Exit.isFailure(exit) ? Cause.dieOption(exit.cause) : Option.none()
    assert.isTrue(Option.isSome(defect), "expected a defect, not a failure in the error channel")
    const error = Option.getOrThrow(defect)
    assert.instanceOf(error, MalformedRow)
    return (error as MalformedRow).message
  })

for (const driver of TestDatabase.drivers()) {
  layer(TestDatabase.ports(driver.layer()))(`malformed rows (${driver.name})`, (it) => {
    it.effect("a role with a permission the domain does not know: a defect naming roles and the column", () =>
      Effect.gen(function* () {
        const { organizationId } = yield* seedUnknownPermission
        const message = yield* defectOf((yield* RoleRepository).list(organizationId))
        assert.include(message, "roles")
        assert.include(message, "permissions")
        assert.include(message, '"can_fly"')
      })
    )

    it.effect("a member page whose role is malformed: a defect naming members", () =>
      Effect.gen(function* () {
        const { organizationId } = yield* seedUnknownPermission
        const members = yield* MemberRepository
        const message = yield* defectOf(members.page(organizationId, { page: 0, size: 20, statuses: ["ACTIVE"] }))
        assert.include(message, "members")
        assert.include(message, "rolePermissions")
      })
    )

    it.effect("a malformed token found by its hash: the message never holds the hash", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const { organizationId, now } = yield* seedUnknownPermission
        const hash = `hash-${randomUuid()}`
        yield* sql`
          INSERT INTO organization_tokens (id, organization_id, name, token_hash, permissions, created_at)
          VALUES (${randomUuid()}, ${organizationId}, 'CI', ${hash}, ${["can_fly"]}, ${now})`
        const tokens = yield* TokenRepository
        const message = yield* defectOf(tokens.use(hash, now))
        assert.include(message, "organization_tokens")
        assert.notInclude(message, hash)
      })
    )

    it.effect("well-formed rows decode to exactly the domain's fields (no hash, no count column)", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const { organizationId, now } = yield* seedUnknownPermission
        const hash = `hash-${randomUuid()}`
        yield* sql`
          INSERT INTO organization_tokens (id, organization_id, name, token_hash, permissions, created_at)
          VALUES (${randomUuid()}, ${organizationId}, 'CI', ${hash}, ${["can_view_users"]}, ${now})`
        const used = yield* (yield* TokenRepository).use(hash, now)
        const keys: ReadonlyArray<keyof OrganizationToken.OrganizationToken> = [
          "id",
          "organizationId",
          "name",
          "permissions",
          "createdAt",
          "expiresAt",
          "revokedAt",
          "lastUsedAt",
          "createdByUserId"
        ]
        assert.deepStrictEqual(Object.keys(Option.getOrThrow(used)).sort(), [...keys].sort())
        assert.deepStrictEqual(Option.getOrThrow(used).lastUsedAt, now)
      })
    )
  })
}
