import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { Permission } from "../model/access/Permission.js"
import { TokenName } from "../model/access/OrganizationToken.js"
import * as Cursor from "../kernel/Cursor.js"
import * as TextValue from "../kernel/TextValue.js"
import type { ValidationFailed } from "../kernel/ValidationError.js"

export const CreateToken = Schema.Struct({
  name: TokenName,
  permissions: Schema.Array(Permission).pipe(
    Schema.minItems(1, { message: () => "must list at least one permission" })
  ),
  /** Never expires when absent. */
  expiresAt: Schema.optional(Schema.DateFromSelf)
})
export type CreateToken = typeof CreateToken.Type

/** The most tokens one page of `GET /organizations/tokens` holds. */
export const maxTokenLimit = 100

/** Tokens on a page when a `cursor` comes without `limit` (a `Link` keeps the caller's `limit`). */
export const defaultTokenLimit = 20

/** What the token list's cursor is made for: newest first, by creation time, then id. */
export const tokenCursor: Cursor.Kind = { list: "tokens", sort: "-createdAt", parts: [Cursor.instant, Cursor.uuid] }

/**
 * `GET /organizations/tokens`, as JSON or as text. Neither given: every token, as ever. With `limit`
 * and/or `cursor`: that many (`defaultTokenLimit` when absent) after the cursor's token.
 */
export const ListTokens = Schema.Struct({
  limit: Schema.optional(
    TextValue.integer(
      Schema.Int.pipe(
        Schema.between(1, maxTokenLimit, { message: () => `must be a whole number from 1 to ${maxTokenLimit}` })
      ),
      `must be a whole number from 1 to ${maxTokenLimit}`
    ).annotations({
      description: `Tokens on the page, 1 to ${maxTokenLimit}; every token when neither this nor \`cursor\` is given`
    })
  ),
  cursor: Schema.optional(
    Cursor.Text.annotations({ description: 'Where an earlier page stopped: the `cursor` of its `Link: …; rel="next"`' })
  )
})
export type ListTokens = typeof ListTokens.Type

/** Where a page of tokens starts: `cursor`'s page and position (undefined without one), or `ValidationFailed` naming `cursor`. */
export const tokenStart = (input: ListTokens): Effect.Effect<Cursor.Decoded | undefined, ValidationFailed> =>
  input.cursor === undefined
    ? Effect.succeed(undefined)
    : Either.match(Cursor.decode(tokenCursor, input.cursor), { onLeft: Effect.fail, onRight: Effect.succeed })
