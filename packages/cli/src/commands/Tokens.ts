/** `roster tokens …`: the organization tokens HTTP API consumers present; the secret is shown once. */
import { type Command, Option } from "commander"
import * as Effect from "effect/Effect"
import {
  AuditResponse,
  OrganizationToken,
  Permission,
  Time,
  TokenId,
  TokenInput,
  Tokens,
  ValidationFailed
} from "@roster/domain"
import * as Input from "../Input.js"
import * as Operator from "../Operator.js"
import type { Define, Output } from "../Plan.js"
import * as Render from "../Render.js"
import { collect } from "./Options.js"

const state = (token: OrganizationToken.OrganizationToken, now: Date) =>
  token.revokedAt !== null ? "revoked" : OrganizationToken.isUsable(token, now) ? "active" : "expired"

const record = (render: Render.Renderer, token: OrganizationToken.OrganizationToken, now: Date) =>
  render.record([
    ["id", token.id],
    ["name", token.name],
    ["permissions", Render.list(token.permissions)],
    ["status", state(token, now)],
    ["created", Render.date(token.createdAt)],
    ["expires", token.expiresAt === null ? "never" : Render.date(token.expiresAt)],
    ["revoked", Render.date(token.revokedAt)],
    ["last used", Render.date(token.lastUsedAt)],
    ["acts for", token.createdByUserId ?? "the organization"]
  ])

const created = (token: OrganizationToken.OrganizationToken, secret: string, organization: string): Output => {
  return {
    json: AuditResponse.fromCreatedToken(token, secret),
    text: (render) =>
      [
        `Created token ${token.name} in ${organization}.`,
        record(render, token, token.createdAt),
        "",
        "Token (shown once: it is not stored and cannot be shown again, so keep it safe now):",
        secret
      ].join("\n")
  }
}

const permissionsHelp = `a permission to grant (repeatable): ${Permission.all.join(", ")}, or all`

export const register = (program: Command, define: Define) => {
  const tokens = program.command("tokens").description("Create, list and revoke organization API tokens")

  define(
    tokens
      .command("create")
      .description("Create an organization token; prints the secret once")
      .requiredOption("--org <org>", "organization id or name")
      .requiredOption("--name <name>", "what the token is for, e.g. hr-sync")
      .requiredOption("--permission <permission>", permissionsHelp, collect)
      .addOption(
        new Option("--expires-at <date>", "expiry as an ISO 8601 date or date-time (default: never)").conflicts(
          "expiresIn"
        )
      )
      .addOption(
        new Option("--expires-in <duration>", "expiry from now, such as 90m, 12h, 30d or 2w").conflicts("expiresAt")
      ),
    (line) =>
      Effect.gen(function* () {
        const org = yield* Input.reference("--org", line.text("org")!)
        const expiresAtText = line.text("expiresAt")
        const expiresInText = line.text("expiresIn")
        const now = yield* Time.now
        const expiresAt =
          expiresAtText !== undefined
            ? yield* Input.isoDateTime("--expires-at", expiresAtText)
            : expiresInText !== undefined
              ? new Date(now.getTime() + (yield* Input.duration("--expires-in", expiresInText)))
              : undefined
        if (expiresAt !== undefined && expiresAt.getTime() <= now.getTime()) {
          return yield* ValidationFailed.single(
            expiresAtText !== undefined ? "--expires-at" : "--expires-in",
            "must be in the future"
          )
        }
        const input = yield* Input.decode(
          TokenInput.CreateToken,
          {
            name: line.text("name"),
            permissions: line
              .texts("permission")
              ?.flatMap((permission) => (permission === "all" ? Permission.all : [permission])),
            expiresAt
          },
          {
            name: "--name",
            permissions: { flag: "--permission", oneOf: [...Permission.all, "all"] },
            expiresAt: "--expires-at"
          }
        )
        return Effect.gen(function* () {
          const { access, organization } = yield* Operator.inOrganization(org)
          const { token, secret } = yield* Effect.flatMap(Tokens, (tokens) => tokens.create(access, input))
          return created(token, secret, organization.name)
        })
      })
  )

  define(
    tokens
      .command("list")
      .description("List an organization's tokens, newest first (never their secrets)")
      .requiredOption("--org <org>", "organization id or name"),
    (line) =>
      Input.reference("--org", line.text("org")!).pipe(
        Effect.map((org) =>
          Effect.gen(function* () {
            const { access } = yield* Operator.inOrganization(org)
            const found = yield* Effect.flatMap(Tokens, (tokens) => tokens.list(access))
            const now = yield* Time.now
            return {
              json: found.map(AuditResponse.fromToken),
              text: (render: Render.Renderer) =>
                found.length === 0
                  ? "No tokens."
                  : render.table(
                      ["id", "name", "permissions", "status", "created", "expires", "last used"],
                      found.map((token) => [
                        token.id,
                        token.name,
                        Render.lines(token.permissions),
                        state(token, now),
                        Render.date(token.createdAt),
                        token.expiresAt === null ? "never" : Render.date(token.expiresAt),
                        Render.date(token.lastUsedAt)
                      ])
                    )
            } satisfies Output
          })
        )
      )
  )

  define(
    tokens
      .command("revoke")
      .description("Revoke a token at once; revoking a revoked token changes nothing")
      .argument("<tokenId>", "the token's id (see tokens list)")
      .requiredOption("--org <org>", "organization id or name"),
    (line) =>
      Effect.gen(function* () {
        const org = yield* Input.reference("--org", line.text("org")!)
        const tokenId = yield* Input.decodeValue(TokenId, line.args[0], "tokenId")
        return Effect.gen(function* () {
          const { access } = yield* Operator.inOrganization(org)
          const token = yield* Effect.flatMap(Tokens, (tokens) => tokens.revoke(access, tokenId))
          const now = yield* Time.now
          return {
            // The API's shape (`DELETE /organizations/tokens/{id}`), so that scripts see one shape.
            json: AuditResponse.fromToken(token),
            text: (render: Render.Renderer) => [`Revoked token ${token.name}.`, record(render, token, now)].join("\n")
          } satisfies Output
        })
      })
  )
}
