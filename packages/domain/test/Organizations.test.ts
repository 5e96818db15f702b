import type { Access } from "@roster/domain"
import {
  Actor,
  Forbidden,
  Organization,
  OrganizationNameTaken,
  OrganizationNotFound,
  Organizations,
  Permission,
  Validation
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as TestOrganization from "./TestOrganization.js"

describe("Organizations", () => {
  it.effect("create gives an Admin role with every permission and a default Member role that views users", () =>
    Effect.gen(function* () {
      const organizations = yield* Organizations
      const { organization, roles } = yield* organizations.create(Actor.operator, "Acme")
      assert.strictEqual(organization.name, "Acme")
      assert.deepStrictEqual(
        roles.map((r) => [r.name, [...r.permissions], r.isDefault, r.organizationId]),
        [
          ["Admin", [...Permission.all], false, organization.id],
          ["Member", ["can_view_users"], true, organization.id]
        ]
      )
      const access: Access = { actor: Actor.operator, organizationId: organization.id }
      assert.deepStrictEqual(yield* organizations.listRoles(access), roles)

      const [event, ...others] = yield* TestOrganization.events({ operator: access })
      assert.lengthOf(others, 0)
      assert.strictEqual(event!.type, "organization.created")
      assert.deepStrictEqual(event!.actor, { type: "operator", id: null })
      assert.deepStrictEqual(event!.after, { name: "Acme" })
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("names are unique, ignoring case; a refused create writes nothing", () =>
    Effect.gen(function* () {
      const organizations = yield* Organizations
      yield* organizations.create(Actor.operator, "Acme")
      for (const name of ["Acme", "ACME", "acme"]) {
        const error = yield* Effect.flip(organizations.create(Actor.operator, name))
        assert.deepStrictEqual(error, new OrganizationNameTaken({ name }))
        assert.include(error.message, "case-insensitive")
      }
      assert.deepStrictEqual(
        (yield* organizations.list(Actor.operator)).map((o) => o.name),
        ["Acme"]
      )
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("only the operator creates organizations", () =>
    Effect.gen(function* () {
      const organizations = yield* Organizations
      const { organization } = yield* organizations.create(Actor.operator, "Acme")
      const token = TestOrganization.tokenAccess(organization.id, [...Permission.all]).actor
      assert.deepStrictEqual(
        yield* Effect.flip(organizations.create(token, "Globex")),
        new Forbidden({ required: "operator" })
      )
      assert.lengthOf(yield* organizations.list(Actor.operator), 1)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("resolve finds an organization by id or by name, ignoring case", () =>
    Effect.gen(function* () {
      const organizations = yield* Organizations
      const { organization } = yield* organizations.create(Actor.operator, "Acme Corp")
      yield* organizations.create(Actor.operator, "Globex")
      assert.deepStrictEqual(yield* organizations.resolve(organization.id), organization)
      assert.deepStrictEqual(yield* organizations.resolve("acme corp"), organization)
      assert.deepStrictEqual(yield* organizations.resolve("ACME CORP"), organization)
      for (const unknown of ["Initech", "acme", "00000000-0000-4000-8000-000000000000", ""]) {
        assert.deepStrictEqual(
          yield* Effect.flip(organizations.resolve(unknown)),
          new OrganizationNotFound({ organization: unknown })
        )
      }
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("the operator lists every organization, oldest first; a token only its own", () =>
    Effect.gen(function* () {
      const organizations = yield* Organizations
      const zeta = yield* organizations.create(Actor.operator, "Zeta")
      yield* TestClock.adjust("1 second")
      const alpha = yield* organizations.create(Actor.operator, "Alpha")
      assert.deepStrictEqual(
        (yield* organizations.list(Actor.operator)).map((o) => o.name),
        ["Zeta", "Alpha"]
      )
      const token = TestOrganization.tokenAccess(alpha.organization.id, ["can_view_users"]).actor
      assert.deepStrictEqual(yield* organizations.list(token), [alpha.organization])
      assert.notDeepInclude(yield* organizations.list(token), zeta.organization)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("roles are seen only from their own organization, and resolve by id or name", () =>
    Effect.gen(function* () {
      const organizations = yield* Organizations
      const acme = yield* organizations.create(Actor.operator, "Acme")
      const globex = yield* organizations.create(Actor.operator, "Globex")
      const reader = TestOrganization.tokenAccess(acme.organization.id, ["can_view_users"])
      assert.deepStrictEqual(yield* organizations.listRoles(reader), acme.roles)

      const admin = acme.roles[0]!
      assert.deepStrictEqual(yield* organizations.resolveRole(reader, "admin"), Option.some(admin))
      assert.deepStrictEqual(yield* organizations.resolveRole(reader, admin.id), Option.some(admin))
      assert.deepStrictEqual(yield* organizations.resolveRole(reader, globex.roles[0]!.id), Option.none())
      assert.deepStrictEqual(yield* organizations.resolveRole(reader, "Owner"), Option.none())

      const intruder = TestOrganization.tokenAccess(acme.organization.id, [...Permission.all], globex.organization.id)
      const notFound = new OrganizationNotFound({ organization: globex.organization.id })
      assert.deepStrictEqual(yield* Effect.flip(organizations.listRoles(intruder)), notFound)
      assert.deepStrictEqual(yield* Effect.flip(organizations.resolveRole(intruder, "Admin")), notFound)
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("current is the organization a caller acts in; another organization's is not found", () =>
    Effect.gen(function* () {
      const organizations = yield* Organizations
      const acme = yield* organizations.create(Actor.operator, "Acme")
      const globex = yield* organizations.create(Actor.operator, "Globex")
      const reader = TestOrganization.tokenAccess(acme.organization.id, [])
      assert.deepStrictEqual(yield* organizations.current(reader), acme.organization)
      assert.deepStrictEqual(
        yield* organizations.current({ actor: Actor.operator, organizationId: globex.organization.id }),
        globex.organization
      )
      const intruder = TestOrganization.tokenAccess(acme.organization.id, [...Permission.all], globex.organization.id)
      assert.deepStrictEqual(
        yield* Effect.flip(organizations.current(intruder)),
        new OrganizationNotFound({ organization: globex.organization.id })
      )
    }).pipe(Effect.provide(TestOrganization.layer))
  )

  it.effect("organization names are decoded trimmed, 1 to 100 characters", () =>
    Effect.gen(function* () {
      const decode = Validation.decode(Organization.OrganizationName, { root: "name" })
      assert.strictEqual(yield* decode("  Acme  "), "Acme")
      for (const bad of ["", "   ", "x".repeat(101)]) {
        const error = yield* Effect.flip(decode(bad))
        assert.deepStrictEqual(
          error.issues.map((i) => i.field),
          ["name"]
        )
      }
    })
  )
})
