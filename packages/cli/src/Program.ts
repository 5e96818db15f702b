/** The `roster` command tree: commander parses, each leaf turns its command line into a plan. */
import { Command, Option } from "commander"
import type { Storage } from "./Io.js"
import * as Accounts from "./commands/Accounts.js"
import * as Admins from "./commands/Admins.js"
import * as Events from "./commands/Events.js"
import * as Orgs from "./commands/Orgs.js"
import * as Roles from "./commands/Roles.js"
import * as Tokens from "./commands/Tokens.js"
import * as UserCredentials from "./commands/UserCredentials.js"
import * as Users from "./commands/Users.js"
import { type Define, type Plan, commandLine } from "./Plan.js"

/** A command the user asked for, parsed but not yet run. */
export interface Invocation {
  readonly plan: Plan
  readonly json: boolean
  readonly storage: Storage
}

const examples = `
Examples:
  roster orgs create --name Acme
  roster tokens create --org acme --name hr-sync --permission can_manage_users --expires-in 90d
  roster users add --org acme --email ada@example.com --first-name Ada --role Admin
  roster users list --org acme --status ACTIVE --status INACTIVE --json
  roster users terminate --org acme 0b6c1f9e-2f4d-4c31-9a55-2f1f6c8e3b7a

Storage: an embedded database in --data-dir (or ROSTER_DATA_DIR, default .roster/data),
or a PostgreSQL server at --database-url (or DATABASE_URL).
Errors print one line, "error CODE: message", on stderr. Exit status: 0 success, 1 unexpected,
2 usage or invalid input, 3 not found, 4 conflict with the current state, 5 forbidden.`

interface GlobalOptions {
  readonly json?: boolean
  readonly dataDir?: string
  readonly databaseUrl?: string
}

/** `--json`, `--data-dir`, `--database-url`: accepted before the noun and after the verb. */
const addGlobalOptions = (command: Command): Command =>
  command
    .addOption(new Option("--json", "print machine-readable JSON on stdout").helpGroup("Global options:"))
    .addOption(
      new Option(
        "--data-dir <dir>",
        "embedded database directory (default: $ROSTER_DATA_DIR or .roster/data)"
      ).helpGroup("Global options:")
    )
    .addOption(
      new Option("--database-url <url>", "PostgreSQL server to use instead (default: $DATABASE_URL)").helpGroup(
        "Global options:"
      )
    )

/**
 * Builds the tree. Commander never exits the process: errors are thrown as `CommanderError`, help
 * goes to `stdout`, and the one chosen leaf reports itself through `invoke`.
 */
export const make = (
  io: {
    readonly stdout: (text: string) => void
    readonly version?: string
    readonly readStdin?: () => Promise<string>
    readonly publicUrl?: string
  },
  invoke: (invocation: Invocation) => void
): Command => {
  const program = new Command("roster")
    .description("Roster: organization user management for operators")
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      // Only help is written here (asked for, or shown for a noun without a verb); errors go through `run`.
      writeErr: io.stdout,
      outputError: () => {}
    })
    // Each level parses its own options, so a leaf's options never reach its parent.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .addHelpText("after", examples)
  if (io.version !== undefined) program.version(io.version, "-V, --version", "print the version")
  addGlobalOptions(program)

  const define: Define = (command, handler) => {
    addGlobalOptions(command)
    return command.action((...params: Array<unknown>) => {
      const self = params[params.length - 1] as Command
      const options = self.optsWithGlobals<GlobalOptions & Record<string, unknown>>()
      const { dataDir, databaseUrl } = options
      if (dataDir !== undefined && databaseUrl !== undefined) {
        self.error("--data-dir and --database-url cannot be used together", {
          exitCode: 2,
          code: "roster.storageConflict"
        })
      }
      for (const [flag, value] of [
        ["--data-dir", dataDir],
        ["--database-url", databaseUrl]
      ] as const) {
        if (value !== undefined && value.trim() === "")
          self.error(`option '${flag}' must not be empty`, { exitCode: 2, code: "roster.emptyOption" })
      }
      invoke({
        plan: handler(commandLine(self.processedArgs as Array<string>, options, io.readStdin)),
        json: options.json === true,
        storage: {
          ...(dataDir === undefined ? {} : { dataDir }),
          ...(databaseUrl === undefined ? {} : { databaseUrl })
        }
      })
    })
  }

  for (const register of [
    Orgs.register,
    Roles.register,
    Tokens.register,
    Users.register,
    UserCredentials.register,
    Events.register,
    Admins.register,
    Accounts.register
  ]) {
    register(program, define, { publicUrl: io.publicUrl ?? UserCredentials.defaultPublicUrl })
  }
  for (const noun of program.commands) addGlobalOptions(noun)
  return program
}
