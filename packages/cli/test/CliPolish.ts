/**
 * The CLI suite's conveniences: a member named by email and a token by name, a change that changes
 * nothing said so, questions before what cannot be undone, and times from when a command runs.
 */
import { assert, describe, it } from "@effect/vitest"
import * as YAML from "yaml"
import { asks, assertFailure, assertSuccess, type Cli } from "./CliHarness.js"

export const tests = (cli: Cli) => {
  const { roster, onTerminal, json, createOrg, addUser, user } = cli
  const events = async () => (await json("events", "list", "--org", "acme", "--size", "200")).totalElements as number

  describe("conveniences", () => {
    it("a <user> is an email (any case) or an id, whatever the member's status", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com", "--first-name", "Ada")
      assert.deepStrictEqual(await json("users", "show", "--org", "acme", "ADA@example.com"), ada)
      await json("users", "terminate", "--org", "acme", "ada@example.com")
      const forgotten = await json("users", "forget", "--org", "acme", " ada@example.com ", "--yes")
      assert.strictEqual(forgotten.id, ada.id)
      assert.strictEqual(forgotten.profile.status, "FORGOTTEN")
    })

    it("a <token> is a name (any case) or an id; a name two live tokens share must be an id", async () => {
      await createOrg()
      const create = (name: string) =>
        json("tokens", "create", "--org", "acme", "--name", name, "--permission", "can_view_users")
      const first = await create("sync")
      assert.strictEqual((await json("tokens", "revoke", "--org", "acme", "SYNC", "--yes")).id, first.id)
      // A revoked one and a live one: the live one.
      const second = await create("sync")
      assert.strictEqual((await json("tokens", "revoke", "--org", "acme", "sync", "--yes")).id, second.id)
      await create("twin")
      await create("twin")
      assertFailure(
        await roster("tokens", "revoke", "--org", "acme", "twin", "--yes"),
        "VALIDATION_FAILED",
        2,
        'tokenId: 2 tokens are named "twin": give the id of the one to revoke (see tokens list)'
      )
    })

    it("a change that changes nothing says so, answers the member and records nothing", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com", "--first-name", "Ada", "--title", "CTO")
      const before = await events()
      const role = await roster("users", "set-role", "--org", "acme", ada.id, "--role", "member")
      assertSuccess(role)
      assert.match(role.stdout, /^Unchanged: ada@example\.com already has the role Member\.\n/)
      const profile = await roster(
        "users",
        "update-profile",
        "--org",
        "acme",
        ada.id,
        "--first-name",
        "Ada",
        "--title",
        "CTO"
      )
      assert.match(profile.stdout, /^Unchanged: the profile of ada@example\.com already is as given\.\n/)
      assert.deepStrictEqual(await user("set-role", ada.id, "--role", "Member"), ada)
      assert.strictEqual(await events(), before)
      const changed = await roster("users", "set-role", "--org", "acme", ada.id, "--role", "Admin")
      assert.match(changed.stdout, /^ada@example\.com now has the role Admin\.\n/)
      assert.strictEqual(await events(), before + 1)
    })

    it("forget, remove and tokens revoke ask first: refused off a terminal without --yes, cancelled unless answered yes", async () => {
      await createOrg()
      const ada = await addUser("ada@example.com")
      const token = await json("tokens", "create", "--org", "acme", "--name", "ci", "--permission", "all")
      for (const argv of [
        ["users", "remove", "--org", "acme", "ada@example.com", "--reason", "Left"],
        ["tokens", "revoke", "--org", "acme", "ci"]
      ]) {
        assertFailure(
          await roster(...argv),
          "CONFIRMATION_REQUIRED",
          2,
          `${argv[0]} ${argv[1]} asks before it acts, and nobody can answer here (not a terminal): pass --yes to go ahead`
        )
      }
      const asked: Array<string> = []
      const no = onTerminal((question) => {
        asked.push(question)
        return "n"
      })
      assertFailure(await no("users", "remove", "--org", "acme", "ada@example.com", "--reason", "Left"), "CANCELLED", 1)
      assertFailure(await no("tokens", "revoke", "--org", "acme", "ci"), "CANCELLED", 1)
      assert.deepStrictEqual(asked, [
        "Remove ada@example.com from Acme? [y/N] ",
        "Revoke the token ci of Acme? Whatever uses it stops working at once. [y/N] "
      ])
      assert.strictEqual((await json("users", "show", "--org", "acme", ada.id)).profile.status, "ACTIVE")
      assert.isNull((await json("tokens", "list", "--org", "acme"))[0].revokedAt)

      const yes = onTerminal(() => "yes")
      assertSuccess(await yes("users", "remove", "--org", "acme", "ada@example.com", "--reason", "Left"))
      assertSuccess(await yes("users", "forget", "--org", "acme", ada.id))
      assertSuccess(await yes("tokens", "revoke", "--org", "acme", token.id))
      assert.strictEqual((await json("users", "show", "--org", "acme", ada.id)).profile.status, "FORGOTTEN")
      assert.isTrue(asks("forget"))
    })

    it("--expires-in counts from when the command runs, in minutes to calendar years", async () => {
      await createOrg()
      const create = async (duration: string) => {
        const started = new Date()
        const created = await json(
          "tokens",
          "create",
          "--org",
          "acme",
          "--name",
          duration,
          "--permission",
          "all",
          "--expires-in",
          duration
        )
        return { started, ended: new Date(), expiresAt: new Date(created.expiresAt) }
      }
      const year = await create("1y")
      const expected = (from: Date) => {
        const date = new Date(from)
        date.setUTCFullYear(date.getUTCFullYear() + 1)
        return date.getTime()
      }
      assert.isAtLeast(year.expiresAt.getTime(), expected(year.started))
      assert.isAtMost(year.expiresAt.getTime(), expected(year.ended))
      const weeks = await create("2w")
      assert.isAtLeast(weeks.expiresAt.getTime(), weeks.started.getTime() + 14 * 86_400_000)
      assert.isAtMost(weeks.expiresAt.getTime(), weeks.ended.getTime() + 14 * 86_400_000)
      assertFailure(
        await roster("tokens", "create", "--org", "acme", "--name", "x", "--permission", "all", "--expires-in", "101y"),
        "VALIDATION_FAILED",
        2,
        /--expires-in: must be a positive duration such as 90m, 12h, 30d, 2w or 1y, up to 100 years/
      )
    })

    it("--output csv and yaml print the API's answer; --json is --output json", async () => {
      await createOrg()
      await addUser("ada@example.com", "--first-name", "Ada", "--last-name", "Lovelace, Countess")
      await addUser("bob@example.com", "--first-name", "Bob")
      const page = await json("users", "list", "--org", "acme")
      const yaml = await roster("users", "list", "--org", "acme", "--output", "yaml")
      assertSuccess(yaml)
      assert.deepStrictEqual(YAML.parse(yaml.stdout), page)
      const csv = await roster("users", "list", "--org", "acme", "--output", "csv")
      assertSuccess(csv)
      const [header, ...rows] = csv.stdout.trimEnd().split("\n")
      assert.strictEqual(
        header,
        "id,email,idpId,roleId,profile.id,profile.firstName,profile.lastName,profile.title,profile.organizationId,profile.roleId,profile.status,profile.createdDateTime,profile.lastSignedInAt,createdDateTime"
      )
      assert.lengthOf(rows, 2)
      assert.include(rows[0]!, `${page.content[0].id},ada@example.com,,`)
      assert.include(rows[0]!, `Ada,"Lovelace, Countess",,`)
      const roles = await roster("roles", "list", "--org", "acme", "--output", "csv")
      assert.match(roles.stdout, /^id,name,permissions,isDefault\n.*,Admin,can_view_users;can_manage_users;/)
      assert.deepStrictEqual(
        JSON.parse((await roster("users", "list", "--org", "acme", "--output", "json")).stdout),
        page
      )
      assertFailure(
        await roster("users", "list", "--org", "acme", "--json", "--output", "csv"),
        "USAGE",
        2,
        "--json and --output csv cannot be used together"
      )
      assertFailure(await roster("users", "list", "--org", "acme", "--output", "xml"), "USAGE", 2, /xml/)
    })

    it("--all reads every page: as one JSON array, one CSV, one YAML sequence, one table", async () => {
      await createOrg()
      for (const name of ["a", "b", "c", "d", "e"]) await addUser(`${name}@example.com`)
      const list = ["users", "list", "--org", "acme", "--size", "2", "--all"]
      const every = JSON.parse((await roster(...list, "--json")).stdout)
      assert.deepStrictEqual(
        every.map((user: { email: string }) => user.email),
        ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"]
      )
      const yaml = await roster(...list, "--output", "yaml")
      assert.deepStrictEqual(YAML.parse(yaml.stdout), every)
      const csv = (await roster(...list, "--output", "csv")).stdout.trimEnd().split("\n")
      assert.lengthOf(csv, 6)
      assert.match(csv[0]!, /^id,email,/)
      const table = await roster(...list)
      assertSuccess(table)
      for (const user of every) assert.include(table.stdout, user.email)
      assert.include(table.stdout, "page 1 of 1, 5 users")
      assert.strictEqual(
        (await roster("users", "list", "--org", "acme", "--q", "nobody", "--all", "--json")).stdout,
        "[]\n"
      )
      assertFailure(await roster(...list, "--page", "2"), "USAGE", 2, /cannot be used with/)
    })

    it("tables fit the terminal, cut with …; --wide, or output that is no terminal, shows every cell whole", async () => {
      await createOrg()
      await addUser("a.very.long.address.indeed@example.com", "--first-name", "Augusta Ada", "--last-name", "King-Noel")
      const narrow = onTerminal(() => "", 60)
      for (const argv of [
        ["users", "list", "--org", "acme"],
        ["users", "show", "--org", "acme", "a.very.long.address.indeed@example.com"],
        ["tokens", "list", "--org", "acme"],
        ["roles", "list", "--org", "acme"]
      ]) {
        const fitted = await narrow(...argv)
        assertSuccess(fitted)
        for (const line of fitted.stdout.split("\n")) assert.isAtMost([...line].length, 60, line)
      }
      const fitted = await narrow("users", "list", "--org", "acme")
      assert.include(fitted.stdout, "…")
      const wide = await narrow("users", "list", "--org", "acme", "--wide")
      assert.include(wide.stdout, "a.very.long.address.indeed@example.com")
      assert.isAbove(Math.max(...wide.stdout.split("\n").map((line) => [...line].length)), 60)
      assert.include((await roster("users", "list", "--org", "acme")).stdout, "a.very.long.address.indeed@example.com")
    })
  })
}
