import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import type { Issue } from "./ValidationError.js"
import { ValidationFailed } from "./ValidationError.js"

/**
 * Decodes untrusted input (an HTTP body, query, CLI options) with a domain schema. Every problem
 * becomes one issue naming its field; fields the schema does not know are refused, so that a typo
 * is reported instead of silently ignored.
 */
export const decode =
  <A, I>(schema: Schema.Schema<A, I>, options: { readonly root?: string } = {}) =>
  (input: unknown): Effect.Effect<A, ValidationFailed> =>
    Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(input).pipe(
      Effect.mapError((error) =>
        toValidationFailed(error, options.root ?? "body", SchemaAST.isTypeLiteral(SchemaAST.encodedAST(schema.ast)))
      )
    )

export const toValidationFailed = (
  error: ParseResult.ParseError,
  root: string,
  rootIsObject = false
): ValidationFailed => {
  // A union (an optional or nullable field, a set of literals) reports a failure for each member it
  // tried; the caller made one mistake, so each field gets one issue.
  const byField = new Map<string, Array<ParseResult.ArrayFormatterIssue>>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const field = issue.path.length === 0 ? root : issue.path.map(String).join(".")
    byField.set(field, [...(byField.get(field) ?? []), issue])
  }
  const fields = [...byField.keys()]
  const issues: Array<Issue> = fields
    // `status` failing as a whole is the same problem as `status.1` failing inside it.
    .filter((field) => !fields.some((other) => other.startsWith(`${field}.`)))
    .map((field) => ({
      field,
      // The input as a whole has the wrong type (an array or a string for a body): saying so beats
      // printing the whole schema.
      message:
        rootIsObject && field === root && byField.get(field)!.every((issue) => issue._tag === "Type")
          ? "must be a JSON object"
          : withoutSecret(field, summarize(byField.get(field)!))
    }))
  const [first, ...rest] = issues.length > 0 ? issues : [{ field: root, message: "is invalid" }]
  return new ValidationFailed({ issues: [first!, ...rest] })
}

const expectedActual = /^Expected (.+?), actual (.+)$/s

/** Fields whose value is a secret (passwords, codes, link tokens): a message never quotes what was sent. */
const secretFields = new Set(["password", "currentPassword", "newPassword", "code", "token", "secret"])

const withoutSecret = (field: string, message: string): string =>
  secretFields.has(field.split(".").at(-1) ?? field) ? message.replace(/, actual .+$/s, "") : message

/** One message for the failures of one field: the most specific, or the alternatives it could have been. */
const summarize = (issues: ReadonlyArray<ParseResult.ArrayFormatterIssue>): string => {
  const specific = issues.find((issue) => issue._tag !== "Type")
  if (specific !== undefined) return describe(specific)
  const alternatives = issues.flatMap((issue) => {
    const match = expectedActual.exec(issue.message)
    // `undefined` is only the "leave it out" branch of an optional field: not worth suggesting.
    return match === null || match[1] === "undefined" ? [] : [{ expected: match[1]!, actual: match[2]! }]
  })
  if (alternatives.length === 0) return describe(issues[0]!)
  return `Expected ${[...new Set(alternatives.map((a) => a.expected))].join(" | ")}, actual ${alternatives[0]!.actual}`
}

const describe = (issue: ParseResult.ArrayFormatterIssue): string => {
  switch (issue._tag) {
    case "Unexpected":
      return "is not a recognised field"
    case "Missing":
      // A field may say what belongs there (its `missingMessage`: `action: is required: "users"`).
      return issue.message === "is missing" ? "is required" : issue.message
    default:
      return issue.message
  }
}
