/**
 * Decoding a request's path, query and body with the domain's schemas. Every problem in all three
 * is reported at once, one issue per field, so that a client fixes its request in one go.
 */
import type { Issue } from "@roster/domain"
import { Validation, ValidationFailed } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Schema from "effect/Schema"

type Decoded<T extends Record<string, Effect.Effect<any, ValidationFailed>>> = {
  readonly [K in keyof T]: Effect.Effect.Success<T[K]>
}

/** Runs every decoder; fails with the issues of all that failed. */
export const all = <const T extends Record<string, Effect.Effect<any, ValidationFailed>>>(
  decoders: T
): Effect.Effect<Decoded<T>, ValidationFailed> =>
  Effect.forEach(Object.entries(decoders), ([key, decoder]) =>
    Effect.map(Effect.either(decoder as Effect.Effect<unknown, ValidationFailed>), (result) => [key, result] as const)
  ).pipe(
    Effect.flatMap((results) => {
      const issues: Array<Issue> = []
      const values: Record<string, unknown> = {}
      for (const [key, result] of results) {
        if (Either.isLeft(result)) issues.push(...result.left.issues)
        else values[key] = result.right
      }
      return issues.length === 0 ? Effect.succeed(values as Decoded<T>) : Effect.fail(failed(issues))
    })
  )

const failed = (issues: ReadonlyArray<Issue>): ValidationFailed => {
  const [first, ...rest] = issues
  return new ValidationFailed({ issues: [first!, ...rest] })
}

/**
 * A path parameter. Ids are UUIDs, compared in lower case: an id in upper case names the same thing
 * on every store.
 */
export const pathParameter = <A>(schema: Schema.Schema<A, string>, name: string, raw: string | undefined) =>
  Validation.decode(schema, { root: name })((raw ?? "").toLowerCase())

export interface QueryOptions<K extends string> {
  /** Parameters that may repeat and may list values separated by commas: `status=ACTIVE&status=INACTIVE,TERMINATED`. */
  readonly lists?: ReadonlyArray<K>
}

/**
 * The query string decoded with `schema`. Unknown parameters are refused (naming them), a single-valued
 * parameter given twice is refused, and list parameters are gathered into arrays.
 */
export const query = <Fields extends Schema.Struct.Fields>(
  schema: Schema.Struct<Fields>,
  search: URLSearchParams,
  options: QueryOptions<keyof Fields & string> = {}
): Effect.Effect<Schema.Struct.Type<Fields>, ValidationFailed> => {
  const known = Object.keys(schema.fields)
  const lists = new Set<string>(options.lists ?? [])
  const issues: Array<Issue> = []
  const input: Record<string, unknown> = {}
  for (const name of new Set(search.keys())) {
    const values = search.getAll(name)
    const unsafe = values.map(unsafeText).find((message) => message !== null)
    if (!known.includes(name)) {
      issues.push({
        field: name,
        message:
          known.length === 0
            ? "is not a recognised query parameter; this operation takes none"
            : `is not a recognised query parameter; use ${known.join(", ")}`
      })
    } else if (unsafe !== undefined && unsafe !== null) {
      issues.push({ field: name, message: unsafe })
    } else if (lists.has(name)) {
      input[name] = values.flatMap((value) => value.split(",").map((item) => item.trim()))
    } else if (values.length > 1) {
      issues.push({ field: name, message: "must be given once" })
    } else {
      input[name] = values[0]
    }
  }
  const decode = Validation.decode(schema as unknown as Schema.Schema<Schema.Struct.Type<Fields>, unknown>, {
    root: "query"
  })
  return Effect.either(decode(input)).pipe(
    Effect.flatMap((result) => {
      const all = Either.isLeft(result) ? [...issues, ...result.left.issues.map(asParameter)] : issues
      return all.length > 0 ? Effect.fail(failed(dedupe(all))) : Effect.succeed(Either.getOrThrow(result))
    })
  )
}

// `status=FOO` is the parameter `status` to the caller, not the array element `status.0`.
const asParameter = (issue: Issue): Issue => ({ ...issue, field: issue.field.replace(/\.\d+$/, "") })

const dedupe = (issues: ReadonlyArray<Issue>): ReadonlyArray<Issue> => {
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const key = `${issue.field}\u0000${issue.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** A body for an operation that takes none: absent, or an empty JSON object (some clients always send one). */
export const noBody = (body: unknown): Effect.Effect<void, ValidationFailed> => {
  if (body === undefined) return Effect.void
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return Effect.fail(ValidationFailed.single("body", "must be empty or {}: this operation takes no body"))
  }
  const fields = Object.keys(body)
  return fields.length === 0
    ? Effect.void
    : Effect.fail(
        failed(fields.map((field) => ({ field, message: "is not a recognised field; this operation takes no body" })))
      )
}

/** A JSON body decoded with `schema`; a missing one is refused, as the operation needs it. */
export const body = <A, I>(schema: Schema.Schema<A, I>, value: unknown): Effect.Effect<A, ValidationFailed> => {
  if (value === undefined) {
    return Effect.fail(
      ValidationFailed.single("body", "is required: send a JSON object with Content-Type: application/json")
    )
  }
  const issues = unsafeIssues(value)
  return issues.length > 0 ? Effect.fail(failed(issues)) : Validation.decode(schema)(value)
}

const nulMessage = "must not contain the NUL character (\\u0000)"

const loneSurrogateMessage =
  "must be valid Unicode text: it holds half of a surrogate pair (a \\ud800–\\udfff escape without its other half)"

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** What no schema should be asked to look at in a string, or null when it is fine. */
const unsafeText = (text: string): string | null =>
  text.includes("\u0000") ? nulMessage : loneSurrogate.test(text) ? loneSurrogateMessage : null

/** `%` not starting an escape is a literal `%` to URLSearchParams (`q=100%`); only bad UTF-8 should fail. */
const strayPercent = /%(?![0-9A-Fa-f]{2})/g

const decodesAsUtf8 = (raw: string): boolean => {
  try {
    decodeURIComponent(raw.replace(strayPercent, "%25"))
    return true
  } catch {
    return false
  }
}

/**
 * Refuses query parameters whose percent-escapes are not UTF-8 (`q=%FF`), naming them: URLSearchParams
 * would read them as U+FFFD and search for, or store, something the client never sent.
 */
export const utf8Query = (url: string): Effect.Effect<void, ValidationFailed> => {
  const start = url.indexOf("?")
  if (start === -1) return Effect.void
  const issues: Array<Issue> = []
  for (const pair of url.slice(start + 1).split("&")) {
    // `=` is ASCII: decoding the pair whole checks name and value alike, escapes around `=` apart.
    if (pair === "" || decodesAsUtf8(pair)) continue
    const name = [...new URLSearchParams(pair).keys()][0] ?? "query"
    issues.push({ field: name, message: "is not valid UTF-8 once percent-decoded" })
  }
  return issues.length === 0 ? Effect.void : Effect.fail(failed(dedupe(issues)))
}

/** Deeper than any body of the API: refused before anything walks it recursively (a schema, a message). */
export const maxDepth = 32

/**
 * What no schema should be asked to look at: strings holding U+0000 (no PostgreSQL text column can
 * store it: refused here, naming the field, not failed in the database as a 500) or a lone surrogate
 * (JSON can escape one, `"\ud800"`; PostgreSQL's jsonb refuses it and UTF-8 turns it into U+FFFD, so it
 * would be a 500 or silently changed text), and nesting deeper
 * than `maxDepth`. Walked with a stack of its own, not recursion: a body nested a hundred thousand deep
 * is still under 1 MB.
 */
const unsafeIssues = (value: unknown): ReadonlyArray<Issue> => {
  const issues: Array<Issue> = []
  const pending: Array<readonly [unknown, string, number]> = [[value, "", 0]]
  while (pending.length > 0) {
    const [item, at, depth] = pending.pop()!
    if (typeof item === "string") {
      const problem = unsafeText(item)
      if (problem !== null) issues.push({ field: at || "body", message: problem })
    } else if (typeof item === "object" && item !== null) {
      if (depth >= maxDepth) {
        return [{ field: at.split(".")[0] || "body", message: `is nested more than ${maxDepth} levels deep` }]
      }
      const children = Object.entries(item)
      for (let index = children.length - 1; index >= 0; index--) {
        const [key, child] = children[index]!
        pending.push([child, at === "" ? key : `${at}.${key}`, depth + 1])
      }
    }
  }
  return issues
}
