/**
 * The `roster` executable: reads the configuration and hands the command to `@roster/cli`, with
 * what it needs of the world — where the database is and who holds it, the API settings and
 * profiles, the terminal. Storage is composed in `Database.ts`, loaded only when a command runs on
 * the database, so that a command that goes through a server loads no database driver at all.
 */
import { run } from "@roster/cli"
import { Configuration, DataDirLock, Location } from "@roster/store/startup"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import packageJson from "../package.json" with { type: "json" }
import * as Progress from "./Progress.js"
import * as Terminal from "./Terminal.js"

// Read once, at start. A bad variable is reported when a command is about to run (error
// VALIDATION_FAILED, exit 2), so that --help and usage errors still answer.
const configuration = Configuration.read(Configuration.cli)
const config = () => Either.getOrThrowWith(configuration, identity)

/** The storage the command line's flags and the environment name; a typed flag wins. */
const storageOf = (flags: { readonly dataDir?: string; readonly databaseUrl?: string }) =>
  Either.getOrThrowWith(Configuration.storage(config().storage, flags, Location.nearestDataDir()), identity)

const exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  makeRuntime: async (flags) => {
    const storage = storageOf(flags)
    const Database = await import("./Database.js")
    return Database.runtime(storage)
  },
  embedded: async () => (await import("./Backups.js")).files,
  seed: (flags, request) =>
    Effect.try({ try: () => storageOf(flags), catch: (error) => error }).pipe(
      Effect.flatMap((storage) =>
        Effect.flatMap(
          Effect.promise(() => import("./OnThisMachine.js")),
          (local) => local.seed(storage.database, request)
        )
      )
    ),
  counters: (flags, request) =>
    Effect.try({ try: () => storageOf(flags), catch: (error) => error }).pipe(
      Effect.flatMap((storage) =>
        Effect.flatMap(
          Effect.promise(() => import("./OnThisMachine.js")),
          (local) => local.counters(storage.database, request)
        )
      )
    ),
  progress: () => Progress.onTerminal(),
  environment: () => {
    const { remote } = config()
    return {
      url: Option.getOrUndefined(remote.url),
      token: Option.getOrUndefined(Option.map(remote.token, Redacted.value)),
      profile: Option.getOrUndefined(remote.profile),
      configDir: remote.configDir,
      database: (flags) => {
        const { database } = storageOf(flags)
        switch (database._tag) {
          case "Embedded":
            return database.dataDir.startsWith(Location.memoryDataDir)
              ? { _tag: "Memory" }
              : { _tag: "Embedded", dataDir: database.dataDir, named: database.source !== undefined }
          case "Server":
            return { _tag: "Server" }
          case "Memory":
            return { _tag: "Memory" }
        }
      },
      server: DataDirLock.server
    }
  },
  terminal: Terminal.make(),
  color:
    process.stdout.isTTY === true && Either.match(configuration, { onLeft: () => false, onRight: (c) => !c.noColor }),
  ...Either.match(configuration, { onLeft: () => ({}), onRight: ({ publicUrl }) => ({ publicUrl }) }),
  version: packageJson.version
})
process.exitCode = exitCode
