/**
 * The `roster` command tree, made from the bindings (`Commands`): commander parses, and the one
 * chosen command's plan comes from the runner.
 */
import { Command, Option } from "commander"
import * as Backend from "./Backend.js"
import type { Binding } from "./Binding.js"
import * as Commands from "./Commands.js"
import type { Storage } from "./Io.js"
import { type Plan, commandLine } from "./Plan.js"
import * as Runner from "./Runner.js"

/** A command the user asked for, parsed but not yet run. */
export interface Invocation {
  readonly plan: Plan<Backend.UseCases>
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

  const publicUrl = io.publicUrl ?? defaultPublicUrl
  const define = (command: Command, binding: Binding) => {
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
      const json = options.json === true
      invoke({
        plan: Runner.plan(
          binding,
          commandLine(self.processedArgs as Array<string>, options, io.readStdin),
          { json, publicUrl },
          Backend.local
        ),
        json,
        storage: {
          ...(dataDir === undefined ? {} : { dataDir }),
          ...(databaseUrl === undefined ? {} : { databaseUrl })
        }
      })
    })
  }

  for (const noun of Commands.nouns) {
    const parent = program.command(noun.name).description(noun.description)
    for (const binding of Commands.bindings.filter((bound) => bound.noun === noun.name)) {
      define(leaf(parent, binding), binding)
    }
    addGlobalOptions(parent)
  }
  return program
}

/** A binding's command: its arguments, then its options as its flags declare them. */
const leaf = (parent: Command, binding: Binding): Command => {
  const command = parent.command(binding.verb).description(binding.description)
  for (const argument of binding.arguments) command.argument(`<${argument.field}>`, argument.description)
  for (const flag of binding.flags) {
    for (const declared of flag.options) {
      const option = new Option(declared.flags, declared.description)
      if (declared.required === true) option.makeOptionMandatory()
      if (declared.repeatable === true) option.argParser(collect)
      if (declared.conflicts !== undefined) option.conflicts(declared.conflicts)
      command.addOption(option)
    }
  }
  return command
}

/** A repeatable option: `--status ACTIVE --status INACTIVE` → ["ACTIVE", "INACTIVE"]. */
const collect = (value: string, previous: ReadonlyArray<string> | undefined): ReadonlyArray<string> => [
  ...(previous ?? []),
  value
]

/** Where links point when neither `--public-url` nor the app (`Io.publicUrl`) says: the server's default address. */
const defaultPublicUrl = "http://localhost:3000"
