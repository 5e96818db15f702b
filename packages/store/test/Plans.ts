/**
 * How the plan tests see a statement: each call of a real port recorded as it is sent (a `Statement`
 * transformer: its own text and parameters), then EXPLAINed in the same transaction with sequential
 * scans priced out, and rolled back so that every case sees the same rows. Shared by
 * `QueryPlans.test.ts` (every statement) and `ListPlans.test.ts` (the lists at depth).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Statement from "@effect/sql/Statement"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"

/** One node of a plan that reads a table or an index. */
export interface Scan {
  readonly node: string
  readonly relation: string | undefined
  readonly index: string | undefined
  readonly condition: string | undefined
}

/** One statement a port sent, and how it is planned. */
export interface Planned {
  readonly text: string
  readonly scans: ReadonlyArray<Scan>
}

export const scansOf = (plan: any): ReadonlyArray<Scan> => [
  ...(plan["Relation Name"] === undefined && plan["Index Name"] === undefined
    ? []
    : [
        {
          node: plan["Node Type"],
          relation: plan["Relation Name"],
          index: plan["Index Name"],
          condition: plan["Index Cond"]
        }
      ]),
  ...((plan.Plans ?? []) as ReadonlyArray<unknown>).flatMap(scansOf)
]

class RolledBack extends Data.TaggedError("RolledBack")<{ readonly value: unknown }> {}

/** What `effect` returns, with everything it wrote undone (DDL too: PostgreSQL's is transactional). */
export const rolledBack = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.withTransaction(Effect.flatMap(effect, (value) => new RolledBack({ value }))).pipe(
      Effect.catchIf(
        (error): error is RolledBack => error instanceof RolledBack,
        (error) => Effect.succeed(error.value as A)
      )
    )
  )

/**
 * Runs `effect` with sequential scans priced out, and EXPLAINs each statement it sent, with its
 * parameters, in the same transaction; then rolls back, so that every case sees the same rows.
 */
export const plan = <A, E>(
  effect: Effect.Effect<A, E>
): Effect.Effect<ReadonlyArray<Planned>, never, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const sent: Array<readonly [text: string, params: ReadonlyArray<unknown>]> = []
    const record: Statement.Statement.Transformer = (statement) =>
      Effect.sync(() => {
        sent.push(statement.compile())
        return statement
      })
    return yield* rolledBack(
      Effect.gen(function* () {
        yield* sql`SET LOCAL enable_seqscan = off`
        yield* Statement.withTransformer(effect, record)
        return yield* Effect.forEach(sent, ([text, params]) =>
          sql.unsafe(`EXPLAIN (FORMAT JSON) ${text}`, params).pipe(
            Effect.map(([row]) => {
              const [output] = Object.values(row!) as [ReadonlyArray<{ readonly Plan: unknown }>]
              return { text, scans: scansOf(output[0]!.Plan) }
            })
          )
        )
      })
    ).pipe(Effect.orDie)
  })

export const describeScan = (scan: Scan) =>
  `${scan.node} ${scan.index === undefined ? `on ${scan.relation}` : `using ${scan.index}`}${scan.condition === undefined ? "" : ` where ${scan.condition}`}`
