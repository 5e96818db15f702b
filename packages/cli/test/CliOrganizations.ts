/** The CLI suite's `roster orgs` and `roster roles`. */
import { assert, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import { Permission } from "@roster/domain"
import {
  assertFailure,
  assertSuccess,
  decodeStrict,
  Role,
  Organization,
  uuid,
  isoDateTime,
  missingId,
  type Cli
} from "./CliHarness.js"

export const tests = (cli: Cli) => {
  const { roster, json, createOrg } = cli

  describe("orgs", () => {
    it("create --json prints the organization with its roles", async () => {
      const org = await createOrg("  Acme  ")
      assert.match(org.id, uuid)
      assert.strictEqual(org.name, "Acme")
      assert.match(org.createdDateTime, isoDateTime)
      assert.deepStrictEqual(
        org.roles.map(({ name, permissions, isDefault }) => ({ name, permissions, isDefault })),
        [
          { name: "Admin", permissions: [...Permission.all], isDefault: false },
          { name: "Member", permissions: ["can_view_users"], isDefault: true }
        ]
      )
    })

    it("create without --json prints a readable summary", async () => {
      const result = await roster("orgs", "create", "--name", "Globex")
      assertSuccess(result)
      for (const text of ["Created organization Globex", "Admin", "Member", "can_manage_users"])
        assert.include(result.stdout, text)
    })

    it("names are unique case-insensitively and validated", async () => {
      await createOrg()
      assertFailure(
        await roster("orgs", "create", "--name", "ACME"),
        "ORGANIZATION_NAME_TAKEN",
        4,
        'An organization named "ACME" already exists (names are case-insensitive)'
      )
      assertFailure(
        await roster("orgs", "create", "--name", "   ", "--json"),
        "VALIDATION_FAILED",
        2,
        /--name: must not be empty/
      )
      assertFailure(
        await roster("orgs", "create", "--name", "x".repeat(101)),
        "VALIDATION_FAILED",
        2,
        /--name: must be at most 100/
      )
    })

    it("list prints every organization, oldest first", async () => {
      const empty = await roster("orgs", "list")
      assertSuccess(empty)
      assert.include(empty.stdout, "No organizations")
      assert.deepStrictEqual(await json("orgs", "list"), [])
      const acme = await createOrg("Acme")
      const globex = await createOrg("Globex")
      const listed = decodeStrict(Schema.Array(Organization))(await json("orgs", "list"))
      assert.deepStrictEqual(listed, [
        { id: acme.id, name: "Acme", createdDateTime: acme.createdDateTime },
        { id: globex.id, name: "Globex", createdDateTime: globex.createdDateTime }
      ])
      const table = await roster("orgs", "list")
      for (const text of [acme.id, "Acme", globex.id, "Globex"]) assert.include(table.stdout, text)
    })
  })

  describe("roles", () => {
    it("list takes --org by name (any case) or id", async () => {
      const org = await createOrg()
      const byName = decodeStrict(Schema.Array(Role))(await json("roles", "list", "--org", "aCmE"))
      assert.deepStrictEqual(byName, org.roles)
      assert.deepStrictEqual(await json("roles", "list", "--org", org.id), byName)
      const table = await roster("roles", "list", "--org", "acme")
      assertSuccess(table)
      for (const role of org.roles) assert.include(table.stdout, role.id)
      for (const text of ["Admin", "Member", "can_view_audit", "yes"]) assert.include(table.stdout, text)
    })

    it("an unknown organization is not found, by name or id", async () => {
      assertFailure(
        await roster("roles", "list", "--org", "nowhere"),
        "ORGANIZATION_NOT_FOUND",
        3,
        'No organization with id or name "nowhere"'
      )
      assertFailure(await roster("roles", "list", "--org", missingId, "--json"), "ORGANIZATION_NOT_FOUND", 3)
      assertFailure(await roster("roles", "list", "--org", " "), "VALIDATION_FAILED", 2, /--org: must not be empty/)
    })
  })
}
