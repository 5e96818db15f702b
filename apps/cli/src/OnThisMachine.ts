/**
 * The commands that work on this machine's database itself: `roster dev seed` (the store's `Seed`)
 * and `roster db counters` (the store's `Counters`), each on the database the command names,
 * migrated, with the organization use cases, opened for the command and closed after it. Loaded only
 * for them, as `Database.ts` is for the other commands.
 */
import type { Counters as CliCounters, Seed } from "@roster/cli"
import { Organizations, Services } from "@roster/domain"
import { Counters, Database, Migrations, Seed as StoreSeed, SqlIdentity, SqlStore } from "@roster/store"
import type { Location } from "@roster/store/startup"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"

const useCases = (database: Location.Options) =>
  Services.layer.pipe(
    Layer.provideMerge(Layer.mergeAll(SqlStore.layer, SqlIdentity.layer)),
    Layer.provideMerge(Migrations.layer),
    // One database for the use cases and the bulk statements: PGlite opens a directory once.
    Layer.provideMerge(Database.layer(database)),
    // The CLI speaks through its output; library log lines would only get in the way of it.
    Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
  )

export const seed = (database: Location.Options, request: Parameters<Seed>[1]) =>
  StoreSeed.run(request).pipe(Effect.provide(useCases(database)))

/** `--organization` resolved as every command resolves it (an id or a name). */
export const counters = (database: Location.Options, request: Parameters<CliCounters>[1]) =>
  Effect.gen(function* () {
    const organizationId =
      request.organization === undefined
        ? undefined
        : (yield* Effect.flatMap(Organizations, (organizations) => organizations.resolve(request.organization!))).id
    return yield* (request.repair ? Counters.repair : Counters.check)({ organizationId })
  }).pipe(Effect.provide(useCases(database)))
