/** The CLI suite's `roster users` commands that change a member: profile, role, the lifecycle, reset-mfa. */
import { assert, describe, it } from "@effect/vitest"
import { asks, assertFailure, assertSuccess, missingId, type Cli } from "./CliHarness.js"

export const tests = (cli: Cli) => {
  const { roster, json, createOrg, addUser, user } = cli

  describe("users", () => {
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
      assertFailure(await roster("users", "set-role", "--org", "acme", ada.id, "--role", "Owner"), "ROLE_NOT_FOUND", 3)
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
        await roster("users", "forget", "--org", "acme", ada.id, "--yes"),
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
        const result = await roster(
          "users",
          command!,
          "--org",
          "acme",
          ada.id,
          ...more,
          ...(asks(command!) ? ["--yes"] : [])
        )
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
          await roster(
            "users",
            argv[0]!,
            "--org",
            "acme",
            boss.id,
            ...argv.slice(1),
            ...(asks(argv[0]!) ? ["--yes"] : [])
          ),
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
        const yes = asks(command!) ? ["--yes"] : []
        assertFailure(
          await roster("users", command!, "--org", "acme", missingId, ...more, ...yes, "--json"),
          "USER_NOT_FOUND",
          3
        )
        // An email is looked up, in any case, whatever the member's status.
        assertFailure(
          await roster("users", command!, "--org", "acme", "nobody@example.com", ...more, ...yes),
          "USER_NOT_FOUND",
          3,
          "No user nobody@example.com in this organization"
        )
        assertFailure(
          await roster("users", command!, "--org", "nowhere", missingId, ...more, ...yes),
          "ORGANIZATION_NOT_FOUND",
          3
        )
      }
    })
  })
}
