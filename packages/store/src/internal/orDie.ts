import { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"

/** A failing query is a defect here: the ports promise their callers only domain errors. */
export const orDie = <A, E, R>(effect: Effect.Effect<A, E | SqlError, R>): Effect.Effect<A, Exclude<E, SqlError>, R> =>
  effect.pipe(Effect.catchIf((e): e is SqlError => e instanceof SqlError, Effect.die)) as never
