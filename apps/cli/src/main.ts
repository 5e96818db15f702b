/**
 * The `roster` executable: builds the storage layer the command line asks for and hands the
 * command to `@roster/cli`. Every layer is composed here, once.
 */
import { run } from "@roster/cli"
import * as Crypto from "@roster/crypto"
import { Services } from "@roster/domain"
import { Store, StoreConfigError } from "@roster/store"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import packageJson from "../package.json" with { type: "json" }

const exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  makeRuntime: (storage) => {
    const options = Store.optionsFrom(storage, process.env, Store.nearestDataDir())
    if (!(options instanceof StoreConfigError)) process.env.ROSTER_KEY_FILE ??= Store.defaultKeyFile(options)
    return ManagedRuntime.make(
      Services.fullLayer.pipe(
        Layer.provide(options instanceof StoreConfigError ? Layer.fail(options) : Store.layer(options)),
        Layer.provide(Crypto.layer),
        // The CLI speaks through its output; library log lines would only get in the way of it.
        Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
      )
    )
  },
  color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
  version: packageJson.version
})
process.exitCode = exitCode
