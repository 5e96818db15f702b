/** The CLI suite's `roster users` add, list and show. */
import { assert, describe, it } from "@effect/vitest"
import { MembershipStatus } from "@roster/domain"
import { assertFailure, assertSuccess, asUserPage, missingId, type Cli } from "./CliHarness.js"

export const tests = (cli: Cli) => {
  const { roster, json, createOrg, addUser, user } = cli

  describe("users", () => {
    it("add --json prints the API's UserResponse, with the default role unless one is named", async () => {
      const org = await createOrg()
      const [admin, member] = [org.roles.find((r) => r.name === "Admin")!, org.roles.find((r) => r.name === "Member")!]
      const ada = await addUser(
        "ada@example.com",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
        "--title",
        "Analyst"
      )
      assert.strictEqual(ada.email, "ada@example.com")
      assert.strictEqual(ada.roleId, member.id)
      assert.strictEqual(ada.profile.roleId, member.id)
      assert.strictEqual(ada.profile.organizationId, org.id)
      assert.deepStrictEqual(
        [ada.profile.firstName, ada.profile.lastName, ada.profile.title, ada.profile.status],
        ["Ada", "Lovelace", "Analyst", "ACTIVE"]
      )
      const grace = await addUser("grace@example.com", "--role", "admin", "--status", "inactive")
      assert.strictEqual(grace.roleId, admin.id)
      assert.strictEqual(grace.profile.status, "INACTIVE")
      assert.deepStrictEqual([grace.profile.firstName, grace.profile.lastName, grace.profile.title], [null, null, null])
      const byId = await addUser("alan@example.com", "--role", admin.id)
      assert.strictEqual(byId.roleId, admin.id)
    })

    it("add without --json prints a readable record", async () => {
      await createOrg()
      const result = await roster(
        "users",
        "add",
        "--org",
        "acme",
        "--email",
        "ada@example.com",
        "--first-name",
        "Ada",
        "--role",
        "Admin"
      )
      assertSuccess(result)
      for (const text of [
        "Added ada@example.com to Acme as Admin (ACTIVE)",
        "email",
        "ada@example.com",
        "Ada",
        "Admin",
        "ACTIVE"
      ]) {
        assert.include(result.stdout, text)
      }
    })

    it("add rejects bad input, unknown roles and existing members", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com")
      const add = ["users", "add", "--org", "acme"]
      assertFailure(
        await roster(...add, "--email", "ADA@example.com", "--json"),
        "ALREADY_MEMBER",
        4,
        `ada@example.com is already a member of this organization (user ${ada.id}, status ACTIVE)`
      )
      assertFailure(
        await roster(...add, "--email", "not-an-email"),
        "VALIDATION_FAILED",
        2,
        /--email: must be an email address/
      )
      assertFailure(
        await roster(...add, "--email", "b@example.com", "--status", "REMOVED"),
        "VALIDATION_FAILED",
        2,
        '--status: "REMOVED" is not one of ACTIVE, INACTIVE'
      )
      assertFailure(
        await roster(...add, "--email", "b@example.com", "--first-name", ""),
        "VALIDATION_FAILED",
        2,
        /--first-name: must not be empty/
      )
      assertFailure(
        await roster(...add, "--email", "b@example.com", "--title", "t".repeat(201)),
        "VALIDATION_FAILED",
        2,
        /--title: must be at most 200/
      )
      assertFailure(
        await roster(...add, "--email", "b@example.com", "--role", "Owner"),
        "ROLE_NOT_FOUND",
        3,
        "No role Owner in this organization"
      )
      assertFailure(
        await roster("users", "add", "--org", "nowhere", "--email", "b@example.com"),
        "ORGANIZATION_NOT_FOUND",
        3
      )
    })

    it("list --json prints the API's UserPageResponse, with filters and pages", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com", "--first-name", "Ada", "--role", "Admin")
      const bob = await addUser("bob@example.com", "--first-name", "Bob", "--status", "INACTIVE")
      const cy = await addUser("cy@example.com", "--first-name", "Cy")
      await user("remove", cy.id, "--reason", "left")

      const all = asUserPage(await json("users", "list", "--org", "acme"))
      assert.deepStrictEqual(
        all.content.map((u) => u.id),
        [ada.id, bob.id]
      )
      assert.deepStrictEqual([all.totalElements, all.totalPages, all.size, all.number], [2, 1, 20, 0])
      assert.deepStrictEqual(all.content[0], ada)

      // Pages count from 1 on the command line; the API's answer (--json) from 0.
      const second = asUserPage(await json("users", "list", "--org", "acme", "--size", "1", "--page", "2"))
      assert.deepStrictEqual(
        second.content.map((u) => u.id),
        [bob.id]
      )
      assert.deepStrictEqual([second.totalElements, second.totalPages, second.size, second.number], [2, 2, 1, 1])

      const statuses = async (...more: Array<string>) =>
        asUserPage(await json("users", "list", "--org", "acme", ...more)).content.map((u) => u.email)
      assert.deepStrictEqual(await statuses("--status", "ACTIVE"), ["ada@example.com"])
      assert.deepStrictEqual(await statuses("--status", "INACTIVE", "--status", "removed"), [
        "bob@example.com",
        "cy@example.com"
      ])
      // Comma-separated too, as the API takes them.
      assert.deepStrictEqual(await statuses("--status", "INACTIVE,removed"), ["bob@example.com", "cy@example.com"])
      assert.deepStrictEqual(await statuses("--q", "BOB"), ["bob@example.com"])
      assert.deepStrictEqual(await statuses("--role", "admin"), ["ada@example.com"])
      assert.deepStrictEqual(await statuses("--role", ada.roleId), ["ada@example.com"])
      assert.deepStrictEqual(await statuses("--page", "5"), [])
    })

    it("list without --json prints a table with role names and a page line", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com", "--first-name", "Ada", "--last-name", "Lovelace", "--role", "Admin")
      const bob = await addUser("bob@example.com", "--status", "INACTIVE")
      const result = await roster("users", "list", "--org", "acme")
      assertSuccess(result)
      for (const text of [ada.id, "ada@example.com", "Ada Lovelace", "Admin", "ACTIVE", bob.id, "Member", "INACTIVE"]) {
        assert.include(result.stdout, text)
      }
      assert.notInclude(result.stdout, ada.roleId)
      assert.include(result.stdout, "page 1 of 1, 2 users")
      const paged = await roster("users", "list", "--org", "acme", "--size", "1")
      assert.include(paged.stdout, "page 1 of 2, 2 users (next: --page 2)")
      const none = await roster("users", "list", "--org", "acme", "--q", "nobody")
      assert.include(none.stdout, "No users match.")
      assert.include(none.stdout, "0 users")
      assert.notInclude(none.stdout, "page")
      const past = await roster("users", "list", "--org", "acme", "--size", "1", "--page", "5")
      assert.include(past.stdout, "No users on this page.")
      assert.include(past.stdout, "page 5 is past the last, page 2 (--page 2), of 2 users")
    })

    it("list validates every option", async () => {
      await createOrg()
      const list = ["users", "list", "--org", "acme"]
      assertFailure(
        await roster(...list, "--size", "0"),
        "VALIDATION_FAILED",
        2,
        "--size: must be a whole number from 1 to 200"
      )
      assertFailure(await roster(...list, "--size", "201"), "VALIDATION_FAILED", 2, /--size/)
      assertFailure(await roster(...list, "--size", "ten"), "VALIDATION_FAILED", 2, /--size: must be a whole number/)
      for (const page of ["0", "-1"]) {
        assertFailure(
          await roster(...list, "--page", page),
          "VALIDATION_FAILED",
          2,
          `--page: must be a whole number, 1 or more (pages count from 1), not ${page}`
        )
      }
      assertFailure(
        await roster(...list, "--status", "ACTIVE", "--status", "GONE", "--json"),
        "VALIDATION_FAILED",
        2,
        `--status: "GONE" is not one of ${MembershipStatus.all.join(", ")}`
      )
      assertFailure(await roster(...list, "--q", " "), "VALIDATION_FAILED", 2, /--q: must not be empty/)
      assertFailure(await roster(...list, "--role", "Owner"), "ROLE_NOT_FOUND", 3)
      assertFailure(
        await roster(...list, "--size", "0", "--status", "GONE"),
        "VALIDATION_FAILED",
        2,
        /--size: .*; --status: .*/
      )
    })

    it("show prints one user, as JSON or a record", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com", "--first-name", "Ada", "--title", "Analyst")
      assert.deepStrictEqual(await user("show", ada.id), ada)
      const result = await roster("users", "show", "--org", "acme", ada.id)
      assertSuccess(result)
      for (const text of [ada.id, "ada@example.com", "Ada", "Analyst", "Member", "ACTIVE"])
        assert.include(result.stdout, text)
      assertFailure(
        await roster("users", "show", "--org", "acme", missingId),
        "USER_NOT_FOUND",
        3,
        `No user ${missingId} in this organization`
      )
      assertFailure(
        await roster("users", "show", "--org", "acme", "42", "--json"),
        "VALIDATION_FAILED",
        2,
        /^error VALIDATION_FAILED: userId: /
      )
    })

    it("a user of another organization is not found", async () => {
      await createOrg()
      await createOrg("Globex")
      const ada = await addUser("ada@example.com")
      assertFailure(await roster("users", "show", "--org", "globex", ada.id), "USER_NOT_FOUND", 3)
    })
  })
}
