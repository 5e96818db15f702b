/**
 * A keyset cursor: where a list stopped, as the sort key of its last item and a tie-breaker id,
 * handed to the caller as opaque, URL-safe text (base64url of a small versioned JSON array). The next
 * page starts strictly after that key, so rows inserted meanwhile never shift it (ADR 0048).
 *
 * A cursor names the list and the order it was made for: given to another (or altered, or from an
 * older version) it is refused, never read as some other position. It also carries the number of
 * the page it leads to (one more than the page that handed it out), which that page answers as its
 * `number`: its place in the walk, counted without counting the rows before it.
 */
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Schema from "effect/Schema"
import { ValidationFailed } from "./ValidationError.js"

const version = 1

/** Base64url, as a cursor is written; bounded so that a query string cannot carry a novel. */
export const Text = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_-]{1,1000}$/, { message: () => "must be a cursor a list answered (next)" })
)

/** A position: the values of the list's sort key, in order, the tie-breaker last. */
export type Position = ReadonlyArray<string>

/** One value of a position, checked before a store compares with it. */
export type Part = (value: string) => boolean

/** A time as the stores write it: UTC with microseconds (`2026-01-31T23:59:59.123456Z`), a real date. */
export const instant: Part = (value) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/.exec(value)
  if (match === null) return false
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  return (
    year >= 1 &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  )
}

export const uuid: Part = (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)

/** Any text (an email, a name), as long as a stored one can be. */
export const text: Part = (value) => value.length <= 2000 && !value.includes("\u0000")

/** A whole number a store counts with (an event's sequence). */
export const sequence: Part = (value) => /^[1-9][0-9]{0,17}$/.test(value)

/** `Date` as `instant` writes it (a JavaScript date has milliseconds: the microseconds are zero). */
export const instantOf = (date: Date): string => date.toISOString().replace(/Z$/, "000Z")

/** What a cursor was made for: a list, in one order. */
export interface Kind {
  readonly list: string
  readonly sort: string
  readonly parts: ReadonlyArray<Part>
}

/** Where a page starts, and its number: the page after the one that handed the cursor out. */
export interface Decoded {
  readonly page: number
  readonly position: Position
}

export const encode = (kind: Kind, page: number, position: Position): string =>
  Encoding.encodeBase64Url(JSON.stringify([version, kind.list, kind.sort, page, ...position]))

const foreign = "was not made by this list in this order (start again without it)"

/** The page and position a cursor holds, or `ValidationFailed` naming `cursor`. */
export const decode = (kind: Kind, cursor: string): Either.Either<Decoded, ValidationFailed> => {
  const parsed = Either.flatMap(Encoding.decodeBase64UrlString(cursor), (json) =>
    Either.try(() => JSON.parse(json) as unknown)
  )
  if (Either.isLeft(parsed) || !Array.isArray(parsed.right)) {
    return Either.left(ValidationFailed.single("cursor", "must be a cursor a list answered (next)"))
  }
  const [v, list, sort, page, ...position] = parsed.right as Array<unknown>
  if (v !== version || list !== kind.list || sort !== kind.sort) {
    return Either.left(ValidationFailed.single("cursor", foreign))
  }
  if (
    typeof page !== "number" ||
    !Number.isSafeInteger(page) ||
    page < 1 ||
    page > 2_147_483_647 ||
    position.length !== kind.parts.length ||
    !position.every((value, i) => typeof value === "string" && kind.parts[i]!(value))
  ) {
    return Either.left(ValidationFailed.single("cursor", foreign))
  }
  return Either.right({ page, position: position as Position })
}
