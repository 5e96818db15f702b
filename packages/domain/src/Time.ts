import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** The current time from Effect's Clock, so tests can control it. */
export const now: Effect.Effect<Date> = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis))
