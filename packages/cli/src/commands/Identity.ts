/** Shared by the identity commands: the password on standard input, and accounts as tables. */
import * as Effect from "effect/Effect"
import {
  type Account,
  Actor,
  IdentityInput,
  IdentityResponse,
  Platform,
  type User,
  ValidationFailed
} from "@roster/domain"
import * as Input from "../Input.js"
import type { CommandLine } from "../Plan.js"
import * as Render from "../Render.js"

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
    // One line, as typed or piped: a second line is a mistake (a file with a comment, two passwords),
    // and a password holding a line break could never be typed at a sign-in form.
    Effect.filterOrFail(
      (password) => !/[\r\n]/.test(password),
      () => new ValidationFailed({ issues: [{ field: "password", message: "must be a single line on stdin" }] })
    ),
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

/** `accounts list` and `admins list`: identities a page at a time, as `GET /admin/users` answers. */
export const listAccounts = (line: CommandLine, filter: { readonly platformAdmin?: boolean } = {}) =>
  Effect.all({
    page: Input.integer("--page", line.text("page")),
    size: Input.integer("--size", line.text("size"))
  }).pipe(
    Effect.flatMap(({ page, size }) =>
      Input.decode(
        IdentityInput.ListAccounts,
        { q: line.text("q"), page, size, ...filter },
        { q: "--q", page: "--page", size: "--size" }
      )
    ),
    Effect.map((query) =>
      Effect.gen(function* () {
        const platform = yield* Platform
        const found = yield* platform.list(Actor.operator, query)
        const page = IdentityResponse.fromAccountPage(found)
        return {
          json: page,
          text: (render: Render.Renderer) => `${accountTable(render, found.items)}\n${Render.pageLine(page, "account")}`
        }
      })
    )
  )
