/**
 * A failure of the command line itself rather than of an operation: a profile that does not exist,
 * a command that cannot go through the API, a server that cannot be reached, an answer the server
 * gave with a code of its own. It carries its code and exit status, as `Failure` prints them.
 */
import * as Schema from "effect/Schema"
import * as ExitCode from "./ExitCode.js"

export class CliError extends Schema.TaggedError<CliError>()("CliError", {
  code: Schema.String,
  reason: Schema.String,
  exitCode: Schema.Int
}) {
  override get message() {
    return this.reason
  }
}

/** The command line asks for something that cannot be done this way: exit 2. */
export const usage = (reason: string): CliError => new CliError({ code: "USAGE", reason, exitCode: ExitCode.usage })
