/**
 * The organization's API tokens: list, create (the secret is in that response and nowhere else),
 * revoke. Responses carry a token's metadata, never its secret or hash.
 */
import { AuditResponse, Time, TokenId, TokenInput, Tokens } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Reply from "./Reply.js"
import * as Route from "./Route.js"

const permission = "can_manage_tokens"
const tokens = "/organizations/tokens"

/** A token as listed: never its secret. */
export const fromToken = AuditResponse.fromToken

/** An RFC 3339 date-time with its offset: `new Date` alone would take `"1"` for the year 2001. */
export const DateTime = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i, {
    message: () => "must be a date-time with an offset, such as 2030-01-31T12:00:00Z"
  }),
  Schema.filter(Time.isCalendarDate, { message: () => "must be a day of the calendar (no February 30th)" }),
  Schema.compose(Schema.Date)
)

/** `TokenInput.CreateToken` as JSON: `expiresAt` is a date-time string; absent or `null` never expires. */
export const CreateTokenBody = Schema.Struct({
  ...TokenInput.CreateToken.fields,
  expiresAt: Schema.optional(Schema.NullOr(DateTime))
})

export const routes: ReadonlyArray<Route.Route> = [
  Route.make({
    method: "GET",
    path: tokens,
    summary: "List the organization's API tokens (never their secrets)",
    success: { status: 200, body: "TokenList" },
    permission,
    handle: ({ access }) =>
      Effect.flatMap(Tokens, (service) => service.list(access)).pipe(
        Effect.map((list) => Reply.json(200, list.map(fromToken)))
      )
  }),
  Route.make({
    method: "POST",
    path: tokens,
    summary: "Create an API token: its secret is in this response only",
    success: { status: 201, body: "CreatedToken" },
    permission,
    body: CreateTokenBody,
    handle: ({ access, body: { expiresAt, ...rest } }) =>
      Effect.flatMap(Tokens, (service) =>
        service.create(access, expiresAt === undefined || expiresAt === null ? rest : { ...rest, expiresAt })
      ).pipe(
        // The only time the secret is ever shown.
        Effect.map(({ token, secret }) => Reply.json(201, AuditResponse.fromCreatedToken(token, secret)))
      )
  }),
  Route.make({
    method: "DELETE",
    path: `${tokens}/:tokenId`,
    summary: "Revoke an API token (idempotent)",
    success: { status: 200, body: "Token" },
    permission,
    params: { tokenId: TokenId },
    handle: ({ access, params }) =>
      Effect.flatMap(Tokens, (service) => service.revoke(access, params.tokenId)).pipe(
        Effect.map((token) => Reply.json(200, fromToken(token)))
      )
  })
]
