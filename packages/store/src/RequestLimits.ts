/**
 * Requests counted per key and fixed window, in the database, so that every server on it shares
 * one count (the sign-in routes' limit per client address). One statement counts a request, atomic
 * under concurrency on either driver: an upsert that starts a new window when the last one has
 * ended. Times are the database's, so servers whose clocks differ still agree. Keys are opaque:
 * the caller passes a keyed digest, never an address (`counter` does).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { KeyedHash } from "@roster/domain"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Rows from "./internal/rows.js"

/** A request counted: the window's count (this one included), and when the window ends. */
export interface Hit {
  readonly key: string
  readonly count: number
  /** Whole seconds until the window ends, at least 1. */
  readonly resetSeconds: number
  /** The window's start, in milliseconds since the epoch: which window `release` takes it from. */
  readonly window: number
}

export class RequestLimits extends Context.Tag("@roster/store/RequestLimits")<
  RequestLimits,
  {
    /** Counts one request under `key` in the current window of `windowMs`. */
    readonly hit: (key: string, windowMs: number) => Effect.Effect<Hit>
    /** Takes back a counted request (it succeeded), unless its window has ended since. */
    readonly release: (hit: Hit) => Effect.Effect<void>
  }
>() {}

const hitRows = Rows.decoder(
  "request_limits",
  Schema.Struct({ hits: Schema.Number, windowStart: Schema.DateFromSelf, resetSeconds: Schema.Number })
)

/** Ended windows are deleted at most this often, by whichever server counts a request then. */
export const sweepEvery = Duration.minutes(1)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const lastSweep = yield* Ref.make(0)

  const sweep = Effect.gen(function* () {
    const now = Date.now()
    const due = yield* Ref.modify(lastSweep, (last) =>
      now - last >= Duration.toMillis(sweepEvery) ? [true, now] : [false, last]
    )
    if (due) yield* sql`DELETE FROM request_limits WHERE expires_at < now()`
  })

  const hit = (key: string, windowMs: number) =>
    Effect.gen(function* () {
      yield* sweep
      const seconds = windowMs / 1000
      // Milliseconds, so that the window's start comes back from JavaScript (`release`) unchanged.
      const rows = yield* sql`
        INSERT INTO request_limits AS r (key, window_start, expires_at, hits)
        VALUES (
          ${key},
          date_trunc('milliseconds', now()),
          date_trunc('milliseconds', now()) + make_interval(secs => ${seconds}),
          1
        )
        ON CONFLICT (key) DO UPDATE SET
          window_start = CASE WHEN r.expires_at <= now() THEN excluded.window_start ELSE r.window_start END,
          expires_at = CASE WHEN r.expires_at <= now() THEN excluded.expires_at ELSE r.expires_at END,
          hits = CASE WHEN r.expires_at <= now() THEN 1 ELSE r.hits + 1 END
        RETURNING hits, window_start, ceil(extract(epoch FROM expires_at - now()))::integer AS reset_seconds`.pipe(
        Effect.flatMap(hitRows.single)
      )
      return {
        key,
        count: rows.hits,
        resetSeconds: Math.max(1, rows.resetSeconds),
        window: rows.windowStart.getTime()
      } satisfies Hit
    }).pipe(Effect.orDie)

  const release = (counted: Hit) =>
    sql`
      UPDATE request_limits SET hits = hits - 1
      WHERE key = ${counted.key} AND window_start = ${new Date(counted.window)} AND hits > 0`.pipe(
      Effect.asVoid,
      Effect.orDie
    )

  return RequestLimits.of({ hit, release })
})

export const layer: Layer.Layer<RequestLimits, never, SqlClient.SqlClient> = Layer.effect(RequestLimits, make)

/**
 * The limits as plain promises over `runtime`, counting `subject` (a client's address) under its
 * keyed digest: the table names no address. The shape `@roster/http`'s `RateLimit.Counter` takes.
 */
export const counter = <E>(runtime: ManagedRuntime.ManagedRuntime<RequestLimits | KeyedHash, E>) => ({
  hit: (subject: string, windowMs: number): Promise<Hit> =>
    runtime.runPromise(
      Effect.gen(function* () {
        const { digest } = yield* KeyedHash
        return yield* (yield* RequestLimits).hit(digest(`address:${subject}`), windowMs)
      })
    ),
  release: (hit: Hit): Promise<void> =>
    runtime.runPromise(Effect.flatMap(RequestLimits, (limits) => limits.release(hit)))
})
