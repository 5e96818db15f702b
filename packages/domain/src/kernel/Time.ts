import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** The current time from Effect's Clock, so tests can control it. */
export const now: Effect.Effect<Date> = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis))

/**
 * Whether the `YYYY-MM-DD` a date or date-time text starts with is a day of the calendar. `Date`
 * rolls impossible days over (`2030-02-30` is read as March 2nd), so a mistyped expiry would
 * silently become another day.
 */
export const isCalendarDate = (text: string): boolean => {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text)
  if (match === null) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}
