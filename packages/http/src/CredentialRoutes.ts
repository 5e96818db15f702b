/**
 * What an organization's admins do about a member's sign-in: set a password, hand out a magic link
 * or an email verification link. Only for users the organization manages (see DESIGN.md).
 */
import type { IssuedLink } from "@roster/domain"
import { Credentials, IdentityInput, PublicUrl, UserId } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Reply from "./Reply.js"
import * as Route from "./Route.js"

const user = "/organizations/users/:userId"
const userIdParam = { userId: UserId }

/** A link handed out once: where to send the user, and until when it works. */
export const IssuedLinkResponse = Schema.Struct({ url: Schema.String, expiresAt: Schema.String })

const link = (publicUrl: string, path: string) => (issued: IssuedLink) =>
  Reply.json(200, { url: PublicUrl.link(publicUrl, path, issued.secret), expiresAt: issued.expiresAt.toISOString() })

export const routes = (publicUrl: string): ReadonlyArray<Route.Route> => [
  Route.make({
    method: "POST",
    path: `${user}/reset-password`,
    summary: "Set a managed member's password, ending their sessions",
    success: { status: 204 },
    permission: "can_manage_users",
    params: userIdParam,
    body: IdentityInput.SetPassword,
    handle: ({ access, params, body }) =>
      Effect.flatMap(Credentials, (credentials) => credentials.setPassword(access, params.userId, body)).pipe(
        Effect.as(Reply.empty(204))
      )
  }),
  Route.make({
    method: "GET",
    path: `${user}/magic-link`,
    summary: "Make a one-time sign-in link for a managed member (15 minutes)",
    success: { status: 200, body: IssuedLinkResponse },
    // Each call makes a link (and an event): a HEAD must not make one nobody sees.
    safe: false,
    permission: "can_manage_users",
    params: userIdParam,
    handle: ({ access, params }) =>
      Effect.flatMap(Credentials, (credentials) => credentials.magicLink(access, params.userId)).pipe(
        Effect.map(link(publicUrl, "/auth/magic-link"))
      )
  }),
  Route.make({
    method: "POST",
    path: `${user}/email-verification`,
    summary: "Make a link that confirms a managed member's email address (7 days)",
    success: { status: 200, body: IssuedLinkResponse },
    permission: "can_manage_users",
    params: userIdParam,
    handle: ({ access, params }) =>
      Effect.flatMap(Credentials, (credentials) => credentials.emailVerification(access, params.userId)).pipe(
        Effect.map(link(publicUrl, "/auth/verify-email"))
      )
  })
]
