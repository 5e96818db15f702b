/**
 * Signing in and out: with a password, with a magic link; and confirming an email address with a
 * verification link. Sign-ins record where they came from (the caller's client) with the session.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as IdentityInput from "../api/IdentityInput.js"
import * as IdentityResponse from "../api/IdentityResponse.js"
import { Auth } from "./Auth.js"
import * as Operation from "./Operation.js"

export const signIn = Operation.make({
  id: "sign-in",
  tag: "Auth",
  summary: "Sign in with email and password (and a second factor when enabled)",
  description:
    "An unknown email fails as a wrong password does. Five failures for one account lock it for fifteen minutes.",
  guard: "public",
  input: IdentityInput.Login,
  success: IdentityResponse.LoginResponse,
  events: ["session.created", "auth.login_failed", "mfa.recovery_code_used"],
  errors: ["InvalidCredentials", "TooManyAttempts", "AccountDisabled", "MfaRequired", "InvalidMfaCode"],
  run: ({ client }, input) =>
    Effect.flatMap(Auth, (auth) => auth.login({ ...input, ...client })).pipe(Effect.map(IdentityResponse.fromSignedIn))
})

export const signOut = Operation.make({
  id: "sign-out",
  tag: "Auth",
  summary: "End this session",
  guard: "session",
  input: Schema.Struct({}),
  success: undefined,
  events: ["session.revoked"],
  errors: [],
  run: ({ session }) => Effect.flatMap(Auth, (auth) => auth.logout(session))
})

export const signInWithMagicLink = Operation.make({
  id: "sign-in-with-magic-link",
  tag: "Auth",
  summary: "Sign in with a magic link's token (and a second factor when enabled)",
  description: "Once, within 15 minutes of its making. A refused attempt leaves the link unused.",
  guard: "public",
  input: IdentityInput.LinkToken,
  success: IdentityResponse.LoginResponse,
  events: ["auth.magic_link_used", "session.created", "auth.login_failed", "mfa.recovery_code_used"],
  errors: ["InvalidLink", "AccountDisabled", "TooManyAttempts", "MfaRequired", "InvalidMfaCode"],
  run: ({ client }, input) =>
    Effect.flatMap(Auth, (auth) => auth.useMagicLink({ ...input, ...client })).pipe(
      Effect.map(IdentityResponse.fromSignedIn)
    )
})

export const verifyEmail = Operation.make({
  id: "verify-email",
  tag: "Auth",
  summary: "Confirm an email address with a verification link's token",
  description: "Once, within 7 days of its making.",
  guard: "public",
  input: IdentityInput.VerifyEmail,
  success: undefined,
  events: ["identity.email_verified"],
  errors: ["InvalidLink"],
  run: (_, { token }) => Effect.flatMap(Auth, (auth) => auth.verifyEmail(token))
})

export const all = [signIn, signOut, signInWithMagicLink, verifyEmail] as const
