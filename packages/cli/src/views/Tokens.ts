/** Organization tokens as people read them; a new token's secret, once, with a note that says so. */
import type { AuditResponse } from "@roster/domain"
import * as Render from "../Render.js"
import type { View } from "../View.js"

type Token = AuditResponse.TokenResponse

const state = (token: Token, now: Date) =>
  token.revokedAt !== null
    ? "revoked"
    : token.expiresAt === null || Date.parse(token.expiresAt) > now.getTime()
      ? "active"
      : "expired"

const expires = (token: Token) => token.expiresAt ?? "never"

const record = (render: Render.Renderer, token: Token, now: Date) =>
  render.record([
    ["id", token.id],
    ["name", token.name],
    ["permissions", Render.list(token.permissions)],
    ["status", state(token, now)],
    ["created", token.createdAt],
    ["expires", expires(token)],
    ["revoked", token.revokedAt],
    ["last used", token.lastUsedAt],
    ["acts for", token.createdByUserId ?? "the organization"]
  ])

export const token: View<Token> = {
  text: (render, found, context) => record(render, found, context.now)
}

export const created: View<AuditResponse.CreatedTokenResponse> = {
  text: (render, { token: secret, ...found }) =>
    [
      // As it was made: whether it has expired since is not news.
      record(render, found, new Date(found.createdAt)),
      "",
      "Token (shown once: it is not stored and cannot be shown again, so keep it safe now):",
      secret
    ].join("\n")
}

export const list: View<AuditResponse.TokenListResponse> = {
  text: (render, tokens, context) =>
    tokens.length === 0
      ? "No tokens."
      : render.table(
          ["id", "name", "permissions", "status", "created", "expires", "last used"],
          tokens.map((found) => [
            found.id,
            found.name,
            Render.lines(found.permissions),
            state(found, context.now),
            found.createdAt,
            expires(found),
            found.lastUsedAt
          ])
        )
}
