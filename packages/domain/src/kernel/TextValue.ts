/**
 * Values that arrive as JSON or as text: a query string or a command line gives `"20"` where a JSON
 * body gives `20`. These schemas take both, so that one input schema serves every surface; text
 * must be exactly what it says (`1.5`, `1e3`, ` 2` and `abc` are not whole numbers).
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

// Digits beyond a safe integer are still a number, just too large: the target's range check says so.
const saturate = (text: string): number => {
  const number = Number(text)
  return Number.isSafeInteger(number) ? number : Math.sign(number) * Number.MAX_SAFE_INTEGER
}

/** A whole number, as a JSON number or as plain digits; `message` says what `target` allows. */
export const integer = <A>(target: Schema.Schema<A, number>, message: string): Schema.Schema<A, number | string> =>
  Schema.transformOrFail(Schema.Union(Schema.Number, Schema.String), Schema.Number, {
    strict: true,
    decode: (value, _, ast) =>
      typeof value === "number"
        ? ParseResult.succeed(value)
        : /^-?[0-9]+$/.test(value)
          ? ParseResult.succeed(saturate(value))
          : ParseResult.fail(new ParseResult.Type(ast, value, message)),
    encode: (number) => ParseResult.succeed(number)
  }).pipe(Schema.compose(target), Schema.annotations({ message: () => message }))

/** `true` or `false`, as JSON or as text, exactly. */
export const boolean: Schema.Schema<boolean, boolean | "true" | "false"> = Schema.transform(
  Schema.Union(Schema.Boolean, Schema.Literal("true", "false")),
  Schema.Boolean,
  {
    strict: true,
    decode: (value) => value === true || value === "true",
    encode: (value) => value
  }
)
