/** The CLI suite's `roster tokens`: create (the secret shown once), list, revoke. */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Permission, Tokens } from "@roster/domain"
import {
  assertFailure,
  assertSuccess,
  decodeStrict,
  Token,
  CreatedToken,
  isoDateTime,
  missingId,
  type Cli
} from "./CliHarness.js"

export const tests = (cli: Cli) => {
  const { roster, json, createOrg, storage } = cli

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

      const runtime = storage().makeRuntime({})
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
      const result = await roster("tokens", "create", "--org", "acme", "--name", "ci", "--permission", "can_view_users")
      assertSuccess(result)
      assert.match(result.stdout, /tot_[0-9A-Za-z]{52}/)
      assert.include(result.stdout, "shown once")
      assert.include(result.stdout, "ci")
    })

    it("list never shows a secret; revoke marks a token revoked, and again changes nothing", async () => {
      await createOrg()
      const created = await json("tokens", "create", "--org", "acme", "--name", "ci", "--permission", "can_view_users")
      const listed = decodeStrict(Schema.Array(Token))(await json("tokens", "list", "--org", "ACME"))
      assert.deepStrictEqual(
        listed.map((token) => token.id),
        [created.id]
      )
      const table = await roster("tokens", "list", "--org", "acme")
      assertSuccess(table)
      for (const text of [created.id, "ci", "can_view_users", "active", "never"]) assert.include(table.stdout, text)
      for (const output of [JSON.stringify(listed), table.stdout]) assert.notInclude(output, created.token)

      const revoked = decodeStrict(Token)(await json("tokens", "revoke", "--org", "acme", created.id, "--yes"))
      assert.match(revoked.revokedAt ?? "", isoDateTime)
      // By name, too.
      const again = await json("tokens", "revoke", "--org", "acme", "CI", "--yes")
      assert.strictEqual(again.revokedAt, revoked.revokedAt)
      const human = await roster("tokens", "revoke", "--org", "acme", created.id, "--yes")
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
      assertFailure(
        await roster("tokens", "revoke", "--org", "acme", "nope", "--yes"),
        "TOKEN_NOT_FOUND",
        3,
        "No token nope in this organization"
      )
      assertFailure(
        await roster("tokens", "revoke", "--org", "acme", missingId, "--yes"),
        "TOKEN_NOT_FOUND",
        3,
        `No token ${missingId} in this organization`
      )
      assertFailure(await roster("tokens", "list", "--org", "nowhere", "--json"), "ORGANIZATION_NOT_FOUND", 3)
    })
  })
}
