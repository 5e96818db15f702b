/**
 * `roster db counters` on the database the command names: the store's `Counters` on a migrated
 * database, opened for the command and closed after it; `--organization` resolved as every command
 * resolves it (an id or a name). Loaded only for it, as `Database.ts` is for the other commands.
 */
import type { Counters as CliCounters } from "@roster/cli"
import { Organizations, Services } from "@roster/domain"
import { Counters, Database, Migrations, SqlIdentity, SqlStore } from "@roster/store"
import type { Location } from "@roster/store/startup"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"

export const counters = (database: Location.Options, request: Parameters<CliCounters>[1]) =>
  Effect.gen(function* () {
    const organizationId =
      request.organization === undefined
        ? undefined
        : (yield* Effect.flatMap(Organizations, (organizations) => organizations.resolve(request.organization!))).id
    return yield* (request.repair ? Counters.repair : Counters.check)({ organizationId })
  }).pipe(
    Effect.provide(
      Services.layer.pipe(
        Layer.provideMerge(Layer.mergeAll(SqlStore.layer, SqlIdentity.layer)),
        Layer.provideMerge(Migrations.layer),
        Layer.provideMerge(Database.layer(database)),
        Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
      )
    )
  )
