/**
 * Rows decoded by schemas. A row that its schema does not describe is a bug — a query and its
 * schema disagree, or the table holds what no Roster wrote — so it is a defect, never a
 * `ParseError` leaking out of the store.
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"

/** The defect a malformed row dies with. Its message names the row and the column at fault. */
export class MalformedRow extends Data.TaggedError("MalformedRow")<{ readonly message: string }> {}

/** The rows of a query, decoded as one shape. */
export interface Decoder<A> {
  readonly all: (rows: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<A>>
  /** The first row, when there is one. */
  readonly first: (rows: ReadonlyArray<unknown>) => Effect.Effect<Option.Option<A>>
  /** The first row of a query that always returns one (an aggregate, `RETURNING` of a write that happened). */
  readonly single: (rows: ReadonlyArray<unknown>) => Effect.Effect<A>
}

/**
 * Decodes the rows of `what` (`"users"`, `"members"`) with `schema`. Build it once, at module level:
 * decoding is on every request's path. Decoding is synchronous (`Either`), without an Effect per row.
 * Columns the schema does not name (`token_hash`, a window count) are left out of the result.
 */
export const decoder = <A, I>(what: string, schema: Schema.Schema<A, I>): Decoder<A> => {
  const decodeAll = Schema.decodeUnknownEither(Schema.Array(schema))
  const decodeOne = Schema.decodeUnknownEither(schema)
  const malformed = (error: ParseResult.ParseError) => Effect.die(new MalformedRow({ message: describe(what, error) }))
  return {
    all: (rows) => Either.match(decodeAll(rows), { onLeft: malformed, onRight: Effect.succeed }),
    first: (rows) =>
      rows.length === 0
        ? Effect.succeedNone
        : Either.match(decodeOne(rows[0]), { onLeft: malformed, onRight: Effect.succeedSome }),
    single: (rows) =>
      rows.length === 0
        ? Effect.die(new MalformedRow({ message: `A query for ${what} returned no row` }))
        : Either.match(decodeOne(rows[0]), { onLeft: malformed, onRight: Effect.succeed })
  }
}

/**
 * One line naming the column and what was wrong with it. Only the first problem is reported (the
 * default), and values appear only where their type is wrong: a well-typed secret or hash in the
 * same row is never written into a message that ends up in a log.
 */
const describe = (what: string, error: ParseResult.ParseError): string => {
  const [path, issue] = locate(error.issue, [])
  const problems = ParseResult.ArrayFormatter.formatIssueSync(issue).map(({ path: rest, message }) => {
    const at = [...path, ...rest]
    return `${at.length === 0 ? "the row" : at.map(String).join(".")}: ${message}`
  })
  return `A row from ${what} does not match its schema (${problems.join("; ")})`
}

/**
 * Follows the issue down to the value at fault, collecting its path. A value that matches no member
 * of a union (a literal, `NullOr`) is one problem, `Expected A | B, actual x`, not one per member.
 */
const locate = (
  issue: ParseResult.ParseIssue,
  path: ReadonlyArray<PropertyKey>
): readonly [ReadonlyArray<PropertyKey>, ParseResult.ParseIssue] => {
  switch (issue._tag) {
    case "Pointer":
      return locate(issue.issue, [...path, ...(Array.isArray(issue.path) ? issue.path : [issue.path])])
    case "Composite": {
      if (SchemaAST.isUnion(issue.ast)) return [path, new ParseResult.Type(issue.ast, issue.actual)]
      const inner = Array.isArray(issue.issues) ? issue.issues : [issue.issues]
      return inner.length === 1 ? locate(inner[0]!, path) : [path, issue]
    }
    default:
      return [path, issue]
  }
}

/** `SELECT count(*) AS total …`: int8 arrives as a number (see `Database.types`). */
const Count = Schema.Struct({ total: Schema.Number })

const counts = decoder("a count(*)", Count)

/** The `total` of a count's one row. */
export const total = (rows: ReadonlyArray<unknown>): Effect.Effect<number> =>
  Effect.map(counts.single(rows), (row) => row.total)
