/** `roster accounts …`: one identity across every organization, as the operator (a platform admin). */
import type { Command } from "commander"
import * as Effect from "effect/Effect"
import { Actor, IdentityInput, Platform, UserId, ValidationFailed } from "@roster/domain"
import * as Input from "../Input.js"
import * as Operator from "../Operator.js"
import type { Define } from "../Plan.js"
import { accountOutput, listAccounts, passwordFromStdin, requireStdinFor } from "./Identity.js"

const userIdArgument = "the account's id (see accounts list)"

export const register = (program: Command, define: Define) => {
  const accounts = program.command("accounts").description("Manage one identity across every organization")
  const target = (line: { readonly args: ReadonlyArray<string> }) => Input.decodeValue(UserId, line.args[0], "userId")

  define(
    accounts
      .command("list")
      .description("List every identity, a page at a time (GET /admin/users)")
      .option("--q <text>", "case-insensitive part of the email or name")
      .option("--admins", "only platform admins")
      .option("--page <n>", "page number, from 0")
      .option("--size <n>", "page size"),
    (line) => listAccounts(line, line.flag("admins") ? { platformAdmin: true } : {})
  )

  define(
    accounts
      .command("create")
      .description("Create an identity (POST /admin/users): optionally with a password, and ACTIVE in an organization")
      .requiredOption("--email <email>", "the email address")
      .option("--name <name>", "display name")
      .option("--org <org>", "organization id or name to make them an ACTIVE member of")
      .option("--role <role>", "with --org: role id or name (default: the organization's default role)")
      .option("--password-stdin", "set the password from standard input")
      .option("--require-change", "with --password-stdin: they must change it at their first sign-in"),
    (line) =>
      Effect.gen(function* () {
        yield* requireStdinFor(line, "--require-change", "requireChange")
        const orgText = line.text("org")
        const roleText = line.text("role")
        if (roleText !== undefined && orgText === undefined) {
          return yield* ValidationFailed.single("--role", "applies only with --org")
        }
        const org = orgText === undefined ? undefined : yield* Input.reference("--org", orgText)
        const role = roleText === undefined ? undefined : yield* Input.reference("--role", roleText)
        const input = yield* Input.decode(
          IdentityInput.CreateAccount.pick("email", "name"),
          { email: line.text("email"), name: line.text("name") },
          { email: "--email", name: "--name" }
        )
        return Effect.gen(function* () {
          const secret = line.flag("passwordStdin")
            ? {
                password: yield* passwordFromStdin(line),
                askUserToUpdatePasswordOnLogin: line.flag("requireChange")
              }
            : {}
          const scope = org === undefined ? undefined : yield* Operator.inOrganization(org)
          const membership =
            scope === undefined
              ? {}
              : {
                  organizationId: scope.organization.id,
                  ...(role === undefined ? {} : { roleId: (yield* Operator.role(scope.access, role)).id })
                }
          const platform = yield* Platform
          return accountOutput(yield* platform.create(Actor.operator, { ...input, ...membership, ...secret }))
        })
      })
  )

  define(accounts.command("show").description("Show an account").argument("<userId>", userIdArgument), (line) =>
    target(line).pipe(
      Effect.map((userId) =>
        Effect.gen(function* () {
          const platform = yield* Platform
          return accountOutput(yield* platform.get(Actor.operator, userId))
        })
      )
    )
  )

  for (const [name, operation, description] of [
    ["deactivate", "deactivate", "Block sign-in everywhere and end every session"],
    ["reactivate", "reactivate", "Allow sign-in again"],
    ["disable-mfa", "disableMfa", "Remove the second factor and recovery codes, ending every session"],
    ["verify-email", "verifyEmail", "Mark the email verified"]
  ] as const) {
    define(accounts.command(name).description(description).argument("<userId>", userIdArgument), (line) =>
      target(line).pipe(
        Effect.map((userId) =>
          Effect.gen(function* () {
            const platform = yield* Platform
            return accountOutput(yield* platform[operation](Actor.operator, userId))
          })
        )
      )
    )
  }

  define(
    accounts
      .command("delete")
      .description("Delete the identity: forget every membership and erase its data (cannot be undone)")
      .argument("<userId>", userIdArgument),
    (line) =>
      target(line).pipe(
        Effect.map((userId) =>
          Effect.gen(function* () {
            const platform = yield* Platform
            yield* platform.delete(Actor.operator, userId)
            return { json: { id: userId, deleted: true }, text: () => `Deleted ${userId}` }
          })
        )
      )
  )

  define(
    accounts
      .command("reset-password")
      .description("Set the password from stdin, ending every session")
      .argument("<userId>", userIdArgument)
      .requiredOption("--password-stdin", "read the password from standard input")
      .option("--require-change", "the user must change it at next sign-in"),
    (line) =>
      target(line).pipe(
        Effect.map((userId) =>
          Effect.gen(function* () {
            const password = yield* passwordFromStdin(line)
            const platform = yield* Platform
            return accountOutput(
              yield* platform.resetPassword(Actor.operator, userId, {
                password,
                askUserToUpdatePasswordOnLogin: line.flag("requireChange")
              })
            )
          })
        )
      )
  )
}
