/**
 * What operators watch of the database: whether it answers and holds every migration this release
 * knows (readiness), its connection pool, and how many members each organization has in each
 * status. Read by the server's `/health/ready` and `/metrics`; never fails: a check that cannot be
 * made says why.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { MembershipStatus } from "@roster/domain"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ConnectionPool, type PoolStats } from "./Database.js"
import * as Reason from "./internal/reason.js"
import * as Rows from "./internal/rows.js"
import * as Migrations from "./Migrations.js"
import type * as Migrator from "./Migrator.js"
import { table as migrationsTable } from "./Migrator.js"

/** One check of readiness: `ok`, or `failing` with what is wrong. */
export interface Check {
  readonly status: "ok" | "failing"
  readonly message?: string
  readonly durationMs: number
}

export interface Readiness {
  /** Every check is `ok`. */
  readonly ready: boolean
  readonly checks: {
    /** A round trip to the database. */
    readonly database: Check
    /** The database holds exactly the migrations this release knows. */
    readonly migrations: Check
  }
}

/** How many members one organization has in one status. */
export interface MemberCount {
  readonly organizationId: string
  readonly status: MembershipStatus.MembershipStatus
  readonly count: number
}

export class Monitor extends Context.Tag("@roster/store/Monitor")<
  Monitor,
  {
    readonly readiness: Effect.Effect<Readiness>
    /** Every organization × every status (0 where it has none); at most `memberCountsTtl` old. */
    readonly memberCounts: Effect.Effect<ReadonlyArray<MemberCount>>
    readonly pool: () => PoolStats
  }
>() {}

/** How long a readiness check waits for the database. */
export const checkTimeout = Duration.seconds(2)

/** How long member counts are reused: a scrape every few seconds reads the counters at most this often. */
export const memberCountsTtl = Duration.seconds(15)

const countRows = Rows.decoder(
  "member counts",
  Schema.Struct({
    organizationId: Schema.String,
    status: Schema.NullOr(MembershipStatus.MembershipStatus),
    count: Schema.Number
  })
)
const appliedRows = Rows.decoder("effect_sql_migrations", Schema.Struct({ id: Schema.Number }))

/** The ids of `migrations` (`"0007_…"` → 7). */
const knownIds = (migrations: Migrator.Migrations): ReadonlyArray<number> =>
  Object.keys(migrations)
    .map((key) => Number(key.split("_", 1)[0]))
    .sort((a, b) => a - b)

/**
 * Runs `effect` on a fiber of its own and waits at most `checkTimeout` for it. A query that outlives
 * the wait is left to finish rather than interrupted: cancelling it would open a connection of its
 * own, which the embedded database cannot give.
 */
const timed = <A>(
  effect: Effect.Effect<A, unknown>
): Effect.Effect<{ readonly check: Check; readonly value: Option.Option<A> }> =>
  Effect.gen(function* () {
    const started = performance.now()
    const fiber = yield* Effect.forkDaemon(effect)
    const exit = yield* Fiber.await(fiber).pipe(Effect.timeoutOption(checkTimeout))
    const durationMs = Math.round(performance.now() - started)
    if (Option.isNone(exit)) {
      return {
        check: { status: "failing", message: `no answer within ${Duration.format(checkTimeout)}`, durationMs },
        value: Option.none()
      } as const
    }
    return Exit.match(exit.value, {
      onSuccess: (value) => ({ check: { status: "ok", durationMs } as Check, value: Option.some(value) }),
      onFailure: (cause) => ({
        check: { status: "failing", message: Reason.describe(Cause.squash(cause)), durationMs } as Check,
        value: Option.none()
      })
    })
  })

export const make = (migrations: Migrator.Migrations = Migrations.all) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const pool = yield* ConnectionPool
    const expected = knownIds(migrations)

    const readiness: Effect.Effect<Readiness> = Effect.gen(function* () {
      const database = (yield* timed(sql`SELECT 1`)).check
      const applied = yield* timed(
        sql`SELECT migration_id AS id FROM ${sql(migrationsTable)} ORDER BY migration_id`.withoutTransform.pipe(
          Effect.flatMap(appliedRows.all)
        )
      )
      const migrationsCheck = Option.match(applied.value, {
        onNone: () => applied.check,
        onSome: (rows): Check => {
          const have = new Set(rows.map((row) => row.id))
          const missing = expected.filter((id) => !have.has(id))
          const unknown = rows.map((row) => row.id).filter((id) => !expected.includes(id))
          if (missing.length === 0 && unknown.length === 0) return applied.check
          return {
            status: "failing",
            durationMs: applied.check.durationMs,
            message: [
              missing.length > 0 ? `migration(s) ${missing.join(", ")} not applied` : [],
              unknown.length > 0
                ? `migration(s) ${unknown.join(", ")} unknown to this release (a newer Roster migrated it)`
                : []
            ]
              .flat()
              .join("; ")
          }
        }
      })
      return {
        ready: database.status === "ok" && migrationsCheck.status === "ok",
        checks: { database, migrations: migrationsCheck }
      }
    })

    // The counters (`membership_counts`, kept by triggers): a few rows per organization, not its members.
    const counts = sql`
      SELECT o.id AS organization_id, c.status, coalesce(sum(c.members), 0)::int8 AS count
      FROM organizations o LEFT JOIN membership_counts c ON c.organization_id = o.id
      GROUP BY o.id, c.status`.pipe(
      Effect.flatMap(countRows.all),
      Effect.map((rows) => {
        const byOrganization = new Map<string, Map<string, number>>()
        for (const row of rows) {
          const statuses = byOrganization.get(row.organizationId) ?? new Map<string, number>()
          if (row.status !== null) statuses.set(row.status, row.count)
          byOrganization.set(row.organizationId, statuses)
        }
        return [...byOrganization].flatMap(([organizationId, statuses]) =>
          MembershipStatus.all.map(
            (status): MemberCount => ({ organizationId, status, count: statuses.get(status) ?? 0 })
          )
        )
      }),
      Effect.orDie
    )
    const memberCounts = yield* Effect.cachedWithTTL(counts, memberCountsTtl)

    return Monitor.of({ readiness, memberCounts, pool: pool.stats })
  })

export const layer: Layer.Layer<Monitor, never, SqlClient.SqlClient | ConnectionPool> = Layer.effect(Monitor, make())
