/**
 * The member counters (`membership_counts`, migration 0009) checked against the memberships they
 * count, and rebuilt from them. The triggers keep them exact, so a drift means something wrote
 * around them: a restore of a hand-edited dump, a trigger someone disabled, a bug. `roster db
 * counters` reports drift; `--repair` rebuilds.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Rows from "./internal/rows.js"
import { slotOf } from "./migrations/schema_0009.js"

/** One organization × status × role whose counter is not the number of its memberships. */
export interface Drift {
  readonly organizationId: string
  readonly status: string
  readonly roleId: string
  /** What the counters say. */
  readonly counted: number
  /** How many memberships there are. */
  readonly actual: number
}

const driftRows = Rows.decoder(
  "membership_counts (check)",
  Schema.Struct({
    organizationId: Schema.String,
    status: Schema.String,
    roleId: Schema.String,
    counted: Schema.Number,
    actual: Schema.Number
  })
)

export interface Scope {
  /** Only this organization's counters; every organization's when absent. */
  readonly organizationId?: string | undefined
}

/**
 * Every counter that disagrees with the memberships, compared in one statement: one snapshot of
 * both tables, so a change committing meanwhile cannot show as drift (the triggers write its
 * counters in its own transaction).
 */
export const check = (scope: Scope = {}): Effect.Effect<ReadonlyArray<Drift>, never, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const only = (column: string) =>
      scope.organizationId === undefined ? sql`true` : sql`${sql(column)} = ${scope.organizationId}`
    const rows = yield* sql`
      WITH counted AS (
        SELECT organization_id, status, role_id, sum(members)::int8 AS members
        FROM membership_counts WHERE ${only("organization_id")} GROUP BY 1, 2, 3
      ), actual AS (
        SELECT organization_id, status, role_id, count(*) AS members
        FROM memberships WHERE ${only("organization_id")} GROUP BY 1, 2, 3
      )
      SELECT organization_id, status, role_id,
             coalesce(counted.members, 0) AS counted, coalesce(actual.members, 0) AS actual
      FROM counted FULL JOIN actual USING (organization_id, status, role_id)
      WHERE coalesce(counted.members, 0) <> coalesce(actual.members, 0)
      ORDER BY organization_id, status, role_id`
    return yield* driftRows.all(rows)
  }).pipe(Effect.orDie)

/**
 * Rebuilds the counters from the memberships and answers the drift it found. Memberships are
 * locked against writes (`SHARE`: reads go on) for the rebuild, so that no change lands between
 * the count and the rewrite; with no drift it rewrites nothing.
 */
export const repair = (scope: Scope = {}): Effect.Effect<ReadonlyArray<Drift>, never, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`LOCK TABLE memberships IN SHARE MODE`
        const drift = yield* check(scope)
        if (drift.length === 0) return drift
        const only = scope.organizationId === undefined ? sql`true` : sql`organization_id = ${scope.organizationId}`
        yield* sql`DELETE FROM membership_counts WHERE ${only}`
        yield* sql`
          INSERT INTO membership_counts (organization_id, status, role_id, slot, members)
          SELECT organization_id, status, role_id, ${sql.unsafe(slotOf("user_id"))}, count(*)
          FROM memberships WHERE ${only} GROUP BY 1, 2, 3, 4`
        return drift
      })
    )
  }).pipe(Effect.orDie)
