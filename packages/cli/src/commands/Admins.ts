/** `roster admins create|list|promote|demote`: the platform admins, as the operator. */
import type { Command } from "commander"
import * as Effect from "effect/Effect"
import { Actor, IdentityInput, Platform, UserId } from "@roster/domain"
import * as Input from "../Input.js"
import type { Define } from "../Plan.js"
import { accountOutput, listAccounts, passwordFromStdin } from "./Identity.js"

const userIdArgument = "the account's id (see accounts list)"

export const register = (program: Command, define: Define) => {
  const admins = program.command("admins").description("Manage platform admins and accounts")

  define(
    admins
      .command("create")
      .description("Make an email a platform admin who signs in with the password on stdin (creating it if needed)")
      .requiredOption("--email <email>", "the admin's email")
      .option("--name <name>", "display name")
      .requiredOption("--password-stdin", "read the password from standard input"),
    (line) =>
      Input.decode(
        IdentityInput.BootstrapAdmin.pipe((s) => s.omit("password")),
        { email: line.text("email"), name: line.text("name") },
        { email: "--email", name: "--name" }
      ).pipe(
        Effect.map((input) =>
          Effect.gen(function* () {
            const password = yield* passwordFromStdin(line)
            const platform = yield* Platform
            const account = yield* platform.bootstrapAdmin(Actor.operator, { ...input, password })
            return accountOutput(account)
          })
        )
      )
  )

  define(
    admins
      .command("list")
      .description("List the platform admins, a page at a time")
      .option("--q <text>", "case-insensitive part of the email or name")
      .option("--page <n>", "page number, from 0")
      .option("--size <n>", "page size"),
    (line) => listAccounts(line, { platformAdmin: true })
  )

  for (const [name, description] of [
    ["promote", "Make an account a platform admin"],
    ["demote", "Take platform admin away (never from the last one)"]
  ] as const) {
    define(admins.command(name).description(description).argument("<userId>", userIdArgument), (line) =>
      Input.decodeValue(UserId, line.args[0], "userId").pipe(
        Effect.map((userId) =>
          Effect.gen(function* () {
            const platform = yield* Platform
            return accountOutput(yield* platform[name](Actor.operator, userId))
          })
        )
      )
    )
  }
}
