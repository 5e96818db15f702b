/**
 * Opening the database a command names: every use case on the storage layer, composed here once.
 * Loaded only when a command runs on the database — a command that goes through a server never
 * loads PGlite, node-postgres or argon2 (see `main.ts`).
 */
import * as Crypto from "@roster/crypto"
import { Services } from "@roster/domain"
import { type Configuration, Store } from "@roster/store"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"

export const runtime = (storage: Configuration.Storage) =>
  ManagedRuntime.make(
    Services.fullLayer.pipe(
      Layer.provide(Store.layer(storage.database)),
      Layer.provide(Crypto.layer(storage.secretKey)),
      // The CLI speaks through its output; library log lines would only get in the way of it.
      Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
    )
  )
