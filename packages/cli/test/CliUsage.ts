/** The CLI suite's help, usage errors and storage options, and what any command's output looks like. */
import { assert, describe, expect, it } from "@effect/vitest"
import { assertFailure, assertSuccess, missingId, ansi, type Cli } from "./CliHarness.js"

export const tests = (cli: Cli, path: "database" | "server" = "database") => {
  const { roster, createOrg, opened, disposed } = cli

  describe("help and usage", () => {
    it("prints help without arguments, and never opens storage for help", async () => {
      const result = await roster()
      assertSuccess(result)
      for (const noun of ["orgs", "roles", "tokens", "users", "events"]) assert.include(result.stdout, noun)
      assert.include(result.stdout, "Usage: roster")
      assert.deepStrictEqual(opened, [])
    })

    it("--help on every level lists commands and options with descriptions", async () => {
      const cases: Array<[Array<string>, Array<string>]> = [
        [["--help"], ["Create and list organizations", "--json", "--data-dir <dir>", "--database-url <url>"]],
        [
          ["orgs", "--help"],
          ["create", "list"]
        ],
        [
          ["tokens", "--help"],
          ["create", "list", "revoke"]
        ],
        [
          ["users", "--help"],
          [
            "list",
            "show",
            "add",
            "update-profile",
            "set-role",
            "terminate",
            "reinstate",
            "deactivate",
            "activate",
            "remove",
            "forget",
            "reset-mfa"
          ]
        ],
        [
          ["users", "list", "--help"],
          ["--org <org>", "--page <n>", "--size <n>", "--status <status>", "--q <text>", "--role <role>", "--json"]
        ],
        [
          ["tokens", "create", "--help"],
          ["--permission <permission>", "--expires-at <date>", "--expires-in <duration>", "can_view_audit"]
        ],
        [
          ["events", "list", "--help"],
          ["--user <userId>", "--type <type>", "user.terminated"]
        ],
        [["help", "roles"], ["list"]]
      ]
      for (const [argv, expected] of cases) {
        const result = await roster(...argv)
        assertSuccess(result)
        for (const text of expected) assert.include(result.stdout, text, argv.join(" "))
      }
      assert.deepStrictEqual(opened, [])
    })

    it("a noun without a verb shows that noun's help", async () => {
      const result = await roster("users")
      assertSuccess(result)
      assert.include(result.stdout, "Usage: roster users")
      assert.include(result.stdout, "reset-mfa")
    })

    it("reports usage errors as one line, exit 2, without opening storage", async () => {
      const cases: Array<[Array<string>, RegExp]> = [
        [["nope"], /unknown command 'nope'/],
        [["users", "lst"], /unknown command 'lst' \(Did you mean list\?\)/],
        [["users", "list", "--org", "acme", "--bogus"], /unknown option '--bogus'/],
        [["users", "show", "--org", "acme"], /missing required argument 'userId'/],
        [["users", "list"], /required option '--org <org>' not specified/],
        [["users", "show", "--org", "acme", missingId, "extra"], /too many arguments/],
        [
          ["users", "update-profile", "--org", "acme", missingId, "--title", "x", "--clear-title"],
          /cannot be used with/
        ],
        [
          [
            "tokens",
            "create",
            "--org",
            "acme",
            "--name",
            "t",
            "--permission",
            "all",
            "--expires-at",
            "2099-01-01",
            "--expires-in",
            "1d"
          ],
          /cannot be used with/
        ],
        [["users", "reinstate", "--org", "acme", missingId], /required option '--role <role>'/],
        [["users", "remove", "--org", "acme", missingId], /required option '--reason <text>'/],
        [["orgs", "list", "--data-dir", "/tmp/a", "--database-url", "postgres://x"], /cannot be used together/],
        [["orgs", "list", "--data-dir"], /argument missing/]
      ]
      for (const [argv, message] of cases) {
        assertFailure(await roster(...argv), "USAGE", 2, message)
        assertFailure(await roster("--json", ...argv), "USAGE", 2, message)
      }
      assert.deepStrictEqual(opened, [])
    })

    it("invalid input fails before storage is opened", async () => {
      assertFailure(await roster("users", "show", "--org", "acme", "not-a-uuid"), "VALIDATION_FAILED", 2, /userId/)
      assert.deepStrictEqual(opened, [])
    })
  })

  describe.skipIf(path === "server")("storage options", () => {
    it("--data-dir, --database-url and --json are accepted before the noun and after the verb", async () => {
      await createOrg()
      for (const argv of [
        ["--data-dir", "/tmp/roster-a", "orgs", "list"],
        ["orgs", "list", "--data-dir", "/tmp/roster-a"],
        ["--database-url", "postgres://db/roster", "orgs", "list"],
        ["orgs", "list", "--database-url", "postgres://db/roster"]
      ]) {
        opened.length = 0
        assertSuccess(await roster(...argv))
        const [flag, value] = argv[0]!.startsWith("--") ? argv.slice(0, 2) : argv.slice(2, 4)
        assert.deepStrictEqual(opened, [flag === "--data-dir" ? { dataDir: value } : { databaseUrl: value }])
      }
      const before = await roster("--json", "orgs", "list")
      const after = await roster("orgs", "list", "--json")
      assertSuccess(before)
      assert.deepStrictEqual(JSON.parse(before.stdout), JSON.parse(after.stdout))
    })

    it("opens storage once per command and closes it, on success and on failure", async () => {
      assertSuccess(await roster("orgs", "list"))
      assert.deepStrictEqual(opened, [{}])
      assert.strictEqual(disposed(), 1)
      assertFailure(await roster("roles", "list", "--org", "nowhere"), "ORGANIZATION_NOT_FOUND", 3)
      assert.strictEqual(opened.length, 2)
      assert.strictEqual(disposed(), 2)
    })
  })

  describe("output", () => {
    it("--json output is one JSON document; failures print nothing on stdout", async () => {
      await createOrg()
      const ok = await roster("users", "list", "--org", "acme", "--json")
      assertSuccess(ok)
      expect(() => JSON.parse(ok.stdout)).not.toThrow()
      assert.isTrue(ok.stdout.endsWith("\n"))
      const failed = await roster("users", "list", "--org", "nowhere", "--json")
      assertFailure(failed, "ORGANIZATION_NOT_FOUND", 3)
    })

    it("tables carry no colour codes unless asked", async () => {
      await createOrg()
      const result = await roster("roles", "list", "--org", "acme")
      assert.notInclude(result.stdout, ansi)
    })
  })
}
