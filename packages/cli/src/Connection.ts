/**
 * How a command reaches Roster, decided before anything is opened — the first that applies:
 * 1. `--data-dir` or `--database-url` typed: that database;
 * 2. `--profile NAME`: the server and credential `roster login` saved under that name;
 * 3. `ROSTER_URL` (with `ROSTER_TOKEN`): that server;
 * 4. `ROSTER_PROFILE`: that profile;
 * 5. `DATABASE_URL` or `ROSTER_DATA_DIR` in the environment: that database;
 * 6. the profile saved as `default`, when there is one;
 * 7. the nearest `.roster/data`.
 * An embedded data directory that a running server holds is reached through that server (its lock
 * says where it answers): with `ROSTER_TOKEN` when it is set, else through its operator channel
 * with the key it keeps beside the lock — the operator, as on the database itself.
 */
import * as Effect from "effect/Effect"
import { CliError, usage } from "./CliError.js"
import * as ExitCode from "./ExitCode.js"
import type { Storage } from "./Io.js"
import * as Profiles from "./Profiles.js"

/** Which database the storage flags and the environment name, without opening it. */
export type Database =
  | {
      readonly _tag: "Embedded"
      readonly dataDir: string
      /** Named by a flag or a variable, rather than found (the nearest `.roster/data`). */
      readonly named: boolean
    }
  | { readonly _tag: "Server" }
  | { readonly _tag: "Memory" }

/** A live process holding an embedded data directory, as its lock says. */
export interface RunningServer {
  readonly pid: number
  /** Where it answers; absent while it starts, and for a holder that does not listen. */
  readonly url?: string | undefined
  /** Its operator key, when this user may read it. */
  readonly operatorKey?: string | undefined
}

/** What the app tells the command line about its world, read once at start. */
export interface Environment {
  /** `ROSTER_URL`. */
  readonly url?: string | undefined
  /** `ROSTER_TOKEN`. */
  readonly token?: string | undefined
  /** `ROSTER_PROFILE`. */
  readonly profile?: string | undefined
  /** Where profiles are kept (`Profiles`); none: no profiles at all. */
  readonly configDir?: string | undefined
  /** Which database `storage` and the environment name; throws what is wrong with the configuration. */
  readonly database: (storage: Storage) => Database
  /** The live process holding an embedded data directory, if any. */
  readonly server: (dataDir: string) => RunningServer | undefined
  /** The `fetch` to reach servers with; the global one by default. */
  readonly fetch?: typeof globalThis.fetch | undefined
}

export type Connection =
  | { readonly _tag: "Database"; readonly storage: Storage }
  | {
      readonly _tag: "Api"
      readonly url: string
      readonly token: string
      /** What chose it, for messages: `profile "prod"`, `ROSTER_URL`. */
      readonly source: string
    }
  | { readonly _tag: "Operator"; readonly url: string; readonly key: string }

/** The world of a command line told nothing of it: no server, no profiles; the database named. */
export const databaseOnly: Environment = {
  database: (storage) => ({ _tag: "Embedded", dataDir: storage.dataDir ?? "", named: true }),
  server: () => undefined
}

/** How `storage` (the command line's flags) and `profile` (`--profile`) reach Roster in `environment`. */
export const decide = (
  request: { readonly storage: Storage; readonly profile?: string | undefined },
  environment: Environment
): Effect.Effect<Connection, CliError | unknown> =>
  Effect.gen(function* () {
    const { storage, profile } = request
    const typed = storage.dataDir !== undefined || storage.databaseUrl !== undefined
    if (typed && profile !== undefined) {
      return yield* usage("--profile cannot be used with --data-dir or --database-url: one says where to go")
    }
    const database = () => Effect.try({ try: () => environment.database(storage), catch: (error) => error })
    if (typed) return yield* viaDatabase(storage, yield* database(), environment)
    if (profile !== undefined) return yield* viaProfile(profile, "--profile", environment)
    if (environment.url !== undefined) {
      if (environment.token === undefined) {
        return yield* new CliError({
          code: "VALIDATION_FAILED",
          reason: "ROSTER_TOKEN: must be set with ROSTER_URL: an organization token (tot_…) or a session (ses_…)",
          exitCode: ExitCode.usage
        })
      }
      return { _tag: "Api", url: environment.url, token: environment.token, source: "ROSTER_URL" } as const
    }
    if (environment.profile !== undefined) return yield* viaProfile(environment.profile, "ROSTER_PROFILE", environment)
    const named = yield* database()
    if (named._tag !== "Embedded" || named.named) return yield* viaDatabase(storage, named, environment)
    if (environment.configDir !== undefined) {
      const saved = (yield* Profiles.read(environment.configDir)).profiles[Profiles.defaultName]
      if (saved !== undefined) return api(saved, `profile "${Profiles.defaultName}"`)
    }
    return yield* viaDatabase(storage, named, environment)
  })

const api = (profile: Profiles.Profile, source: string): Connection => ({
  _tag: "Api",
  url: profile.url,
  token: profile.token,
  source
})

const viaProfile = (name: string, source: string, environment: Environment) =>
  Effect.gen(function* () {
    if (!Profiles.isName(name)) {
      return yield* new CliError({
        code: "VALIDATION_FAILED",
        reason: `${source}: ${Profiles.nameProblem}`,
        exitCode: ExitCode.usage
      })
    }
    if (environment.configDir === undefined) return yield* usage(`no profiles here to find "${name}" in`)
    const file = yield* Profiles.read(environment.configDir)
    return api(yield* Profiles.find(file, name, environment.configDir), `profile "${name}"`)
  })

/** The database, or the server that holds it. */
const viaDatabase = (
  storage: Storage,
  database: Database,
  environment: Environment
): Effect.Effect<Connection, CliError> => {
  const server = database._tag === "Embedded" ? environment.server(database.dataDir) : undefined
  // No server, or one not listening yet: the database (which a holder still refuses, saying whose it is).
  if (server?.url === undefined || database._tag !== "Embedded") {
    return Effect.succeed({ _tag: "Database", storage })
  }
  if (environment.token !== undefined) {
    return Effect.succeed({ _tag: "Api", url: server.url, token: environment.token, source: "ROSTER_TOKEN" })
  }
  if (server.operatorKey !== undefined) {
    return Effect.succeed({ _tag: "Operator", url: server.url, key: server.operatorKey })
  }
  return Effect.fail(
    new CliError({
      code: "DATA_DIRECTORY_LOCKED",
      reason: `The data directory ${database.dataDir} is in use by the Roster server at ${server.url} (pid ${server.pid}), whose operator key this user cannot read. Run roster as the user who runs the server, or go through its API with a token: roster login --url ${server.url} --token <tot_…> (or set ROSTER_TOKEN)`,
      exitCode: ExitCode.unexpected
    })
  )
}
