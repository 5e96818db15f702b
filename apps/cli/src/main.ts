/**
 * The `roster` executable: reads the configuration, builds the storage layer the command line asks
 * for and hands the command to `@roster/cli`. Every layer is composed here, once.
 */
import { run } from "@roster/cli"
import * as Crypto from "@roster/crypto"
import { Services } from "@roster/domain"
import { Configuration, Store } from "@roster/store"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import packageJson from "../package.json" with { type: "json" }

// Read once, at start. A bad variable is reported when a command is about to run (error
// VALIDATION_FAILED, exit 2), so that --help and usage errors still answer.
const configuration = Configuration.read(Configuration.cli)

const exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  makeRuntime: (flags) => {
    // A typed --data-dir or --database-url wins over the environment; `run` reports what is thrown.
    const storage = Either.getOrThrowWith(
      Either.flatMap(configuration, (config) => Configuration.storage(config.storage, flags, Store.nearestDataDir())),
      identity
    )
    return ManagedRuntime.make(
      Services.fullLayer.pipe(
        Layer.provide(Store.layer(storage.database)),
        Layer.provide(Crypto.layer(storage.secretKey)),
        // The CLI speaks through its output; library log lines would only get in the way of it.
        Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
      )
    )
  },
  color:
    process.stdout.isTTY === true && Either.match(configuration, { onLeft: () => false, onRight: (c) => !c.noColor }),
  ...Either.match(configuration, { onLeft: () => ({}), onRight: ({ publicUrl }) => ({ publicUrl }) }),
  version: packageJson.version
})
process.exitCode = exitCode
