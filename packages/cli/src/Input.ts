/**
 * Command-line text → domain input, through the domain's own schemas (`Validation.decode`).
 * Problems are named by the flag or argument a person typed, one message each.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { Time, ValidationFailed, Validation } from "@roster/domain"

export interface Field {
  /** How the command line names it: `--size`, `userId`. */
  readonly flag: string
  /** For a field that takes one of a few words: say which, instead of one complaint per word. */
  readonly oneOf?: ReadonlyArray<string>
}

export type Fields = { readonly [key: string]: string | Field }

/** Decodes `input` with a domain schema. Keys whose value is undefined are left out. */
export const decode = <A, I>(
  schema: Schema.Schema<A, I>,
  input: Readonly<Record<string, unknown>>,
  fields: Fields
): Effect.Effect<A, ValidationFailed> => {
  const present = compact(input)
  return Validation.decode(schema, { root: "arguments" })(present).pipe(
    Effect.mapError((error) => rename(error, fields, present))
  )
}

/** Decodes one value, naming it `flag` in any problem. */
export const decodeValue = <A, I>(schema: Schema.Schema<A, I>, value: unknown, flag: string) =>
  Validation.decode(schema, { root: flag })(value).pipe(Effect.mapError((error) => rename(error, {}, {})))

/** Drops the keys whose value is undefined: absent and undefined must mean the same thing. */
export const compact = <A extends Readonly<Record<string, unknown>>>(input: A): Partial<A> =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<A>

/**
 * The domain reports one issue per member of a union (`"ACTIVE"`, `"INACTIVE"`, …, `undefined`);
 * a person needs one line per flag, the first issue being the meaningful one. Also for the problems
 * an operation finds with its input as it runs (a date no longer in the future).
 */
export const rename = (
  error: ValidationFailed,
  fields: Fields,
  input: Readonly<Record<string, unknown>>
): ValidationFailed => {
  const messages = new Map<string, string>()
  for (const issue of error.issues) {
    const path = issue.field.split(".")
    const field = fields[path[0]!]
    const flag = field === undefined ? issue.field : typeof field === "string" ? field : field.flag
    if (messages.has(flag)) continue
    const oneOf = typeof field === "object" ? field.oneOf : undefined
    messages.set(flag, oneOf === undefined ? issue.message : notOneOf(valueAt(input, path), oneOf))
  }
  const [first, ...rest] = [...messages].map(([field, message]) => ({ field, message }))
  return first === undefined ? error : new ValidationFailed({ issues: [first, ...rest] })
}

const valueAt = (input: unknown, path: ReadonlyArray<string>): unknown =>
  path.reduce<unknown>(
    (value, key) => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined),
    input
  )

const notOneOf = (value: unknown, oneOf: ReadonlyArray<string>) =>
  `${typeof value === "string" ? JSON.stringify(value) : "the value"} is not one of ${oneOf.join(", ")}`

/**
 * The words a field of `struct` takes, when its schema (or that of each of its items) is a set of
 * literals: `ACTIVE, INACTIVE, …` for a status. Read from the encoded side, as a command line gives it.
 */
export const literals = (struct: Schema.Schema.Any, field: string): ReadonlyArray<string> | undefined => {
  const encoded = SchemaAST.encodedAST(struct.ast)
  const signature = SchemaAST.isTypeLiteral(encoded)
    ? encoded.propertySignatures.find((property) => property.name === field)
    : undefined
  return signature === undefined ? undefined : literalsOf(signature.type)
}

const literalsOf = (ast: SchemaAST.AST): ReadonlyArray<string> | undefined => {
  switch (ast._tag) {
    case "Literal":
      return typeof ast.literal === "string" ? [ast.literal] : undefined
    case "Union": {
      // An optional or nullable field: its absence is no word to offer.
      const members = ast.types.filter((type) => type._tag !== "UndefinedKeyword" && !isNull(type)).map(literalsOf)
      return members.length > 0 && members.every((words) => words !== undefined) ? members.flat() : undefined
    }
    case "TupleType":
      return ast.rest.length > 0 ? literalsOf(ast.rest[0]!.type) : undefined
    case "Refinement":
      return literalsOf(ast.from)
    default:
      return undefined
  }
}

const isNull = (ast: SchemaAST.AST) => ast._tag === "Literal" && ast.literal === null

/** Text that must say something: `--first-name ""` is a mistake, not a way to clear the name. */
export const nonBlank = (flag: string, value: string | undefined, hint = ""): Effect.Effect<void, ValidationFailed> =>
  value !== undefined && value.trim() === ""
    ? Effect.fail(ValidationFailed.single(flag, `must not be empty${hint}`))
    : Effect.void

/** `--page 2`: whole numbers only; the domain schema then checks the range. */
export const integer = (
  flag: string,
  text: string | undefined
): Effect.Effect<number | undefined, ValidationFailed> => {
  if (text === undefined) return Effect.succeed(undefined)
  return /^\s*[+-]?\d+\s*$/.test(text)
    ? Effect.succeed(Number(text))
    : Effect.fail(ValidationFailed.single(flag, `must be a whole number, not ${JSON.stringify(text)}`))
}

/** An id or a name of something that is looked up later (`--org`, `--role`). */
export const Reference = Schema.Trim.pipe(Schema.minLength(1, { message: () => "must not be empty" }))

export const reference = (flag: string, text: string) => decodeValue(Reference, text, flag)

/** A problem with what `flag` was given. */
export const invalid = (flag: string, message: string): ValidationFailed => ValidationFailed.single(flag, message)

const units: { readonly [unit: string]: number } = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/**
 * `90m`, `12h`, `30d`, `2w` or `1y` from `now`: a year is a calendar year (the same day, a year on;
 * February 29th goes to March 1st).
 */
export const later = (flag: string, text: string, now: Date): Effect.Effect<Date, ValidationFailed> => {
  const match = /^\s*(\d+)\s*([mhdwy])\s*$/i.exec(text)
  const amount = match === null ? 0 : Number(match[1])
  const unit = match?.[2]?.toLowerCase()
  const millis =
    unit === undefined
      ? 0
      : unit === "y"
        ? amount <= maxYears
          ? yearsFrom(now, amount).getTime() - now.getTime()
          : Number.POSITIVE_INFINITY
        : amount * units[unit]!
  return millis > 0 && Number.isSafeInteger(millis) && millis <= maxDuration
    ? Effect.succeed(new Date(now.getTime() + millis))
    : Effect.fail(
        ValidationFailed.single(
          flag,
          `must be a positive duration such as 90m, 12h, 30d, 2w or 1y, up to 100 years, not ${JSON.stringify(text)}`
        )
      )
}

const yearsFrom = (now: Date, years: number) => {
  const date = new Date(now)
  date.setUTCFullYear(date.getUTCFullYear() + years)
  return date
}

/** `90m`, `12h`, `30d`, `2w`, `1y` in milliseconds from `now` (default: this instant). */
export const duration = (flag: string, text: string, now = new Date()): Effect.Effect<number, ValidationFailed> =>
  Effect.map(later(flag, text, now), (date) => date.getTime() - now.getTime())

// 100 years: beyond that a date is no longer a date.
const maxYears = 100
const maxDuration = 100 * 366 * units.d!

const isoDate =
  /^\d{4}-\d{2}-\d{2}(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i

/** `2030-01-31` (midnight UTC) or a full ISO 8601 date-time. */
export const isoDateTime = (flag: string, text: string): Effect.Effect<Date, ValidationFailed> => {
  const date =
    isoDate.test(text.trim()) && Time.isCalendarDate(text.trim()) ? new Date(text.trim()) : new Date(Number.NaN)
  if (Number.isNaN(date.getTime())) {
    return Effect.fail(
      ValidationFailed.single(
        flag,
        `must be an ISO 8601 date such as 2030-01-31 or 2030-01-31T12:00:00Z, not ${JSON.stringify(text)}`
      )
    )
  }
  return Time.isWithinRfc3339Years(date)
    ? Effect.succeed(date)
    : Effect.fail(ValidationFailed.single(flag, Time.outsideRfc3339Years))
}
