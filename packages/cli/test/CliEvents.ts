/** The CLI suite's `roster events list`: the audit log. */
import { assert, describe, it } from "@effect/vitest"
import { assertFailure, assertSuccess, decodeStrict, EventPage, isoDateTime, type Cli } from "./CliHarness.js"

export const tests = (cli: Cli) => {
  const { roster, json, createOrg, addUser, user } = cli

  describe("events", () => {
    it("list --json prints the audit log, newest first, with filters", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com")
      await addUser("bob@example.com")
      await user("deactivate", ada.id)
      const page = decodeStrict(EventPage)(await json("events", "list", "--org", "acme"))
      assert.deepStrictEqual(
        page.content.map((event) => event.type),
        ["user.deactivated", "user.added", "user.added", "organization.created"]
      )
      assert.deepStrictEqual([page.totalElements, page.totalPages, page.size, page.number], [4, 1, 20, 0])
      assert.deepStrictEqual(page.content[0]!.actor, { type: "operator", id: null })
      assert.match(page.content[0]!.at, isoDateTime)

      const forAda = await json("events", "list", "--org", "acme", "--user", ada.id)
      assert.deepStrictEqual(
        forAda.content.map((event: { type: string }) => event.type),
        ["user.deactivated", "user.added"]
      )
      const typed = await json(
        "events",
        "list",
        "--org",
        "acme",
        "--type",
        "user.deactivated",
        "--type",
        "organization.created"
      )
      assert.deepStrictEqual(
        typed.content.map((event: { type: string }) => event.type),
        ["user.deactivated", "organization.created"]
      )
      const paged = await json("events", "list", "--org", "acme", "--size", "3", "--page", "2")
      assert.deepStrictEqual([paged.content.length, paged.totalPages, paged.number], [1, 2, 1])
    })

    it("list without --json prints a table of changes", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com")
      await user("deactivate", ada.id)
      const result = await roster("events", "list", "--org", "acme")
      assertSuccess(result)
      for (const text of [
        "user.deactivated",
        "status: ACTIVE → INACTIVE",
        "user.added",
        "organization.created",
        "operator",
        "ada@example.com",
        "role: Member"
      ]) {
        assert.include(result.stdout, text)
      }
      // People and roles by name, not by id.
      assert.notInclude(result.stdout, ada.id)
      assert.notInclude(result.stdout, ada.roleId)
      assert.include(result.stdout, "page 1 of 1, 3 events")
    })

    it("a table names the members, tokens and roles events are about, by email and name", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com")
      const token = await json("tokens", "create", "--org", "acme", "--name", "hr-sync", "--permission", "all")
      await user("set-role", ada.id, "--role", "Admin")
      const result = await roster("events", "list", "--org", "acme", "--type", "user.role_changed,token.created")
      assertSuccess(result)
      for (const text of ["ada@example.com", "role: Member → Admin", "token.created", "operator"]) {
        assert.include(result.stdout, text)
      }
      assert.notInclude(result.stdout, token.id)
      // --json keeps the API's ids.
      const events = await json("events", "list", "--org", "acme", "--type", "user.role_changed")
      assert.strictEqual(events.content[0].userId, ada.id)
    })

    it("list validates its options", async () => {
      await createOrg()
      const list = ["events", "list", "--org", "acme"]
      assertFailure(
        await roster(...list, "--type", "user.exploded"),
        "VALIDATION_FAILED",
        2,
        /--type: "user.exploded" is not one of organization.created, /
      )
      assertFailure(await roster(...list, "--user", "ada"), "VALIDATION_FAILED", 2, /--user: /)
      assertFailure(await roster(...list, "--size", "0"), "VALIDATION_FAILED", 2, /--size/)
      assertFailure(await roster("events", "list", "--org", "nowhere"), "ORGANIZATION_NOT_FOUND", 3)
    })
  })
}
