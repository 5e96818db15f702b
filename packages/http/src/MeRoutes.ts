/** One's own account: profile, organizations, sessions, password and two-factor. */
import { IdentityInput, IdentityResponse, Me, SessionId } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Reply from "./Reply.js"
import * as Route from "./Route.js"

const done = Reply.empty(204)

export const routes: ReadonlyArray<Route.Route> = [
  Route.make({
    method: "GET",
    path: "/me",
    summary: "One's own account and memberships",
    success: { status: 200, body: IdentityResponse.MeResponse },
    guard: "session",
    handle: ({ session }) =>
      Effect.flatMap(Me, (me) => me.profile(session)).pipe(
        Effect.map((profile) => Reply.json(200, IdentityResponse.fromProfile(profile)))
      )
  }),
  Route.make({
    method: "GET",
    path: "/me/organizations",
    summary: "The organizations one belongs to, with one's role there",
    success: { status: 200, body: Schema.Array(IdentityResponse.MyOrganizationResponse) },
    guard: "session",
    handle: ({ session }) =>
      Effect.flatMap(Me, (me) => me.organizations(session)).pipe(
        Effect.map((memberships) => Reply.json(200, memberships.map(IdentityResponse.fromMyOrganization)))
      )
  }),
  Route.make({
    method: "GET",
    path: "/me/sessions",
    summary: "One's sessions, the current one marked",
    success: { status: 200, body: Schema.Array(IdentityResponse.SessionResponse) },
    guard: "session",
    handle: ({ session }) =>
      Effect.flatMap(Me, (me) => me.sessions(session)).pipe(
        Effect.map((sessions) => Reply.json(200, sessions.map(IdentityResponse.fromSession)))
      )
  }),
  Route.make({
    method: "DELETE",
    path: "/me/sessions/:sessionId",
    summary: "End one of one's sessions",
    success: { status: 204 },
    guard: "session",
    params: { sessionId: SessionId },
    handle: ({ session, params }) =>
      Effect.flatMap(Me, (me) => me.revokeSession(session, params.sessionId)).pipe(Effect.as(done))
  }),
  Route.make({
    method: "POST",
    path: "/me/password",
    summary: "Change one's password (ends one's other sessions)",
    success: { status: 204 },
    guard: "session",
    body: IdentityInput.ChangePassword,
    handle: ({ session, body }) => Effect.flatMap(Me, (me) => me.changePassword(session, body)).pipe(Effect.as(done))
  }),
  Route.make({
    method: "POST",
    path: "/me/mfa/totp",
    summary: "Start TOTP enrolment: the secret and ten recovery codes, shown once",
    success: { status: 201, body: IdentityResponse.TotpEnrolmentResponse },
    guard: "session",
    handle: ({ session }) =>
      Effect.flatMap(Me, (me) => me.startTotp(session)).pipe(
        Effect.map((enrolment) => Reply.json(201, IdentityResponse.fromTotpEnrolment(enrolment)))
      )
  }),
  Route.make({
    method: "POST",
    path: "/me/mfa/totp/enable",
    summary: "Enable TOTP with a first code",
    success: { status: 204 },
    guard: "session",
    body: IdentityInput.EnableTotp,
    handle: ({ session, body }) => Effect.flatMap(Me, (me) => me.enableTotp(session, body.code)).pipe(Effect.as(done))
  }),
  Route.make({
    method: "POST",
    path: "/me/mfa/disable",
    summary: "Turn the second factor off, proven by the password",
    success: { status: 204 },
    guard: "session",
    body: IdentityInput.DisableMfa,
    handle: ({ session, body }) =>
      Effect.flatMap(Me, (me) => me.disableMfa(session, body.password)).pipe(Effect.as(done))
  })
]
