import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

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

/**
 * Whether `date` falls within the years 0001 to 9999 in UTC, the ones RFC 3339 writes: an offset
 * can push `9999-12-31T23:59:59-23:59` into the year 10000, which `toISOString` writes
 * `+010000-01-01T23:58:59.000Z`, and strict clients refuse.
 */
export const isWithinRfc3339Years = (date: Date): boolean => {
  const year = date.getUTCFullYear()
  return year >= 1 && year <= 9999
}

export const outsideRfc3339Years = "must fall within the years 0001 to 9999 in UTC"

/**
 * An RFC 3339 date-time with its offset, as JSON carries one (`2030-01-31T12:00:00Z`), read as a
 * `Date`: `new Date` alone would take `"1"` for the year 2001, and roll `2030-02-30` over to March.
 * Only instants that answers can write back as RFC 3339 (`isWithinRfc3339Years`).
 */
export const DateTime: Schema.Schema<Date, string> = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i, {
    message: () => "must be a date-time with an offset, such as 2030-01-31T12:00:00Z"
  }),
  Schema.filter(isCalendarDate, { message: () => "must be a day of the calendar (no February 30th)" }),
  Schema.compose(Schema.Date),
  Schema.filter(isWithinRfc3339Years, { message: () => outsideRfc3339Years })
)

/** A date-time in an answer: ISO 8601 in UTC, as `Date.toISOString` writes it. */
export const IsoDateTime = Schema.String.annotations({
  identifier: "DateTime",
  description: "An ISO 8601 date-time in UTC",
  jsonSchema: { type: "string", format: "date-time" }
})
