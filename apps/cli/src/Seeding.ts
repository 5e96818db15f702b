/**
 * `roster dev seed` on the database the command names: the store's `Seed` with the organization use
 * cases on a migrated database, opened for the command and closed after it. Loaded only for it, as
 * `Database.ts` is for the other commands.
 */
import type { Seed } from "@roster/cli"
import { Services } from "@roster/domain"
import { Database, Migrations, Seed as StoreSeed, SqlIdentity, SqlStore } from "@roster/store"
import type { Location } from "@roster/store/startup"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"

export const seed = (database: Location.Options, request: Parameters<Seed>[1]) =>
  StoreSeed.run(request).pipe(
    Effect.provide(
      Services.layer.pipe(
        Layer.provideMerge(Layer.mergeAll(SqlStore.layer, SqlIdentity.layer)),
        Layer.provideMerge(Migrations.layer),
        // One database for the use cases and the bulk statements: PGlite opens a directory once.
        Layer.provideMerge(Database.layer(database)),
        // The CLI speaks through its output; library log lines would only get in the way of it.
        Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
      )
    )
  )
