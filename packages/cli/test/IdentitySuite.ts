/**
 * The identity commands, in process, with cheap real crypto: written once, run on every storage
 * (`Identity.test.ts` in memory and behind a running server, `CliSql.test.ts` on PGlite and PostgreSQL).
 */
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import { IdentityResponse } from "@roster/domain"
import { run } from "../src/index.js"
import { assertFailure } from "./CliHarness.js"
import type { TestStorage } from "./CliHarness.js"

const decodeStrict = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.decodeUnknownSync(schema, { onExcessProperty: "error" })
const asAccount = decodeStrict(IdentityResponse.AccountResponse)
const asAccountPage = decodeStrict(IdentityResponse.AccountPageResponse)

const password = "correct horse battery"
const missingId = "00000000-0000-4000-8000-000000000000"

export const suite = (name: string, makeStorage: () => TestStorage | Promise<TestStorage>) =>
  describe(`roster identity commands (${name})`, () => {
    let storage: TestStorage
    beforeEach(async () => {
      storage = await makeStorage()
    })
    afterEach(async () => {
      await storage.close?.()
    })

    const roster = async (argv: Array<string>, stdin?: string) => {
      const out: Array<string> = []
      const err: Array<string> = []
      const code = await run(argv, {
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
        ...(storage.environment === undefined
          ? { makeRuntime: storage.makeRuntime }
          : {
              // Behind a server, no command opens storage.
              makeRuntime: () => {
                throw new Error("a command behind a running server opened the database")
              },
              environment: storage.environment
            }),
        readStdin: () => (stdin === undefined ? Promise.reject(new Error("no stdin")) : Promise.resolve(stdin))
      })
      const result = { code, stdout: out.join(""), stderr: err.join("") }
      if (stdin !== undefined && stdin.trim() !== "") {
        assert.notInclude(result.stdout, stdin.trim(), "the password never appears on stdout")
        assert.notInclude(result.stderr, stdin.trim(), "the password never appears on stderr")
      }
      return result
    }

    const ok = async (argv: Array<string>, stdin?: string): Promise<unknown> => {
      const result = await roster([...argv, "--json"], stdin)
      assert.strictEqual(result.stderr, "", result.stderr)
      assert.strictEqual(result.code, 0)
      return JSON.parse(result.stdout)
    }

    const createAdmin = async (email = "root@example.com") =>
      asAccount(await ok(["admins", "create", "--email", email, "--name", "Root", "--password-stdin"], `${password}\n`))

    const orgWithMember = async () => {
      await ok(["orgs", "create", "--name", "Acme"])
      const added = (await ok(["users", "add", "--org", "acme", "--email", "ada@example.com"])) as { id: string }
      return added.id
    }

    describe("roster accounts create", () => {
      it("creates an identity with a password, ACTIVE in an organization with a role", async () => {
        await ok(["orgs", "create", "--name", "Acme"])
        const created = asAccount(
          await ok(
            [
              "accounts",
              "create",
              "--email",
              "grace@example.com",
              "--name",
              "Grace",
              "--org",
              "acme",
              "--role",
              "admin",
              "--password-stdin"
            ],
            `${password}\n`
          )
        )
        assert.deepStrictEqual(
          [created.email, created.name, created.hasPassword, created.emailVerified, created.isPlatformAdmin],
          ["grace@example.com", "Grace", true, false, false]
        )
        assert.deepStrictEqual(
          created.memberships.map((m) => [m.organization.name, m.role.name, m.status]),
          [["Acme", "Admin", "ACTIVE"]]
        )
        const bare = asAccount(await ok(["accounts", "create", "--email", "hopper@example.com"]))
        assert.deepStrictEqual([bare.hasPassword, bare.memberships], [false, []])
      })

      it("refuses a taken email, --role without --org, --require-change without a password, an unknown org", async () => {
        await ok(["accounts", "create", "--email", "grace@example.com"])
        assertFailure(await roster(["accounts", "create", "--email", "GRACE@example.com"]), "EMAIL_TAKEN", 4)
        assertFailure(
          await roster(["accounts", "create", "--email", "x@example.com", "--role", "admin"]),
          "VALIDATION_FAILED",
          2,
          /--role: applies only with --org/
        )
        assertFailure(
          await roster(["accounts", "create", "--email", "x@example.com", "--require-change"]),
          "VALIDATION_FAILED",
          2,
          /--require-change: needs --password-stdin/
        )
        assertFailure(
          await roster(["accounts", "create", "--email", "x@example.com", "--org", "nowhere"]),
          "ORGANIZATION_NOT_FOUND",
          3
        )
        assertFailure(
          await roster(["accounts", "create", "--email", "not-an-email"]),
          "VALIDATION_FAILED",
          2,
          /--email/
        )
        assert.strictEqual(asAccountPage(await ok(["accounts", "list"])).totalElements, 1)
      })
    })

    describe("roster events list without --org", () => {
      it("reads every event, identity-level ones included, with their organization", async () => {
        const admin = await createAdmin()
        const org = (await ok(["orgs", "create", "--name", "Acme"])) as { id: string }
        const all = (await ok(["events", "list"])) as {
          content: Array<{ type: string; organizationId: string | null; userId: string | null }>
          totalElements: number
        }
        assert.deepStrictEqual(
          all.content.map((event) => [event.type, event.organizationId]),
          [
            ["organization.created", org.id],
            ["platform_admin.promoted", null],
            ["identity.password_set", null],
            ["identity.created", null]
          ]
        )
        const mine = (await ok(["events", "list", "--user", admin.id, "--type", "identity.created"])) as typeof all
        // Comma-separated types, as the API takes them.
        const two = (await ok(["events", "list", "--type", "identity.created,organization.created"])) as typeof all
        assert.deepStrictEqual(
          two.content.map((event) => event.type),
          ["organization.created", "identity.created"]
        )
        assert.deepStrictEqual(
          mine.content.map((event) => [event.type, event.userId]),
          [["identity.created", admin.id]]
        )
        const table = await roster(["events", "list"])
        assert.strictEqual(table.code, 0)
        assert.include(table.stdout, "organization")
        assert.include(table.stdout, "platform_admin.promoted")
        assert.include(table.stdout, "page 1 of 1, 4 events")
        const none = JSON.stringify(all)
        assert.notInclude(none, password, "no event holds the password")
      })
    })

    describe("roster admins", () => {
      it("create makes a platform admin with a password, and is repeatable", async () => {
        const admin = await createAdmin()
        assert.strictEqual(admin.email, "root@example.com")
        assert.strictEqual(admin.name, "Root")
        assert.isTrue(admin.isPlatformAdmin)
        assert.isTrue(admin.hasPassword)
        const again = await createAdmin()
        assert.strictEqual(again.id, admin.id)
      })

      it("create refuses a short password, naming password, without echoing it", async () => {
        const result = await roster(["admins", "create", "--email", "root@example.com", "--password-stdin"], "short1\n")
        assertFailure(result, "VALIDATION_FAILED", 2, /password/)
        assert.notInclude(result.stderr, "short1")
      })

      it("create takes one line from stdin: a second line is refused, not kept in the password", async () => {
        const result = await roster(
          ["admins", "create", "--email", "root@example.com", "--password-stdin"],
          "first line password\nsecond line\n"
        )
        assertFailure(result, "VALIDATION_FAILED", 2, "password: must be a single line on stdin")
        assert.notInclude(result.stderr, "first line")
        const crlf = await roster(
          ["admins", "create", "--email", "root-crlf@example.com", "--password-stdin"],
          "a windows password\r\n"
        )
        assert.strictEqual(crlf.code, 0, crlf.stderr)
      })

      it("create needs --password-stdin", async () => {
        const result = await roster(["admins", "create", "--email", "root@example.com"])
        assert.strictEqual(result.code, 2)
      })

      it("list pages the platform admins only; accounts list pages every identity", async () => {
        await createAdmin()
        await createAdmin("second@example.com")
        await ok(["accounts", "create", "--email", "member@example.com"])
        const everyone = asAccountPage(await ok(["accounts", "list", "--q", "example"]))
        assert.deepStrictEqual(
          everyone.content.map((account) => account.email),
          ["member@example.com", "root@example.com", "second@example.com"]
        )
        const admins = asAccountPage(await ok(["accounts", "list", "--admins"]))
        assert.deepStrictEqual(
          admins.content.map((account) => account.email),
          ["root@example.com", "second@example.com"]
        )
        const text = await roster(["admins", "list"])
        assert.include(text.stdout, "page 1 of 1, 2 accounts")
        assert.notInclude(text.stdout, "member@example.com")
        const page = asAccountPage(await ok(["admins", "list", "--size", "1", "--q", "example"]))
        assert.strictEqual(page.totalElements, 2)
        assert.strictEqual(page.content.length, 1)
        assert.strictEqual(page.size, 1)
        assert.strictEqual(page.number, 0)
      })

      it("promote and demote; demoting the last admin is LAST_PLATFORM_ADMIN", async () => {
        const root = await createAdmin()
        const userId = await orgWithMember()
        const promoted = asAccount(await ok(["admins", "promote", userId]))
        assert.isTrue(promoted.isPlatformAdmin)
        const demoted = asAccount(await ok(["admins", "demote", userId]))
        assert.isFalse(demoted.isPlatformAdmin)
        assertFailure(await roster(["admins", "demote", root.id]), "LAST_PLATFORM_ADMIN", 4)
      })

      it("an unknown id is USER_NOT_FOUND, a malformed one VALIDATION_FAILED", async () => {
        assertFailure(await roster(["admins", "promote", missingId]), "USER_NOT_FOUND", 3)
        assertFailure(await roster(["admins", "promote", "nope"]), "VALIDATION_FAILED", 2, /userId/)
      })
    })

    describe("roster accounts", () => {
      it("show, deactivate, reactivate, disable-mfa, verify-email", async () => {
        const userId = await orgWithMember()
        const shown = asAccount(await ok(["accounts", "show", userId]))
        assert.strictEqual(shown.email, "ada@example.com")
        assert.strictEqual(shown.memberships.length, 1)
        assert.isFalse(shown.hasPassword)
        assert.isTrue(asAccount(await ok(["accounts", "deactivate", userId])).disabled)
        assert.isFalse(asAccount(await ok(["accounts", "reactivate", userId])).disabled)
        assert.isFalse(asAccount(await ok(["accounts", "disable-mfa", userId])).mfaEnabled)
        const verified = asAccount(await ok(["accounts", "verify-email", userId]))
        assert.isTrue(verified.emailVerified)
        assert.isNotNull(verified.emailVerifiedAt)
      })

      it("reset-password sets a password; a short one is VALIDATION_FAILED", async () => {
        const userId = await orgWithMember()
        const reset = asAccount(
          await ok(["accounts", "reset-password", userId, "--password-stdin", "--require-change"], `${password}\r\n`)
        )
        assert.isTrue(reset.hasPassword)
        const result = await roster(["accounts", "reset-password", userId, "--password-stdin"], "tiny")
        assertFailure(result, "VALIDATION_FAILED", 2, /password/)
      })

      it("delete erases the identity", async () => {
        const userId = await orgWithMember()
        // Ada is not the organization's last manager only if another one exists; add one first.
        await ok(["users", "add", "--org", "acme", "--email", "boss@example.com", "--role", "Admin"])
        const deleted = (await ok(["accounts", "delete", userId, "--yes"])) as { id: string; deleted: boolean }
        assert.deepStrictEqual(deleted, { id: userId, deleted: true })
      })
    })

    describe("roster users credentials", () => {
      it("set-password on a managed user", async () => {
        const userId = await orgWithMember()
        const result = await ok(
          ["users", "set-password", "--org", "acme", userId, "--password-stdin", "--require-change"],
          `${password}\n`
        )
        assert.deepStrictEqual(result, { id: userId, passwordChangeRequired: true })
        assert.isTrue(asAccount(await ok(["accounts", "show", userId])).hasPassword)
        // By default the user must change it too; --no-require-change lets them keep it.
        const byDefault = await ok(
          ["users", "set-password", "--org", "acme", userId, "--password-stdin"],
          `${password}\n`
        )
        assert.deepStrictEqual(byDefault, { id: userId, passwordChangeRequired: true })
        const kept = await ok(
          ["users", "set-password", "--org", "acme", userId, "--password-stdin", "--no-require-change"],
          `${password}\n`
        )
        assert.deepStrictEqual(kept, { id: userId, passwordChangeRequired: false })
      })

      it("set-password refuses a short password, naming password", async () => {
        const userId = await orgWithMember()
        const result = await roster(["users", "set-password", "--org", "acme", userId, "--password-stdin"], "abc\n")
        assertFailure(result, "VALIDATION_FAILED", 2, /password/)
      })

      // The domain exempts the Operator actor from the managed-user rule (Credentials.manageable):
      // USER_NOT_MANAGED cannot arise from the CLI, which always acts as the operator.
      it("the operator may set the password of a user another organization also has (no USER_NOT_MANAGED)", async () => {
        const userId = await orgWithMember()
        await ok(["orgs", "create", "--name", "Globex"])
        await ok(["users", "add", "--org", "globex", "--email", "ada@example.com"])
        const result = await ok(["users", "set-password", "--org", "acme", userId, "--password-stdin"], `${password}\n`)
        assert.deepStrictEqual(result, { id: userId, passwordChangeRequired: true })
      })

      it("a user outside the organization is USER_NOT_FOUND", async () => {
        await orgWithMember()
        await ok(["orgs", "create", "--name", "Globex"])
        const other = (await ok(["users", "add", "--org", "globex", "--email", "bob@example.com"])) as { id: string }
        const result = await roster(
          ["users", "set-password", "--org", "acme", other.id, "--password-stdin"],
          `${password}\n`
        )
        assertFailure(result, "USER_NOT_FOUND", 3)
        assertFailure(await roster(["users", "magic-link", "--org", "acme", other.id]), "USER_NOT_FOUND", 3)
      })

      it("magic-link prints a URL with the token in its fragment", async () => {
        const userId = await orgWithMember()
        const link = (await ok([
          "users",
          "magic-link",
          "--org",
          "acme",
          userId,
          "--public-url",
          "https://roster.example/"
        ])) as {
          url: string
          expiresAt: string
        }
        assert.match(link.url, /^https:\/\/roster\.example\/auth\/magic-link#token=\S+$/)
        const text = await roster(["users", "magic-link", "--org", "acme", userId])
        assert.strictEqual(text.code, 0)
        assert.match(text.stdout, /^http:\/\/localhost:3000\/auth\/magic-link#token=\S+\n$/)
        for (const bad of ["ftp://x.example", "https://x.example/?a=1", "https://x.example/#f", "not a url"]) {
          assertFailure(
            await roster(["users", "magic-link", "--org", "acme", userId, "--public-url", bad]),
            "VALIDATION_FAILED",
            2,
            /--public-url: must be an http:\/\/ or https:\/\/ URL without a query or a fragment/
          )
        }
      })

      it("verification-link prints a 7-day email verification URL; accounts verify-email force-verifies", async () => {
        const userId = await orgWithMember()
        const link = (await ok(["users", "verification-link", "--org", "acme", userId])) as {
          url: string
          expiresAt: string
        }
        assert.match(link.url, /^http:\/\/localhost:3000\/auth\/verify-email#token=evt_[0-9A-Za-z]{52}$/)
        const days = (Date.parse(link.expiresAt) - Date.now()) / 86_400_000
        assert.isTrue(days > 6.9 && days <= 7, `expires in ${days} days`)
        assert.isFalse(asAccount(await ok(["accounts", "show", userId])).emailVerified)
        assert.isTrue(asAccount(await ok(["accounts", "verify-email", userId])).emailVerified)
        assertFailure(
          await roster(["users", "verification-link", "--org", "acme", "nope"]),
          "VALIDATION_FAILED",
          2,
          /userId/
        )
      })

      it("add takes a password from stdin", async () => {
        await ok(["orgs", "create", "--name", "Acme"])
        const added = (await ok(
          ["users", "add", "--org", "acme", "--email", "ada@example.com", "--password-stdin", "--require-change"],
          `${password}\n`
        )) as { id: string }
        assert.isTrue(asAccount(await ok(["accounts", "show", added.id])).hasPassword)
        const short = await roster(
          ["users", "add", "--org", "acme", "--email", "bob@example.com", "--password-stdin"],
          "short\n"
        )
        assertFailure(short, "VALIDATION_FAILED", 2, /password/)
      })
    })
  })
