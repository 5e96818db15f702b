/**
 * The real `roster` command tree, in process, against whatever storage a test file provides:
 * in memory here, the embedded database in the app. Written once, run against each.
 */
import { afterEach, assert, beforeEach, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import { DomainEvent, MembershipStatus, Permission, Tokens, UserResponse } from "@roster/domain"
import type { Services } from "@roster/domain"
import { type Io, type Storage, run } from "../src/index.js"

export interface TestStorage {
  /**
   * Called once by every `run` that executes a command. Every runtime it returns within one test
   * must see the same data; the storage options on the command line are recorded, not obeyed.
   */
  readonly makeRuntime: (
    storage: Storage
  ) => ManagedRuntime.ManagedRuntime<Services.UseCases | Services.IdentityUseCases, unknown>
  readonly close?: () => Promise<void>
}

export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const missingId = "00000000-0000-4000-8000-000000000000"
/** Where a terminal colour code starts. */
const ansi = "\u001b["

const decodeStrict = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.decodeUnknownSync(schema, { onExcessProperty: "error" })
const asUser = decodeStrict(UserResponse.UserResponse)
const asUserPage = decodeStrict(UserResponse.UserPageResponse)

const Role = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  permissions: Schema.Array(Permission.Permission),
  isDefault: Schema.Boolean
})
const Organization = Schema.Struct({ id: Schema.UUID, name: Schema.String, createdDateTime: Schema.String })
const CreatedOrganization = Schema.Struct({ ...Organization.fields, roles: Schema.Array(Role) })
// The API's shapes, exactly (decoded with onExcessProperty: "error").
const Token = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  permissions: Schema.Array(Permission.Permission),
  createdAt: Schema.String,
  expiresAt: Schema.NullOr(Schema.String),
  revokedAt: Schema.NullOr(Schema.String),
  lastUsedAt: Schema.NullOr(Schema.String),
  createdByUserId: Schema.NullOr(Schema.String)
})
const CreatedToken = Schema.Struct({ ...Token.fields, token: Schema.String })
const Event = Schema.Struct({
  id: Schema.UUID,
  userId: Schema.NullOr(Schema.UUID),
  actor: Schema.Struct({ type: Schema.String, id: Schema.NullOr(Schema.String) }),
  type: DomainEvent.EventType,
  before: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  after: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  reason: Schema.NullOr(Schema.String),
  at: Schema.String
})
const EventPage = Schema.Struct({
  content: Schema.Array(Event),
  totalElements: Schema.Int,
  totalPages: Schema.Int,
  size: Schema.Int,
  number: Schema.Int
})

/** A failure is one line on stderr, `error CODE: message`, nothing on stdout, and the exit status. */
export const assertFailure = (result: Result, code: string, exitCode: number, message?: string | RegExp) => {
  assert.strictEqual(result.stdout, "", "stdout stays empty on failure")
  assert.match(result.stderr, /^error [A-Z_]+: [^\n]+\n$/, `one error line, got ${JSON.stringify(result.stderr)}`)
  assert.strictEqual(result.stderr.split(" ")[1], `${code}:`, result.stderr)
  assert.strictEqual(result.code, exitCode, result.stderr)
  if (typeof message === "string") assert.strictEqual(result.stderr, `error ${code}: ${message}\n`)
  else if (message !== undefined) assert.match(result.stderr, message)
}

const assertSuccess = (result: Result) => {
  assert.strictEqual(result.stderr, "", result.stderr)
  assert.strictEqual(result.code, 0)
}

export const suite = (name: string, makeStorage: () => TestStorage | Promise<TestStorage>) =>
  describe(`roster CLI (${name})`, () => {
    let storage: TestStorage
    let opened: Array<Storage>
    let disposed: number

    beforeEach(async () => {
      storage = await makeStorage()
      opened = []
      disposed = 0
    })
    afterEach(async () => {
      await storage.close?.()
    })

    const io = (out: Array<string>, err: Array<string>): Io => ({
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      makeRuntime: (options) => {
        opened.push(options)
        const runtime = storage.makeRuntime(options)
        const dispose = runtime.dispose.bind(runtime)
        return Object.assign(Object.create(runtime), {
          dispose: () => {
            disposed++
            return dispose()
          }
        })
      }
    })

    const roster = async (...argv: Array<string>): Promise<Result> => {
      const out: Array<string> = []
      const err: Array<string> = []
      const code = await run(argv, io(out, err))
      return { code, stdout: out.join(""), stderr: err.join("") }
    }

    /** Runs a command that must succeed with `--json`, and returns what it printed, parsed. */
    const json = async (...argv: Array<string>): Promise<any> => {
      const result = await roster(...argv, "--json")
      assertSuccess(result)
      return JSON.parse(result.stdout)
    }

    const createOrg = (orgName = "Acme") =>
      json("orgs", "create", "--name", orgName).then(decodeStrict(CreatedOrganization))
    const addUser = (email: string, ...more: Array<string>) =>
      json("users", "add", "--org", "acme", "--email", email, ...more).then(asUser)
    const user = (command: string, userId: string, ...more: Array<string>) =>
      json("users", command, "--org", "acme", userId, ...more).then(asUser)

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

    describe("storage options", () => {
      it("--data-dir, --database-url and --json are accepted before the noun and after the verb", async () => {
        await createOrg()
        for (const argv of [
          ["--data-dir", "/tmp/roster-a", "orgs", "list"],
          ["orgs", "list", "--data-dir", "/tmp/roster-a"],
          ["--database-url", "postgres://db/roster", "orgs", "list"],
          ["orgs", "list", "--database-url", "postgres://db/roster"]
        ]) {
          opened = []
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
        assert.strictEqual(disposed, 1)
        assertFailure(await roster("roles", "list", "--org", "nowhere"), "ORGANIZATION_NOT_FOUND", 3)
        assert.strictEqual(opened.length, 2)
        assert.strictEqual(disposed, 2)
      })
    })

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

    describe("tokens", () => {
      it("create --json prints the token once, with its secret, and the secret works", async () => {
        const org = await createOrg()
        const created = decodeStrict(CreatedToken)(
          await json(
            "tokens",
            "create",
            "--org",
            "acme",
            "--name",
            "hr-sync",
            "--permission",
            "can_manage_users",
            "--permission",
            "can_view_users"
          )
        )
        assert.match(created.token, /^tot_[0-9A-Za-z]{52}$/)
        assert.strictEqual(created.name, "hr-sync")
        assert.deepStrictEqual(created.permissions, ["can_view_users", "can_manage_users"])
        assert.match(created.createdAt, isoDateTime)
        assert.strictEqual(created.expiresAt, null)
        assert.strictEqual(created.revokedAt, null)
        assert.strictEqual(created.lastUsedAt, null)

        const runtime = storage.makeRuntime({})
        try {
          const actor = await runtime.runPromise(Effect.flatMap(Tokens, (tokens) => tokens.authenticate(created.token)))
          assert.deepStrictEqual(actor._tag === "Token" ? actor.organizationId : null, org.id)
        } finally {
          await runtime.dispose()
        }
      })

      it("--permission all grants every permission; expiry by date or duration", async () => {
        await createOrg()
        const all = await json("tokens", "create", "--org", "acme", "--name", "admin", "--permission", "all")
        assert.deepStrictEqual(all.permissions, [...Permission.all])

        const dated = await json(
          "tokens",
          "create",
          "--org",
          "acme",
          "--name",
          "dated",
          "--permission",
          "can_view_users",
          "--expires-at",
          "2099-01-31"
        )
        assert.strictEqual(dated.expiresAt, "2099-01-31T00:00:00.000Z")

        const before = Date.now()
        const later = await json(
          "tokens",
          "create",
          "--org",
          "acme",
          "--name",
          "later",
          "--permission",
          "can_view_users",
          "--expires-in",
          "30d"
        )
        const expires = new Date(later.expiresAt).getTime()
        const thirtyDays = 30 * 86_400_000
        assert.isTrue(expires >= before + thirtyDays && expires <= Date.now() + thirtyDays, later.expiresAt)

        for (const [duration, millis] of [
          ["90m", 90 * 60_000],
          ["12h", 12 * 3_600_000]
        ] as const) {
          const token = await json(
            "tokens",
            "create",
            "--org",
            "acme",
            "--name",
            duration,
            "--permission",
            "can_view_users",
            "--expires-in",
            duration
          )
          assert.approximately(new Date(token.expiresAt).getTime() - new Date(token.createdAt).getTime(), millis, 5_000)
        }
      })

      it("create without --json shows the secret with a clear shown-once note", async () => {
        await createOrg()
        const result = await roster(
          "tokens",
          "create",
          "--org",
          "acme",
          "--name",
          "ci",
          "--permission",
          "can_view_users"
        )
        assertSuccess(result)
        assert.match(result.stdout, /tot_[0-9A-Za-z]{52}/)
        assert.include(result.stdout, "shown once")
        assert.include(result.stdout, "ci")
      })

      it("list never shows a secret; revoke marks a token revoked, and again changes nothing", async () => {
        await createOrg()
        const created = await json(
          "tokens",
          "create",
          "--org",
          "acme",
          "--name",
          "ci",
          "--permission",
          "can_view_users"
        )
        const listed = decodeStrict(Schema.Array(Token))(await json("tokens", "list", "--org", "ACME"))
        assert.deepStrictEqual(
          listed.map((token) => token.id),
          [created.id]
        )
        const table = await roster("tokens", "list", "--org", "acme")
        assertSuccess(table)
        for (const text of [created.id, "ci", "can_view_users", "active", "never"]) assert.include(table.stdout, text)
        for (const output of [JSON.stringify(listed), table.stdout]) assert.notInclude(output, created.token)

        const revoked = decodeStrict(Token)(await json("tokens", "revoke", "--org", "acme", created.id))
        assert.match(revoked.revokedAt ?? "", isoDateTime)
        const again = await json("tokens", "revoke", "--org", "acme", created.id)
        assert.strictEqual(again.revokedAt, revoked.revokedAt)
        const human = await roster("tokens", "revoke", "--org", "acme", created.id)
        assertSuccess(human)
        assert.include(human.stdout, "revoked")
        assert.include((await roster("tokens", "list", "--org", "acme")).stdout, "revoked")
      })

      it("rejects bad input and unknown tokens", async () => {
        await createOrg()
        const create = ["tokens", "create", "--org", "acme", "--name", "t"]
        assertFailure(
          await roster(...create, "--permission", "can_fly"),
          "VALIDATION_FAILED",
          2,
          /--permission: "can_fly" is not one of can_view_users, .*, all$/m
        )
        assertFailure(
          await roster(...create, "--permission", "all", "--expires-in", "soon"),
          "VALIDATION_FAILED",
          2,
          /--expires-in: must be a positive duration/
        )
        assertFailure(
          await roster(...create, "--permission", "all", "--expires-in", "0d"),
          "VALIDATION_FAILED",
          2,
          /--expires-in/
        )
        assertFailure(
          await roster(...create, "--permission", "all", "--expires-at", "tomorrow"),
          "VALIDATION_FAILED",
          2,
          /--expires-at: must be an ISO 8601 date/
        )
        assertFailure(
          await roster(...create, "--permission", "all", "--expires-at", "2099-02-30"),
          "VALIDATION_FAILED",
          2,
          /--expires-at: must be an ISO 8601 date/
        )
        assertFailure(
          await roster(...create, "--permission", "all", "--expires-at", "2099-01-01T24:00:00Z"),
          "VALIDATION_FAILED",
          2,
          /--expires-at: must be an ISO 8601 date/
        )
        assertFailure(
          await roster(...create, "--permission", "all", "--expires-at", "2001-01-01"),
          "VALIDATION_FAILED",
          2,
          /--expires-at: must be in the future/
        )
        assertFailure(
          await roster("tokens", "create", "--org", "acme", "--name", " ", "--permission", "all", "--json"),
          "VALIDATION_FAILED",
          2,
          /--name: must not be empty/
        )
        assertFailure(await roster("tokens", "revoke", "--org", "acme", "nope"), "VALIDATION_FAILED", 2, /tokenId/)
        assertFailure(
          await roster("tokens", "revoke", "--org", "acme", missingId),
          "TOKEN_NOT_FOUND",
          3,
          `No token ${missingId} in this organization`
        )
        assertFailure(await roster("tokens", "list", "--org", "nowhere", "--json"), "ORGANIZATION_NOT_FOUND", 3)
      })
    })

    describe("users", () => {
      it("add --json prints the API's UserResponse, with the default role unless one is named", async () => {
        const org = await createOrg()
        const [admin, member] = [
          org.roles.find((r) => r.name === "Admin")!,
          org.roles.find((r) => r.name === "Member")!
        ]
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
        assert.deepStrictEqual(
          [grace.profile.firstName, grace.profile.lastName, grace.profile.title],
          [null, null, null]
        )
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

        const second = asUserPage(await json("users", "list", "--org", "acme", "--size", "1", "--page", "1"))
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
        const ada = await addUser(
          "ada@example.com",
          "--first-name",
          "Ada",
          "--last-name",
          "Lovelace",
          "--role",
          "Admin"
        )
        const bob = await addUser("bob@example.com", "--status", "INACTIVE")
        const result = await roster("users", "list", "--org", "acme")
        assertSuccess(result)
        for (const text of [
          ada.id,
          "ada@example.com",
          "Ada Lovelace",
          "Admin",
          "ACTIVE",
          bob.id,
          "Member",
          "INACTIVE"
        ]) {
          assert.include(result.stdout, text)
        }
        assert.notInclude(result.stdout, ada.roleId)
        assert.include(result.stdout, "page 1 of 1, 2 users")
        const paged = await roster("users", "list", "--org", "acme", "--size", "1")
        assert.include(paged.stdout, "page 1 of 2, 2 users (next: --page 1)")
        const none = await roster("users", "list", "--org", "acme", "--q", "nobody")
        assert.include(none.stdout, "No users match.")
        assert.include(none.stdout, "0 users")
        assert.notInclude(none.stdout, "page")
        const past = await roster("users", "list", "--org", "acme", "--size", "1", "--page", "5")
        assert.include(past.stdout, "No users on this page.")
        assert.include(past.stdout, "page 6 is past the last, page 2 (--page 1), of 2 users")
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
        assertFailure(
          await roster(...list, "--page", "-1"),
          "VALIDATION_FAILED",
          2,
          /--page: must be a whole number, 0 or more/
        )
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

      it("update-profile changes what is named, clears what is asked, and keeps the rest", async () => {
        await createOrg()
        const ada = await addUser(
          "ada@example.com",
          "--first-name",
          "Ada",
          "--last-name",
          "Lovelace",
          "--title",
          "Analyst"
        )
        const updated = await user("update-profile", ada.id, "--first-name", "Augusta", "--clear-title")
        assert.deepStrictEqual(
          [updated.profile.firstName, updated.profile.lastName, updated.profile.title],
          ["Augusta", "Lovelace", null]
        )
        const human = await roster(
          "users",
          "update-profile",
          "--org",
          "acme",
          ada.id,
          "--clear-last-name",
          "--title",
          "Countess"
        )
        assertSuccess(human)
        assert.include(human.stdout, "Updated the profile of ada@example.com")
        assert.include(human.stdout, "Countess")
        const shown = await user("show", ada.id)
        assert.deepStrictEqual(
          [shown.profile.firstName, shown.profile.lastName, shown.profile.title],
          ["Augusta", null, "Countess"]
        )

        const update = ["users", "update-profile", "--org", "acme", ada.id]
        assertFailure(await roster(...update), "VALIDATION_FAILED", 2, /nothing to change/)
        assertFailure(
          await roster(...update, "--first-name", " "),
          "VALIDATION_FAILED",
          2,
          /--first-name: must not be empty; use --clear-first-name/
        )
        assertFailure(
          await roster(...update, "--title", "t".repeat(201)),
          "VALIDATION_FAILED",
          2,
          /--title: must be at most 200 characters/
        )
        assertFailure(
          await roster("users", "update-profile", "--org", "acme", missingId, "--title", "x"),
          "USER_NOT_FOUND",
          3
        )
      })

      it("set-role takes a role by name or id", async () => {
        const org = await createOrg()
        const member = org.roles.find((role) => role.name === "Member")!
        await addUser("boss@example.com", "--role", "Admin")
        const ada = await addUser("ada@example.com")
        const promoted = await user("set-role", ada.id, "--role", "ADMIN")
        assert.strictEqual(promoted.roleId, org.roles.find((role) => role.name === "Admin")!.id)
        const demoted = await user("set-role", ada.id, "--role", member.id)
        assert.strictEqual(demoted.profile.roleId, member.id)
        const human = await roster("users", "set-role", "--org", "acme", ada.id, "--role", "Admin")
        assertSuccess(human)
        assert.include(human.stdout, "ada@example.com now has the role Admin")
        assertFailure(
          await roster("users", "set-role", "--org", "acme", ada.id, "--role", "Owner"),
          "ROLE_NOT_FOUND",
          3
        )
      })

      it("walks the lifecycle: deactivate, activate, terminate, reinstate, remove, forget", async () => {
        await createOrg()
        await addUser("boss@example.com", "--role", "Admin")
        const ada = await addUser("ada@example.com", "--first-name", "Ada", "--role", "Admin")
        const status = async (command: string, ...more: Array<string>) =>
          (await user(command, ada.id, ...more)).profile.status

        assert.strictEqual(await status("deactivate"), "INACTIVE")
        assertFailure(
          await roster("users", "deactivate", "--org", "acme", ada.id),
          "INVALID_STATUS_TRANSITION",
          4,
          "Cannot deactivate a user whose status is INACTIVE"
        )
        assert.strictEqual(await status("activate"), "ACTIVE")
        assert.strictEqual(await status("terminate"), "TERMINATED")
        assertFailure(
          await roster("users", "terminate", "--org", "acme", ada.id, "--json"),
          "INVALID_STATUS_TRANSITION",
          4,
          "Cannot terminate a user whose status is TERMINATED"
        )
        assertFailure(await roster("users", "activate", "--org", "acme", ada.id), "INVALID_STATUS_TRANSITION", 4)
        assertFailure(
          await roster("users", "set-role", "--org", "acme", ada.id, "--role", "Member"),
          "INVALID_STATUS_TRANSITION",
          4
        )
        const reinstated = await user("reinstate", ada.id, "--role", "member")
        assert.strictEqual(reinstated.profile.status, "ACTIVE")
        assert.strictEqual(
          reinstated.roleId,
          (await json("roles", "list", "--org", "acme")).find((r: { name: string }) => r.name === "Member").id
        )
        assert.strictEqual(await status("remove", "--reason", "Left the company"), "REMOVED")
        assertFailure(
          await roster("users", "update-profile", "--org", "acme", ada.id, "--title", "x"),
          "INVALID_STATUS_TRANSITION",
          4
        )
        const forgotten = await user("forget", ada.id)
        assert.strictEqual(forgotten.profile.status, "FORGOTTEN")
        assert.deepStrictEqual(
          [forgotten.profile.firstName, forgotten.profile.lastName, forgotten.profile.title],
          [null, null, null]
        )
        assert.notStrictEqual(forgotten.email, "ada@example.com")
        assertFailure(
          await roster("users", "forget", "--org", "acme", ada.id),
          "INVALID_STATUS_TRANSITION",
          4,
          "Cannot forget a user whose status is FORGOTTEN"
        )
      })

      it("lifecycle commands without --json say what happened and show the user", async () => {
        await createOrg()
        await addUser("boss@example.com", "--role", "Admin")
        const ada = await addUser("ada@example.com")
        const cases: Array<[Array<string>, string, string]> = [
          [["deactivate"], "Deactivated ada@example.com.", "INACTIVE"],
          [["activate"], "Activated ada@example.com.", "ACTIVE"],
          [["reset-mfa"], "Reset MFA for ada@example.com.", "ACTIVE"],
          [["terminate"], "Terminated ada@example.com.", "TERMINATED"],
          [["reinstate", "--role", "Member"], "Reinstated ada@example.com as Member.", "ACTIVE"],
          [["remove", "--reason", "Duplicate account"], "Removed ada@example.com.", "REMOVED"],
          [["forget"], `Forgot user ${ada.id}`, "FORGOTTEN"]
        ]
        for (const [[command, ...more], summary, status] of cases) {
          const result = await roster("users", command!, "--org", "acme", ada.id, ...more)
          assertSuccess(result)
          assert.include(result.stdout, summary, command)
          assert.include(result.stdout, status, command)
        }
      })

      it("reset-mfa --json prints the UserResponse", async () => {
        await createOrg()
        const ada = await addUser("ada@example.com")
        assert.deepStrictEqual(await user("reset-mfa", ada.id), ada)
      })

      it("re-adding a removed user starts the membership again", async () => {
        await createOrg()
        const ada = await addUser("ada@example.com", "--first-name", "Ada")
        await user("remove", ada.id, "--reason", "left")
        const again = await addUser("ada@example.com", "--status", "INACTIVE")
        assert.strictEqual(again.id, ada.id)
        assert.strictEqual(again.profile.status, "INACTIVE")
      })

      it("refuses to lose the last manager", async () => {
        await createOrg()
        const boss = await addUser("boss@example.com", "--role", "Admin")
        for (const argv of [
          ["deactivate"],
          ["terminate"],
          ["set-role", "--role", "Member"],
          ["remove", "--reason", "bye"]
        ]) {
          assertFailure(
            await roster("users", argv[0]!, "--org", "acme", boss.id, ...argv.slice(1)),
            "LAST_MANAGER",
            4,
            /last active member who can manage users/
          )
        }
      })

      it("remove needs a reason, and records it", async () => {
        await createOrg()
        const ada = await addUser("ada@example.com")
        assertFailure(
          await roster("users", "remove", "--org", "acme", ada.id, "--reason", "  "),
          "VALIDATION_FAILED",
          2,
          /--reason: must not be empty/
        )
        await user("remove", ada.id, "--reason", "Left the company")
        const events = await json("events", "list", "--org", "acme", "--type", "user.removed")
        assert.strictEqual(events.content[0].reason, "Left the company")
      })

      it("every single-user command validates <userId> and finds the user", async () => {
        await createOrg()
        const commands: Array<Array<string>> = [
          ["show"],
          ["update-profile", "--title", "x"],
          ["set-role", "--role", "Member"],
          ["terminate"],
          ["deactivate"],
          ["activate"],
          ["forget"],
          ["reset-mfa"],
          ["reinstate", "--role", "Member"],
          ["remove", "--reason", "x"]
        ]
        for (const [command, ...more] of commands) {
          assertFailure(
            await roster("users", command!, "--org", "acme", "not-a-uuid", ...more),
            "VALIDATION_FAILED",
            2,
            /userId/
          )
          assertFailure(
            await roster("users", command!, "--org", "acme", missingId, ...more, "--json"),
            "USER_NOT_FOUND",
            3
          )
          assertFailure(
            await roster("users", command!, "--org", "nowhere", missingId, ...more),
            "ORGANIZATION_NOT_FOUND",
            3
          )
        }
      })
    })

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
        const paged = await json("events", "list", "--org", "acme", "--size", "3", "--page", "1")
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
          ada.id
        ]) {
          assert.include(result.stdout, text)
        }
        assert.include(result.stdout, "page 1 of 1, 3 events")
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
  })
