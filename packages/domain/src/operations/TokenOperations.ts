/**
 * The organization's API tokens: list, create (the secret is in that answer and nowhere else),
 * revoke. Answers carry a token's metadata, never its secret or hash.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as AuditResponse from "../api/AuditResponse.js"
import * as TokenInput from "../api/TokenInput.js"
import * as Cursor from "../kernel/Cursor.js"
import { TokenId } from "../kernel/Ids.js"
import * as Time from "../kernel/Time.js"
import * as Operation from "./Operation.js"
import { Tokens } from "./Tokens.js"

const permission = "can_manage_tokens"

export const listTokens = Operation.make({
  id: "list-tokens",
  tag: "Tokens",
  summary: "List the organization's API tokens (never their secrets)",
  description:
    'Newest first. Without `limit` or `cursor`: every token. With either: at most `limit` (20 when absent), and when more follow, a `Link: <?…&cursor=…>; rel="next"` header to the next page (the answer is an array: it has no room for `next`).',
  guard: "organization",
  permission,
  input: TokenInput.ListTokens,
  success: AuditResponse.TokenListResponse,
  errors: [],
  run: ({ access }, input) =>
    input.limit === undefined && input.cursor === undefined
      ? Effect.flatMap(Tokens, (tokens) => tokens.list(access)).pipe(
          Effect.map((list) => list.map(AuditResponse.fromToken))
        )
      : Effect.flatMap(Effect.all([Tokens, TokenInput.tokenStart(input)]), ([tokens, cursor]) =>
          tokens
            .list(access, { size: input.limit ?? TokenInput.defaultTokenLimit, after: cursor?.position })
            .pipe(
              Effect.map(({ items, next }) =>
                AuditResponse.tokenPage(
                  items.map(AuditResponse.fromToken),
                  next === null ? null : Cursor.encode(TokenInput.tokenCursor, (cursor?.page ?? 0) + 1, next)
                )
              )
            )
        )
})

export const createToken = Operation.make({
  id: "create-token",
  tag: "Tokens",
  summary: "Create an API token: its secret is in this response only",
  description: "A token cannot hold a permission its creator lacks. `expiresAt` absent or null: it never expires.",
  guard: "organization",
  permission,
  // `TokenInput.CreateToken` as JSON and text carry it: `expiresAt` a date-time with its offset.
  input: Schema.Struct({
    ...TokenInput.CreateToken.fields,
    expiresAt: Schema.optional(Schema.NullOr(Time.DateTime))
  }),
  success: AuditResponse.CreatedTokenResponse,
  events: ["token.created"],
  errors: ["RoleEscalation"],
  run: ({ access }, { expiresAt, ...rest }) =>
    Effect.flatMap(Tokens, (tokens) =>
      tokens.create(access, expiresAt === undefined || expiresAt === null ? rest : { ...rest, expiresAt })
    ).pipe(
      // The only time the secret is ever shown.
      Effect.map(({ token, secret }) => AuditResponse.fromCreatedToken(token, secret))
    )
})

export const revokeToken = Operation.make({
  id: "revoke-token",
  tag: "Tokens",
  summary: "Revoke an API token (idempotent)",
  description:
    "Revoking a revoked token changes nothing. A token may revoke itself, or one holding no permission it lacks.",
  guard: "organization",
  permission,
  input: Schema.Struct({ tokenId: TokenId }),
  success: AuditResponse.TokenResponse,
  events: ["token.revoked"],
  errors: ["TokenNotFound", "RoleEscalation"],
  run: ({ access }, { tokenId }) =>
    Effect.flatMap(Tokens, (tokens) => tokens.revoke(access, tokenId)).pipe(Effect.map(AuditResponse.fromToken))
})

export const all = [listTokens, createToken, revokeToken] as const
