/** `roster users set-password|magic-link`: credentials of a member the organization manages. */
import type { Command } from "commander"
import * as Effect from "effect/Effect"
import { Credentials, UserId } from "@roster/domain"
import * as Input from "../Input.js"
import * as Operator from "../Operator.js"
import type { CommandLine, Define } from "../Plan.js"
import { passwordFromStdin } from "./Identity.js"

const target = (line: CommandLine) =>
  Effect.all({
    org: Input.reference("--org", line.text("org")!),
    userId: Input.decodeValue(UserId, line.args[0], "userId")
  })

/** `ROSTER_PUBLIC_URL`, else http://localhost:3000; no trailing slash. */
const defaultPublicUrl = () => process.env.ROSTER_PUBLIC_URL ?? "http://localhost:3000"

export const register = (program: Command, define: Define) => {
  const users = program.commands.find((command) => command.name() === "users")!

  define(
    users
      .command("set-password")
      .description("Set a managed user's password from standard input, ending their sessions")
      .argument("<userId>", "the user's id (see users list)")
      .requiredOption("--org <org>", "organization id or name")
      .requiredOption("--password-stdin", "read the password from standard input")
      .option("--require-change", "the user must change it at next sign-in"),
    (line) =>
      target(line).pipe(
        Effect.map(({ org, userId }) =>
          Effect.gen(function* () {
            const password = yield* passwordFromStdin(line)
            const { access } = yield* Operator.inOrganization(org)
            const credentials = yield* Credentials
            const askUserToUpdatePasswordOnLogin = line.flag("requireChange")
            yield* credentials.setPassword(access, userId, { password, askUserToUpdatePasswordOnLogin })
            return {
              json: { id: userId, passwordChangeRequired: askUserToUpdatePasswordOnLogin },
              text: () => `Set the password of ${userId}.`
            }
          })
        )
      )
  )

  define(
    users
      .command("magic-link")
      .description("Make a one-time sign-in link for a managed user (valid 15 minutes)")
      .argument("<userId>", "the user's id (see users list)")
      .requiredOption("--org <org>", "organization id or name")
      .option("--public-url <url>", "where the front end is (default: $ROSTER_PUBLIC_URL or http://localhost:3000)"),
    (line) =>
      Effect.gen(function* () {
        const found = yield* target(line)
        const base = (line.text("publicUrl") ?? defaultPublicUrl()).replace(/\/+$/, "")
        yield* Input.nonBlank("--public-url", base)
        return Effect.gen(function* () {
          const { access } = yield* Operator.inOrganization(found.org)
          const credentials = yield* Credentials
          const link = yield* credentials.magicLink(access, found.userId)
          const url = `${base}/auth/magic-link#token=${link.secret}`
          return { json: { url, expiresAt: link.expiresAt.toISOString() }, text: () => url }
        })
      })
  )
}
