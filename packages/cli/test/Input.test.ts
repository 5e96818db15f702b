import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Input from "../src/Input.js"

const value = <A, E>(effect: Effect.Effect<A, E>) => Effect.runSync(Effect.either(effect))

describe("Input", () => {
  it("durations: minutes, hours, days, weeks, calendar years", () => {
    assert.deepStrictEqual(value(Input.duration("--expires-in", "90m")), Either.right(90 * 60_000))
    assert.deepStrictEqual(value(Input.duration("--expires-in", "12h")), Either.right(12 * 3_600_000))
    assert.deepStrictEqual(value(Input.duration("--expires-in", "30D")), Either.right(30 * 86_400_000))
    assert.deepStrictEqual(value(Input.duration("--expires-in", "2w")), Either.right(14 * 86_400_000))
    for (const bad of ["", "30", "d", "0h", "-1d", "1.5d", "0y", "101y", "999999999w"]) {
      assert.isTrue(Either.isLeft(value(Input.duration("--expires-in", bad))), bad)
    }
    // A year on is the same day of the calendar; February 29th goes to March 1st.
    const later = (text: string, from: string) =>
      value(Effect.map(Input.later("--expires-in", text, new Date(from)), (date) => date.toISOString()))
    assert.deepStrictEqual(later("1y", "2027-03-01T10:00:00.000Z"), Either.right("2028-03-01T10:00:00.000Z"))
    assert.deepStrictEqual(later("1Y", "2028-02-29T00:00:00.000Z"), Either.right("2029-03-01T00:00:00.000Z"))
    assert.deepStrictEqual(later("100y", "2026-01-01T00:00:00.000Z"), Either.right("2126-01-01T00:00:00.000Z"))
  })

  it("ISO 8601 dates and date-times", () => {
    const iso = (text: string) =>
      Either.map(value(Input.isoDateTime("--expires-at", text)), (date) => date.toISOString())
    assert.deepStrictEqual(iso("2030-01-31"), Either.right("2030-01-31T00:00:00.000Z"))
    assert.deepStrictEqual(iso("2030-01-31T12:30:00Z"), Either.right("2030-01-31T12:30:00.000Z"))
    assert.deepStrictEqual(iso("2030-01-31T12:30:00+02:00"), Either.right("2030-01-31T10:30:00.000Z"))
    for (const bad of ["tomorrow", "2030-13-01", "31/01/2030", "1700000000"])
      assert.isTrue(Either.isLeft(iso(bad)), bad)
    // Only what RFC 3339 can write in UTC: an offset may not push it past 9999 or before 0001.
    for (const outside of ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+00:01", "0000-06-15"]) {
      const refused = value(Input.isoDateTime("--expires-at", outside))
      assert.deepStrictEqual(
        Either.isLeft(refused) ? refused.left.issues : refused.right,
        [{ field: "--expires-at", message: "must fall within the years 0001 to 9999 in UTC" }],
        outside
      )
    }
  })

  it("whole numbers only", () => {
    assert.deepStrictEqual(value(Input.integer("--page", "3")), Either.right(3))
    assert.deepStrictEqual(value(Input.integer("--page", undefined)), Either.right(undefined))
    for (const bad of ["1.5", "ten", "", "1e3"]) assert.isTrue(Either.isLeft(value(Input.integer("--page", bad))), bad)
  })
})
