/** Shared by the identity commands: the password on standard input, and accounts as tables. */
import * as Effect from "effect/Effect"
import { type Account, IdentityInput, IdentityResponse, type User, ValidationFailed } from "@roster/domain"
import * as Input from "../Input.js"
import type { CommandLine } from "../Plan.js"
import type * as Render from "../Render.js"

/**
 * `--password-stdin`: all of standard input, one trailing newline (LF or CRLF) stripped, checked as
 * a password. Never echoed: a problem names `password`, not the value.
 */
export const passwordFromStdin = (line: CommandLine): Effect.Effect<string, ValidationFailed> =>
  Effect.tryPromise({
    try: line.readStdin,
    catch: () =>
      new ValidationFailed({ issues: [{ field: "password", message: "could not read the password from stdin" }] })
  }).pipe(
    Effect.map((text) => text.replace(/\r?\n$/, "")),
    Effect.flatMap((password) =>
      Input.decode(IdentityInput.SetPassword, { password }, { password: "password" }).pipe(
        Effect.map((input) => input.password)
      )
    )
  )

/** A flag that needs `--password-stdin`. */
export const requireStdinFor = (
  line: CommandLine,
  flag: string,
  name: string
): Effect.Effect<void, ValidationFailed> =>
  line.flag(name) && !line.flag("passwordStdin")
    ? Effect.fail(new ValidationFailed({ issues: [{ field: flag, message: "needs --password-stdin" }] }))
    : Effect.void

export const accountTable = (render: Render.Renderer, users: ReadonlyArray<User.User>) =>
  render.table(
    ["id", "email", "name", "admin", "verified", "mfa", "disabled"],
    users.map((user) => [
      user.id,
      user.email,
      user.name ?? "",
      user.isPlatformAdmin ? "yes" : "no",
      user.emailVerifiedAt !== null ? "yes" : "no",
      user.mfaEnrolledAt !== null ? "yes" : "no",
      user.disabledAt !== null ? "yes" : "no"
    ])
  )

export const accountOutput = (account: Account) => ({
  json: IdentityResponse.fromAccount(account),
  text: (render: Render.Renderer) => accountTable(render, [account.user])
})
