/** `roster users set-password|magic-link|verification-link`: credentials of a member the organization manages. */
import type { Command } from "commander"
import * as Effect from "effect/Effect"
import { Credentials, PublicUrl, UserId } from "@roster/domain"
import * as Input from "../Input.js"
import * as Operator from "../Operator.js"
import type { CommandLine, Define } from "../Plan.js"
import { passwordFromStdin } from "./Identity.js"

const target = (line: CommandLine) =>
  Effect.all({
    org: Input.reference("--org", line.text("org")!),
    userId: Input.decodeValue(UserId, line.args[0], "userId")
  })

/** Where links point when neither `--public-url` nor the app (`Io.publicUrl`) says: the server's default address. */
export const defaultPublicUrl = "http://localhost:3000"

export const register = (
  program: Command,
  define: Define,
  /** Where links point unless `--public-url` says otherwise, as the app's configuration reads it. */
  configured: { readonly publicUrl: string }
) => {
  const users = program.commands.find((command) => command.name() === "users")!

  define(
    users
      .command("set-password")
      .description("Set a managed user's password from standard input, ending their sessions")
      .argument("<userId>", "the user's id (see users list)")
      .requiredOption("--org <org>", "organization id or name")
      .requiredOption("--password-stdin", "read the password from standard input")
      // Defined first, `--no-require-change` makes the default true: an admin-set password is known to the admin.
      .option("--no-require-change", "let the user keep it (by default they must change it at their next sign-in)")
      .option("--require-change", "the user must change it at their next sign-in (the default)"),
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

  for (const link of [
    {
      name: "magic-link",
      description: "Make a one-time sign-in link for a managed user (valid 15 minutes)",
      path: "/auth/magic-link",
      issue: "magicLink"
    },
    {
      name: "verification-link",
      description: "Make a link that confirms a managed user's email address (valid 7 days)",
      path: "/auth/verify-email",
      issue: "emailVerification"
    }
  ] as const) {
    define(
      users
        .command(link.name)
        .description(link.description)
        .argument("<userId>", "the user's id (see users list)")
        .requiredOption("--org <org>", "organization id or name")
        .option(
          "--public-url <url>",
          "where the front end is (default: $ROSTER_PUBLIC_URL, else the server's address on $HOST and $PORT)"
        ),
      (line) =>
        Effect.gen(function* () {
          const found = yield* target(line)
          const given = line.text("publicUrl")
          // A typed --public-url wins; the configured one was checked when the app read it.
          const base =
            given === undefined
              ? configured.publicUrl
              : yield* Input.decodeValue(PublicUrl.PublicUrl, given, "--public-url")
          return Effect.gen(function* () {
            const { access } = yield* Operator.inOrganization(found.org)
            const credentials = yield* Credentials
            const issued = yield* credentials[link.issue](access, found.userId)
            // The secret goes in the fragment: browsers never send it to a server or in a Referer.
            const url = PublicUrl.link(base, link.path, issued.secret)
            return { json: { url, expiresAt: issued.expiresAt.toISOString() }, text: () => url }
          })
        })
    )
  }
}
