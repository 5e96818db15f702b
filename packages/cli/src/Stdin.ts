/** `--password-stdin`: a password piped or typed on standard input, never on the command line. */
import * as Effect from "effect/Effect"
import { ValidationFailed } from "@roster/domain"
import type { CommandLine } from "./Plan.js"

/**
 * All of standard input, one trailing newline (LF or CRLF) stripped; on a terminal, asked for
 * with the typing unseen (read as is, it would be echoed). Never echoed: a problem names
 * `password`, not the value.
 */
export const password = (line: CommandLine): Effect.Effect<string, ValidationFailed> =>
  Effect.tryPromise({
    try: () => (line.terminal?.interactive === true ? line.terminal.secret("Password: ") : line.readStdin()),
    catch: () => ValidationFailed.single("password", "could not read the password from stdin")
  }).pipe(
    Effect.map((text) => text.replace(/\r?\n$/, "")),
    // One line, as typed or piped: a second line is a mistake (a file with a comment, two passwords),
    // and a password holding a line break could never be typed at a sign-in form.
    Effect.filterOrFail(
      (text) => !/[\r\n]/.test(text),
      () => ValidationFailed.single("password", "must be a single line on stdin")
    )
  )
