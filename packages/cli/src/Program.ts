/**
 * The `roster` command tree, made from the bindings (`Commands`): commander parses, and the one
 * chosen command's plan comes from the runner.
 */
import { Argument, Command, InvalidArgumentError, Option } from "commander"
import type { Binding } from "./Binding.js"
import * as Commands from "./Commands.js"
import * as Completion from "./Completion.js"
import * as Format from "./Format.js"
import type { Storage, Terminal } from "./Io.js"
import type * as Login from "./Login.js"
import { type CommandLine, commandLine } from "./Plan.js"

/** A command the user asked for, parsed but not yet run. */
export type Invocation =
  | {
      readonly _tag: "Operation"
      readonly binding: Binding
      readonly line: CommandLine
      readonly format: Format.Format
      /** `--wide`: tables as wide as their cells, whatever the terminal. */
      readonly wide: boolean
      readonly storage: Storage
      /** `--profile`. */
      readonly profile: string | undefined
    }
  | {
      readonly _tag: "Login"
      readonly options: Login.LoginOptions
      readonly line: CommandLine
      readonly format: Format.Format
    }
  | { readonly _tag: "Logout"; readonly profile: string | undefined; readonly format: Format.Format }
  /** `roster db backup|restore FILE`. */
  | {
      readonly _tag: "Database"
      readonly command: "backup" | "restore"
      readonly file: string
      readonly line: CommandLine
      readonly format: Format.Format
      readonly storage: Storage
    }
  /** `roster db counters [--repair]`. */
  | {
      readonly _tag: "Counters"
      readonly repair: boolean
      readonly organization: string | undefined
      readonly format: Format.Format
      readonly storage: Storage
    }
  /** `roster dev seed --members N`. */
  | {
      readonly _tag: "Seed"
      readonly members: number
      readonly organization: string | undefined
      readonly format: Format.Format
      readonly storage: Storage
    }
  /** Something to print as it is (`roster completion`). */
  | { readonly _tag: "Print"; readonly text: string }

const examples = `
Examples:
  roster orgs create --name Acme
  roster tokens create --org acme --name hr-sync --permission can_manage_users --expires-in 90d
  roster users add --org acme --email ada@example.com --first-name Ada --role Admin
  roster users list --org acme --status ACTIVE --status INACTIVE --page 2 --json
  roster users terminate --org acme ada@example.com
  roster login --url https://roster.example.com --token tot_…
  roster db backup backups/roster.tar.gz

Where: an embedded database in --data-dir (or ROSTER_DATA_DIR, default .roster/data), a
PostgreSQL server at --database-url (or DATABASE_URL), or a Roster server through its API:
roster login --url <url> saves a profile (--profile, ROSTER_PROFILE), or set ROSTER_URL and
ROSTER_TOKEN. A data directory a running server holds is reached through that server.
A <user> is an email or an id, a <token> a name or an id; pages count from 1 (the API's page
that --json prints counts from 0). forget, remove, tokens revoke, accounts delete and db restore
ask first; off a terminal they need --yes.
Errors print one line, "error CODE: message", on stderr. Exit status: 0 success, 1 unexpected,
2 usage or invalid input, 3 not found, 4 conflict with the current state, 5 forbidden.`

interface GlobalOptions {
  readonly json?: boolean
  readonly output?: Format.Format
  readonly wide?: boolean
  readonly dataDir?: string
  readonly databaseUrl?: string
  readonly profile?: string
}

/** `--json`, `--output`: the answer's format. */
const outputOptions = (command: Command): Command =>
  command
    .addOption(new Option("--json", "print the API's JSON on stdout (--output json)").helpGroup("Global options:"))
    .addOption(
      new Option("--output <format>", "table (the default), json, csv or yaml")
        .choices(Format.formats)
        .helpGroup("Global options:")
    )

/** The format asked for: `--json` is `--output json`, and cannot say otherwise. */
const formatOf = (self: Command, options: GlobalOptions): Format.Format => {
  if (options.json === true && options.output !== undefined && options.output !== "json") {
    self.error(`--json and --output ${options.output} cannot be used together`, {
      exitCode: 2,
      code: "roster.formatConflict"
    })
  }
  return options.json === true ? "json" : (options.output ?? "table")
}

/** `--data-dir`, `--database-url`: which database. */
const storageOptions = (command: Command): Command =>
  command
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

/** `--json`, `--output`, `--wide`, `--data-dir`, `--database-url`, `--profile`: before the noun and after the verb. */
const addGlobalOptions = (command: Command): Command =>
  storageOptions(
    outputOptions(command).addOption(
      new Option("--wide", "tables as wide as their contents (default: they fit the terminal, cut with …)").helpGroup(
        "Global options:"
      )
    )
  ).addOption(
    new Option(
      "--profile <name>",
      "go through the API with a profile roster login saved (default: $ROSTER_PROFILE, else default)"
    ).helpGroup("Global options:")
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
    readonly terminal?: Terminal
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

  const define = (command: Command, binding: Binding) => {
    addGlobalOptions(command)
    return command.action((...params: Array<unknown>) => {
      const self = params[params.length - 1] as Command
      const options = self.optsWithGlobals<GlobalOptions & Record<string, unknown>>()
      const storage = storageOf(self, options)
      if (options.profile !== undefined && options.profile.trim() === "")
        self.error("option '--profile' must not be empty", { exitCode: 2, code: "roster.emptyOption" })
      invoke({
        _tag: "Operation",
        binding,
        line: commandLine(self.processedArgs as Array<string>, options, io.readStdin, io.terminal),
        format: formatOf(self, options),
        wide: options.wide === true,
        storage,
        profile: options.profile
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
  defineLogin(program, io, invoke)
  defineDatabase(program, io, invoke)
  defineDev(program, invoke)
  program
    .command("completion")
    .description("Print a script that completes roster's commands and options in your shell")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(Completion.shells))
    .addHelpText(
      "after",
      "\n  bash:  source <(roster completion bash)   (in ~/.bashrc)\n  zsh:   source <(roster completion zsh)    (in ~/.zshrc)\n  fish:  roster completion fish > ~/.config/fish/completions/roster.fish"
    )
    .action((shell: Completion.Shell) => invoke({ _tag: "Print", text: Completion.script(shell, program) }))
  return program
}

/** The database `--data-dir` or `--database-url` names; both, or either empty, is a usage error. */
const storageOf = (self: Command, options: GlobalOptions): Storage => {
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
  return {
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(databaseUrl === undefined ? {} : { databaseUrl })
  }
}

/**
 * The checks of a command that works on this machine's database itself (`db counters`, `dev seed`):
 * no `--profile` (no server is asked), and an `--organization`, when given, that is not blank.
 */
const onThisMachine = (
  self: Command,
  given: GlobalOptions & Record<string, unknown>,
  command: string
): string | undefined => {
  if (given.profile !== undefined) {
    self.error(`option '--profile' does not apply: roster ${command} works on this machine's database`, {
      exitCode: 2,
      code: "roster.profileNotApplicable"
    })
  }
  const organization = given.organization as string | undefined
  if (organization !== undefined && organization.trim() === "") {
    self.error("option '--organization' must not be empty", { exitCode: 2, code: "roster.emptyOption" })
  }
  return organization
}

/** `roster db backup` and `roster db restore`: the embedded database's files, not operations. */
const defineDatabase = (
  program: Command,
  io: { readonly readStdin?: () => Promise<string>; readonly terminal?: Terminal },
  invoke: (invocation: Invocation) => void
) => {
  const db = program.command("db").description("Back up and restore the embedded database; check the member counters")
  const options = (command: Command) => storageOptions(outputOptions(command))
  const action =
    (command: "backup" | "restore") =>
    (...params: Array<unknown>) => {
      const self = params[params.length - 1] as Command
      const given = self.optsWithGlobals<GlobalOptions & Record<string, unknown>>()
      if (given.profile !== undefined) {
        self.error(`option '--profile' does not apply: roster db ${command} works on this machine's database`, {
          exitCode: 2,
          code: "roster.profileNotApplicable"
        })
      }
      invoke({
        _tag: "Database",
        command,
        file: self.processedArgs[0] as string,
        line: commandLine(self.processedArgs as Array<string>, given, io.readStdin, io.terminal),
        format: formatOf(self, given),
        storage: storageOf(self, given)
      })
    }
  options(
    db
      .command("backup")
      .description(
        "Write a backup of the embedded database to <file> (mode 0600), through the server that holds it when one runs"
      )
      .argument("<file>", "the backup to write: a gzipped tarball of the data directory, e.g. roster.tar.gz")
      .option("--force", "replace <file> if it exists")
      .addHelpText(
        "after",
        '\nA PostgreSQL server (--database-url, DATABASE_URL) is backed up with pg_dump: see "Backups" in the README.'
      )
  ).action(action("backup"))
  options(
    db
      .command("restore")
      .description("Replace the embedded database with the backup in <file> (stop the server first)")
      .argument("<file>", "a backup roster db backup wrote")
      .option("--yes", "go ahead without asking (required when not on a terminal)")
      .option("--keep-previous", "keep the database it replaces, in <data-dir>.before-restore-<time>")
      .addHelpText(
        "after",
        "\nThe backup is checked and opened aside first: a file that is not a backup changes nothing. The\nrestored database keeps the data of its time; TOTP secrets need the same secret key (ROSTER_KEY_FILE\nor ROSTER_SECRET_KEY) as when it was taken."
      )
  ).action(action("restore"))
  options(
    db
      .command("counters")
      .description(
        "Check the member counters that answer every list's totals against the memberships; --repair rebuilds them"
      )
      .option("--repair", "rebuild the counters that disagree (writes wait meanwhile; reads go on)")
      .option("--organization <name>", "only this organization's counters, by name or id (default: every one)")
      .addHelpText(
        "after",
        "\nTriggers keep the counters exact; drift means something wrote around them. A check that finds\ndrift fails (exit 4). Works on the database itself: stop a server that holds the data directory."
      )
  ).action((...params: Array<unknown>) => {
    const self = params[params.length - 1] as Command
    const given = self.optsWithGlobals<GlobalOptions & Record<string, unknown>>()
    const organization = onThisMachine(self, given, "db counters")
    invoke({
      _tag: "Counters",
      repair: given.repair === true,
      organization,
      format: formatOf(self, given),
      storage: storageOf(self, given)
    })
  })
  options(db)
}

/** The most members one `roster dev seed` adds (`Seed.maxMembers` in the store). */
const maxSeedMembers = 10_000_000

/** `--members`: a whole number from 1 to `maxSeedMembers`, written in digits. */
const memberCount = (value: string): number => {
  const count = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN
  if (!Number.isSafeInteger(count) || count < 1 || count > maxSeedMembers) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${maxSeedMembers}`)
  }
  return count
}

/** `roster dev seed`: synthetic members in bulk on the database itself, for development and benchmarks. */
const defineDev = (program: Command, invoke: (invocation: Invocation) => void) => {
  const dev = program.command("dev").description("Development tools: synthetic data")
  storageOptions(
    outputOptions(
      dev
        .command("seed")
        .description(
          "Add N synthetic members (every status, both roles, their events) to an organization, created when it does not exist, and print a token with every permission"
        )
        .requiredOption("--members <n>", "how many members to add, 1 to 10000000", memberCount)
        .option("--organization <name>", "the organization to fill, by name or id (default: Seed)")
        .addHelpText(
          "after",
          "\nWrites to the database directly, in bulk, one transaction per 20,000 members; a data directory a\nrunning server holds is refused: stop the server first. With --json it prints { organizationId, token }."
        )
    )
  ).action((...params: Array<unknown>) => {
    const self = params[params.length - 1] as Command
    const given = self.optsWithGlobals<GlobalOptions & Record<string, unknown>>()
    const organization = onThisMachine(self, given, "dev seed")
    invoke({
      _tag: "Seed",
      members: given.members as number,
      organization,
      format: formatOf(self, given),
      storage: storageOf(self, given)
    })
  })
  storageOptions(outputOptions(dev))
}

/** `roster login` and `roster logout`: profiles, not operations. */
const defineLogin = (
  program: Command,
  io: { readonly readStdin?: () => Promise<string>; readonly terminal?: Terminal },
  invoke: (invocation: Invocation) => void
) => {
  const global = (command: Command) =>
    outputOptions(command).addOption(
      new Option("--profile <name>", "the profile's name (default: $ROSTER_PROFILE, else default)").helpGroup(
        "Global options:"
      )
    )
  global(
    program
      .command("login")
      .description(
        "Save a profile: a Roster server and a credential for it (a token, or a sign-in), checked with the server first"
      )
      .requiredOption("--url <url>", "where the server answers, e.g. https://roster.example.com")
      .addOption(
        new Option("--token <token>", "an organization token (tot_…), as tokens create prints it").conflicts("email")
      )
      .option("--email <email>", "sign in with this account's email and its password (asked for, unseen)")
      .option("--password-stdin", "with --email, when not on a terminal: read the password from standard input")
      .option("--code <code>", "with --email: the code of the account's second factor (asked for on a terminal)")
      .addHelpText(
        "after",
        "\nThe profile is kept in $XDG_CONFIG_HOME/roster/config.json (default ~/.config/roster), mode 0600;\nwithout --profile it is the profile named default, which commands use when nothing else says where to go."
      )
  ).action((...params: Array<unknown>) => {
    const self = params[params.length - 1] as Command
    const options = self.optsWithGlobals<Record<string, unknown>>()
    const text = (name: string) => (typeof options[name] === "string" ? (options[name] as string) : undefined)
    invoke({
      _tag: "Login",
      options: {
        url: text("url")!,
        token: text("token"),
        email: text("email"),
        code: text("code"),
        profile: text("profile")
      },
      line: commandLine([], options, io.readStdin, io.terminal),
      format: formatOf(self, options)
    })
  })
  global(
    program
      .command("logout")
      .description("Remove a profile (a session's ends on the server too; a token stays valid until revoked)")
  ).action((...params: Array<unknown>) => {
    const self = params[params.length - 1] as Command
    const options = self.optsWithGlobals<Record<string, unknown>>()
    invoke({
      _tag: "Logout",
      profile: typeof options.profile === "string" ? options.profile : undefined,
      format: formatOf(self, options)
    })
  })
}

/** A binding's command: its arguments, then its options as its flags declare them. */
const leaf = (parent: Command, binding: Binding): Command => {
  const command = parent.command(binding.verb).description(binding.description)
  for (const argument of binding.arguments) command.argument(`<${argument.field}>`, argument.description)
  for (const flag of binding.flags) {
    for (const declared of flag.options) {
      const option = new Option(declared.flags, declared.description)
      // `--org` may be implied (a token acts in its own organization): the runner asks for it.
      if (declared.required === true && flag._tag !== "Org") option.makeOptionMandatory()
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
