/**
 * The password rules: 8 to 64 characters (counted as people count them, not as UTF-16 units), and
 * not the account's own email address. Passwords are taken as typed: never trimmed or normalized.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Text from "../../kernel/Text.js"
import { ValidationFailed } from "../../kernel/ValidationError.js"

export const minLength = 8
export const maxLength = 64

const lengthOf = Text.length

/** A new password's shape. Whether it equals the email is checked with `check`, which knows the email. */
export const Password = Schema.String.pipe(
  Schema.filter((password) => lengthOf(password) >= minLength && lengthOf(password) <= maxLength, {
    message: () => `must be ${minLength} to ${maxLength} characters`,
    // For JSON Schema readers (the OpenAPI document); characters are counted as people count them.
    jsonSchema: { minLength, maxLength, description: `${minLength} to ${maxLength} characters, not the email address` }
  })
)

/** How a password and an email compare: as people read them (spaces around, case and Unicode forms aside). */
const comparable = (text: string): string => text.trim().normalize("NFKC").toLowerCase()

/** What is wrong with `password` as a new password for the account with `email`; null when nothing. */
export const problem = (password: string, email: string): string | null => {
  const length = lengthOf(password)
  if (length < minLength || length > maxLength) return `must be ${minLength} to ${maxLength} characters`
  if (password.trim() === "") return "must not be only spaces"
  if (comparable(password) === comparable(email)) return "must not be your email address"
  return null
}

/** Fails with `ValidationFailed` naming `field` (`password` unless told) when `problem` finds one. The password is never in the message. */
export const check = (password: string, email: string, field = "password"): Effect.Effect<void, ValidationFailed> => {
  const found = problem(password, email)
  return found === null ? Effect.void : Effect.fail(ValidationFailed.single(field, found))
}
