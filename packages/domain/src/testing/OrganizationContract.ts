/** The contract of `OrganizationRepository` and `RoleRepository`. */
import { assert, describe } from "vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { OrganizationNameTaken, OrganizationRepository, RoleRepository, randomUuid } from "../index.js"
import type { Organization, OrganizationId } from "../index.js"
import type { It } from "./Contract.js"
import { at, id, makeRole, newOrganization, unique } from "./Fixtures.js"

/** Organizations and their roles. */
export const tests = (it: It): void => {
  describe("OrganizationRepository", () => {
    it.effect("insert stores the organization and its roles; findById returns it as stored", () =>
      Effect.gen(function* () {
        const organizations = yield* OrganizationRepository
        const { organization, admin, member } = yield* newOrganization({ createdAt: at(-86_400.001) })
        assert.deepStrictEqual(yield* organizations.findById(organization.id), Option.some(organization))
        assert.deepStrictEqual(yield* (yield* RoleRepository).list(organization.id), [admin, member])
        assert.deepStrictEqual(yield* organizations.findById(id()), Option.none())
      })
    )

    it.effect("findByName ignores case, also beyond ASCII", () =>
      Effect.gen(function* () {
        const organizations = yield* OrganizationRepository
        const { organization } = yield* newOrganization({ name: `Ünïcorn Åb ${unique()}` })
        for (const name of [organization.name, organization.name.toUpperCase(), organization.name.toLowerCase()]) {
          assert.deepStrictEqual(yield* organizations.findByName(name), Option.some(organization), name)
        }
        assert.deepStrictEqual(yield* organizations.findByName(`${organization.name} and more`), Option.none())
        assert.deepStrictEqual(yield* organizations.findByName(organization.name.slice(0, -1)), Option.none())
      })
    )

    it.effect("a name taken in another case is OrganizationNameTaken, and nothing of the newcomer is written", () =>
      Effect.gen(function* () {
        const organizations = yield* OrganizationRepository
        const { organization } = yield* newOrganization({ name: `Acme ${unique()}` })
        const newcomer = { id: id<OrganizationId>(), name: organization.name.toUpperCase(), createdAt: at(10) }
        const error = yield* Effect.flip(organizations.insert(newcomer, [makeRole(newcomer.id, { isDefault: true })]))
        assert.instanceOf(error, OrganizationNameTaken)
        assert.strictEqual(error.name, newcomer.name)
        assert.deepStrictEqual(yield* organizations.findById(newcomer.id), Option.none())
        assert.deepStrictEqual(yield* (yield* RoleRepository).list(newcomer.id), [])
        assert.deepStrictEqual(yield* organizations.findByName(newcomer.name), Option.some(organization))
      })
    )

    it.effect("list is oldest first", () =>
      Effect.gen(function* () {
        const organizations = yield* OrganizationRepository
        const newest = yield* newOrganization({ createdAt: at(3_000.5) })
        const oldest = yield* newOrganization({ createdAt: at(-3_000.5) })
        const middle = yield* newOrganization({ createdAt: at(0.001) })
        const mine = new Set([newest, oldest, middle].map((o) => o.organization.id))
        const listed = (yield* organizations.list).filter((o) => mine.has(o.id))
        assert.deepStrictEqual(listed, [oldest.organization, middle.organization, newest.organization])
      })
    )
  })

  describe("RoleRepository", () => {
    it.effect("list gives an organization's roles in creation order, and only its own", () =>
      Effect.gen(function* () {
        const organization: Organization.Organization = { id: id(), name: `Org ${randomUuid()}`, createdAt: at(0) }
        // Names and ids out of alphabetical order: only the order of creation may decide.
        const roles = ["Zeta", "alpha", "Mid", "beta"].map((name) => makeRole(organization.id, { name }))
        yield* (yield* OrganizationRepository).insert(organization, roles)
        yield* newOrganization()
        assert.deepStrictEqual(yield* (yield* RoleRepository).list(organization.id), roles)
      })
    )

    it.effect("findById finds a role only within its organization", () =>
      Effect.gen(function* () {
        const roles = yield* RoleRepository
        const acme = yield* newOrganization()
        const globex = yield* newOrganization()
        assert.deepStrictEqual(yield* roles.findById(acme.organization.id, acme.admin.id), Option.some(acme.admin))
        assert.deepStrictEqual(yield* roles.findById(acme.organization.id, globex.admin.id), Option.none())
        assert.deepStrictEqual(yield* roles.findById(acme.organization.id, id()), Option.none())
      })
    )

    it.effect("findByName ignores case, within the organization", () =>
      Effect.gen(function* () {
        const roles = yield* RoleRepository
        const acme = yield* newOrganization()
        const globex = yield* newOrganization()
        assert.deepStrictEqual(yield* roles.findByName(acme.organization.id, "ADMIN"), Option.some(acme.admin))
        assert.deepStrictEqual(yield* roles.findByName(acme.organization.id, "member"), Option.some(acme.member))
        assert.deepStrictEqual(yield* roles.findByName(globex.organization.id, "admin"), Option.some(globex.admin))
        assert.deepStrictEqual(yield* roles.findByName(acme.organization.id, "Admins"), Option.none())
      })
    )

    it.effect("findDefault gives the organization's default role, or none", () =>
      Effect.gen(function* () {
        const roles = yield* RoleRepository
        const acme = yield* newOrganization()
        assert.deepStrictEqual(yield* roles.findDefault(acme.organization.id), Option.some(acme.member))
        const bare: Organization.Organization = { id: id(), name: `Org ${randomUuid()}`, createdAt: at(0) }
        yield* (yield* OrganizationRepository).insert(bare, [makeRole(bare.id)])
        assert.deepStrictEqual(yield* roles.findDefault(bare.id), Option.none())
      })
    )
  })
}
