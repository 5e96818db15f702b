/** Signing in and out: password sign-in, magic links, email verification links. */
import type { SignedIn } from "@roster/domain"
import { Auth, IdentityInput, IdentityResponse } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Reply from "./Reply.js"
import * as Route from "./Route.js"

/** `POST /auth/verify-email`: the token alone (a second factor is for signing in). */
export const VerifyEmail = Schema.Struct({ token: IdentityInput.LinkToken.fields.token })

const signedIn = (signedIn: SignedIn) => Reply.json(200, IdentityResponse.fromSignedIn(signedIn))

export const routes: ReadonlyArray<Route.Route> = [
  Route.make({
    method: "POST",
    path: "/auth/login",
    summary: "Sign in with email and password (and a second factor when enabled)",
    success: { status: 200, body: IdentityResponse.LoginResponse },
    guard: "public",
    body: IdentityInput.Login,
    handle: ({ body, client }) =>
      Effect.flatMap(Auth, (auth) => auth.login({ ...body, ...client })).pipe(Effect.map(signedIn))
  }),
  Route.make({
    method: "POST",
    path: "/auth/logout",
    summary: "End this session",
    success: { status: 204 },
    guard: "session",
    handle: ({ session }) => Effect.flatMap(Auth, (auth) => auth.logout(session)).pipe(Effect.as(Reply.empty(204)))
  }),
  Route.make({
    method: "POST",
    path: "/auth/magic-link",
    summary: "Sign in with a magic link's token (and a second factor when enabled)",
    success: { status: 200, body: IdentityResponse.LoginResponse },
    guard: "public",
    body: IdentityInput.LinkToken,
    handle: ({ body, client }) =>
      Effect.flatMap(Auth, (auth) => auth.useMagicLink({ ...body, ...client })).pipe(Effect.map(signedIn))
  }),
  Route.make({
    method: "POST",
    path: "/auth/verify-email",
    summary: "Confirm an email address with a verification link's token",
    success: { status: 204 },
    guard: "public",
    body: VerifyEmail,
    handle: ({ body }) => Effect.flatMap(Auth, (auth) => auth.verifyEmail(body.token)).pipe(Effect.as(Reply.empty(204)))
  })
]
