/**
 * How every text field of the domain is read: in Unicode NFC (an "é" typed as one code point or as
 * "e" and a combining accent is the same text), and measured in characters as people count them —
 * Unicode code points, as JSON Schema's `maxLength` and PostgreSQL's `char_length` count — not in
 * UTF-16 units, which would make "😀" two characters.
 */
import * as Schema from "effect/Schema"

/** Text in Unicode NFC. */
export const Nfc = Schema.transform(Schema.String, Schema.String, {
  strict: true,
  decode: (text) => text.normalize("NFC"),
  encode: (text) => text
})

/** Trimmed, then in NFC: how names, titles, reasons and search text are taken. */
export const TrimmedNfc = Schema.compose(Schema.Trim, Nfc)

/** The number of characters (code points) in `text`. */
export const length = (text: string): number => {
  let count = 0
  for (const _ of text) count++
  return count
}

/** At most `max` characters, counted as `length` counts them. */
export const maxCharacters =
  (max: number) =>
  <A extends string, I, R>(self: Schema.Schema<A, I, R>) =>
    self.pipe(
      Schema.filter((text: A) => length(text) <= max, {
        message: () => `must be at most ${max} characters`,
        jsonSchema: { maxLength: max }
      })
    )

// C0 controls (tab and line breaks included), DEL and C1 controls: the point is to find them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: it matches control characters on purpose
const controlCharacter = /[\u0000-\u001F\u007F-\u009F]/

/** Whether `text` holds a control character: a line break, a tab, an escape, NUL, DEL, a C1 control. */
export const hasControlCharacter = (text: string): boolean => controlCharacter.test(text)

/**
 * No control characters (line breaks, tabs, escapes): for text shown on one line, such as a display
 * name, where they would break what shows it.
 */
export const withoutControlCharacters = <A extends string, I, R>(self: Schema.Schema<A, I, R>) =>
  self.pipe(
    Schema.filter((text: A) => !hasControlCharacter(text), {
      message: () => "must not contain control characters (line breaks, tabs, escapes)"
    })
  )

/**
 * Lower case as PostgreSQL's `lower()` makes it — one character at a time (so "Σ" is always "σ",
 * never a final "ς"), and "İ" becomes a plain "i" — so that text compared here and text compared in
 * the database agree on which spellings are the same.
 */
export const lowerCase = (text: string): string => {
  let lowered = ""
  for (const character of text) lowered += character === "\u0130" ? "i" : character.toLowerCase()
  return lowered
}
