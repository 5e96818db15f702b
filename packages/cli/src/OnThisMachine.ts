/**
 * What the commands that work on this machine's database itself (`roster dev seed`, `roster db
 * counters`) share: they open it directly, never through a server, so a data directory a running
 * server holds is refused (PGlite opens a directory once), naming what to do instead.
 */
import * as Effect from "effect/Effect"
import * as Path from "node:path"
import { CliError } from "./CliError.js"
import type { Database, Environment } from "./Connection.js"
import * as ExitCode from "./ExitCode.js"
import type { Storage } from "./Io.js"

/** Succeeds unless `storage` names an embedded data directory a running process holds; `advice` says what to do then. */
export const requireFree = (storage: Storage, environment: Environment, advice: string): Effect.Effect<void, unknown> =>
  Effect.gen(function* () {
    const database: Database = yield* Effect.try({
      try: () => environment.database(storage),
      catch: (error) => error
    })
    if (database._tag !== "Embedded") return
    const dataDir = Path.resolve(database.dataDir)
    const server = environment.server(dataDir)
    if (server === undefined) return
    return yield* Effect.fail(
      new CliError({
        code: "DATA_DIRECTORY_LOCKED",
        reason: `The data directory ${dataDir} is in use by ${
          server.url === undefined ? "another Roster process" : `the Roster server at ${server.url}`
        } (pid ${server.pid}): ${advice}`,
        exitCode: ExitCode.unexpected
      })
    )
  })
