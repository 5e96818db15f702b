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
    guard: "public",
    body: IdentityInput.Login,
    handle: ({ body, client }) =>
      Effect.flatMap(Auth, (auth) => auth.login({ ...body, ...client })).pipe(Effect.map(signedIn))
  }),
  Route.make({
    method: "POST",
    path: "/auth/logout",
    guard: "session",
    handle: ({ session }) => Effect.flatMap(Auth, (auth) => auth.logout(session)).pipe(Effect.as(Reply.empty(204)))
  }),
  Route.make({
    method: "POST",
    path: "/auth/magic-link",
    guard: "public",
    body: IdentityInput.LinkToken,
    handle: ({ body, client }) =>
      Effect.flatMap(Auth, (auth) => auth.useMagicLink({ ...body, ...client })).pipe(Effect.map(signedIn))
  }),
  Route.make({
    method: "POST",
    path: "/auth/verify-email",
    guard: "public",
    body: VerifyEmail,
    handle: ({ body }) => Effect.flatMap(Auth, (auth) => auth.verifyEmail(body.token)).pipe(Effect.as(Reply.empty(204)))
  })
]
