/**
 * Versioned, forward-only migrations, run at start-up.
 *
 * A migration is an Effect keyed `"<id>_<name>"` (`"0001_initial"`). A run applies the ones the
 * database lacks, in id order, and records them, all in one transaction: a failure keeps nothing.
 * Servers starting together against one PostgreSQL database queue on an advisory lock, so each
 * migration runs once.
 *
 * `@effect/sql`'s Migrator is not used directly: it creates its table outside any lock (two servers
 * starting on an empty database collide there), turns a failing migration into a defect, and skips
 * rather than reports a database migrated by a newer Roster. Its table layout is kept, so either
 * can read what the other wrote.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Reason from "./internal/reason.js"
import * as Rows from "./internal/rows.js"
import { MigrationFailed } from "./MigrationError.js"

/** The migrations of a schema, keyed `"<id>_<name>"`. Append only: a released migration never changes. */
export type Migrations = Readonly<Record<string, Effect.Effect<void, SqlError, SqlClient.SqlClient>>>

/** Where applied migrations are recorded; `@effect/sql`'s Migrator's table and layout. */
export const table = "effect_sql_migrations"

/** A migration this run applied; also a row of `table`, read as `migration_id AS id, name`. */
export const Applied = Schema.Struct({ id: Schema.Number, name: Schema.String })
export type Applied = typeof Applied.Type

const appliedRows = Rows.decoder(table, Applied)

/** An arbitrary constant naming Roster's migration lock among the database's advisory locks. */
export const lockKey = 727_000_001

/** Applies the pending migrations; returns the ones it applied (none when up to date). */
export const run = (
  migrations: Migrations
): Effect.Effect<ReadonlyArray<Applied>, MigrationFailed, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const known = yield* resolve(migrations)
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        // Held until commit: a second server waits here, then finds nothing left to do.
        yield* sql`SELECT pg_advisory_xact_lock(${lockKey})`
        yield* sql`CREATE TABLE IF NOT EXISTS ${sql(table)} (
          migration_id integer PRIMARY KEY,
          created_at timestamptz NOT NULL DEFAULT now(),
          name text NOT NULL
        )`
        const applied = yield* sql`
          SELECT migration_id AS id, name FROM ${sql(table)} ORDER BY migration_id`.withoutTransform.pipe(
          Effect.flatMap(appliedRows.all)
        )
        const knownIds = new Set(known.map((_) => _.id))
        const unknown = applied.filter((_) => !knownIds.has(_.id))
        if (unknown.length > 0) {
          return yield* new MigrationFailed({
            reason: `the database has migration(s) ${unknown.map(label).join(", ")} that this version of Roster does not know: it was migrated by a newer version. Run that version, or a newer one.`
          })
        }
        const appliedIds = new Set(applied.map((_) => _.id))
        const pending = known.filter((_) => !appliedIds.has(_.id))
        for (const migration of pending) {
          yield* migration.effect.pipe(
            Effect.mapError(
              (cause) => new MigrationFailed({ migration: migration.key, reason: Reason.describe(cause), cause })
            )
          )
          yield* sql`INSERT INTO ${sql(table)} (migration_id, name) VALUES (${migration.id}, ${migration.name})`
          yield* Effect.logDebug(`Applied migration ${migration.key}`)
        }
        return pending.map(({ id, name }): Applied => ({ id, name }))
      })
    )
  }).pipe(
    Effect.catchTag("SqlError", (cause) => Effect.fail(new MigrationFailed({ reason: Reason.describe(cause), cause }))),
    Effect.withSpan("Migrator.run")
  )

/** Runs the migrations when the layer is built: the database is up to date before anything uses it. */
export const layer = (migrations: Migrations): Layer.Layer<never, MigrationFailed, SqlClient.SqlClient> =>
  Layer.effectDiscard(run(migrations))

interface Known extends Applied {
  readonly key: string
  readonly effect: Effect.Effect<void, SqlError, SqlClient.SqlClient>
}

const label = ({ id, name }: Applied) => `${String(id).padStart(4, "0")}_${name}`

/** Checks the keys before touching the database: a bad key is a mistake in this release. */
const resolve = (migrations: Migrations): Effect.Effect<ReadonlyArray<Known>, MigrationFailed> =>
  Effect.suspend(() => {
    const known: Array<Known> = []
    for (const [key, effect] of Object.entries(migrations)) {
      const match = /^(\d+)_(.+)$/.exec(key)
      if (match === null) {
        return Effect.fail(new MigrationFailed({ reason: `"${key}" is not a migration key like "0001_initial"` }))
      }
      const id = Number(match[1])
      const clash = known.find((_) => _.id === id)
      if (clash !== undefined) {
        return Effect.fail(new MigrationFailed({ reason: `"${key}" and "${clash.key}" share the id ${id}` }))
      }
      known.push({ id, name: match[2]!, key, effect })
    }
    return Effect.succeed(known.sort((a, b) => a.id - b.id))
  })
