import type * as ManagedRuntime from "effect/ManagedRuntime"
import type { Services } from "@roster/domain"
import type { Files } from "./Backups.js"
import type { Environment } from "./Connection.js"
import type { Counters } from "./CounterCheck.js"
import type { Progress, Seed } from "./Seeding.js"

/** Where the data lives, as the command line says; the app fills in the environment and defaults. */
export interface Storage {
  readonly dataDir?: string
  readonly databaseUrl?: string
}

/** Everything `run` needs from the world. Tests pass in-memory versions of each. */
export interface Io {
  /** Receives whole chunks of text, each ending with a newline (as `process.stdout.write`). */
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /**
   * Opens storage and provides every use case. Called at most once per `run`, and only when a
   * command is about to run: help, usage errors and invalid input never open a database.
   */
  readonly makeRuntime: (
    storage: Storage
  ) =>
    | ManagedRuntime.ManagedRuntime<Services.UseCases | Services.IdentityUseCases, unknown>
    | Promise<ManagedRuntime.ManagedRuntime<Services.UseCases | Services.IdentityUseCases, unknown>>
  /**
   * The world beyond storage: `ROSTER_URL`, `ROSTER_TOKEN`, `ROSTER_PROFILE`, where profiles are
   * kept and which server holds a data directory (`Connection`). Called when a command is about to
   * run; what it throws (a wrong variable) is reported as `makeRuntime`'s would be. Default: none of
   * them, so every command opens storage.
   */
  readonly environment?: () => Environment
  /**
   * The embedded database's files on this machine, for `roster db backup` and `restore` when no
   * server holds them. Loaded only for those commands. Default: none, and they say so.
   */
  readonly embedded?: () => Promise<Files>
  /** The store's counter check and repair, for `roster db counters`. Default: none, and it says so. */
  readonly counters?: Counters
  /** The store's bulk seeding, for `roster dev seed`. Default: none, and it says so. */
  readonly seed?: Seed
  /** A progress bar on stderr when it is a terminal (undefined otherwise). Default: none. */
  readonly progress?: () => Progress | undefined
  /** The terminal, when one is there: prompts (secrets unseen) and its width. */
  readonly terminal?: Terminal
  /** Colours in tables. Default false; pass true only when stdout is a terminal that wants them. */
  readonly color?: boolean
  /** Reads all of standard input (for `--password-stdin`). Default: `process.stdin`. */
  readonly readStdin?: () => Promise<string>
  /** Shown by `roster --version` when given. */
  readonly version?: string
  /**
   * Where handed-out links point unless `--public-url` says otherwise: the app passes what its
   * configuration reads (`ROSTER_PUBLIC_URL`, else the server's address). Default `http://localhost:3000`.
   */
  readonly publicUrl?: string
}

/** A terminal a person reads and types on. */
export interface Terminal {
  /** Whether standard input is a terminal, so that a person can be asked. */
  readonly interactive: boolean
  /** Its width in columns, when standard output is one. */
  readonly columns?: number | undefined
  /** Asks on stderr and reads a line, the typing unseen. */
  readonly secret: (question: string) => Promise<string>
  /** Asks on stderr and reads a line. */
  readonly line: (question: string) => Promise<string>
}

/** All of `process.stdin`, as text. */
export const readProcessStdin = async (): Promise<string> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString("utf8")
}
