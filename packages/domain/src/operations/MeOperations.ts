/**
 * A signed-in user's own account: profile, organizations, sessions, password and second factor.
 * A session that must change its password may only change it (every other is `PasswordChangeRequired`).
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as IdentityInput from "../api/IdentityInput.js"
import * as IdentityResponse from "../api/IdentityResponse.js"
import { SessionId } from "../kernel/Ids.js"
import { Me } from "./Me.js"
import * as Operation from "./Operation.js"

const none = Schema.Struct({})

export const viewMyAccount = Operation.make({
  id: "view-my-account",
  tag: "Me",
  summary: "One's own account and memberships",
  guard: "session",
  input: none,
  success: IdentityResponse.MeResponse,
  errors: ["UserNotFound"],
  run: ({ session }) => Effect.flatMap(Me, (me) => me.profile(session)).pipe(Effect.map(IdentityResponse.fromProfile))
})

export const updateMyProfile = Operation.make({
  id: "update-my-profile",
  tag: "Me",
  summary: "Change one's name or picture",
  description:
    "A field that is absent stays as it is; `null` clears it. `avatarUrl` is an https:// URL without credentials. Answers the account as it now is.",
  guard: "session",
  input: IdentityInput.UpdateMyProfile,
  success: IdentityResponse.MeResponse,
  events: ["identity.profile_updated"],
  errors: ["UserNotFound"],
  run: ({ session }, input) =>
    Effect.flatMap(Me, (me) => me.updateProfile(session, input)).pipe(Effect.map(IdentityResponse.fromProfile))
})

export const listMyOrganizations = Operation.make({
  id: "list-my-organizations",
  tag: "Me",
  summary: "The organizations one belongs to, with one's role there",
  guard: "session",
  input: none,
  success: IdentityResponse.MyOrganizationListResponse,
  errors: [],
  run: ({ session }) =>
    Effect.flatMap(Me, (me) => me.organizations(session)).pipe(
      Effect.map((memberships) => memberships.map(IdentityResponse.fromMyOrganization))
    )
})

export const listMySessions = Operation.make({
  id: "list-my-sessions",
  tag: "Me",
  summary: "One's sessions, the current one marked",
  guard: "session",
  input: none,
  success: IdentityResponse.SessionListResponse,
  errors: [],
  run: ({ session }) =>
    Effect.flatMap(Me, (me) => me.sessions(session)).pipe(
      Effect.map((sessions) => sessions.map(IdentityResponse.fromSession))
    )
})

export const revokeMySession = Operation.make({
  id: "revoke-my-session",
  tag: "Me",
  summary: "End one of one's sessions",
  description: "The current one too. Another user's session is not found.",
  guard: "session",
  input: Schema.Struct({ sessionId: SessionId }),
  success: undefined,
  events: ["session.revoked"],
  errors: ["SessionNotFound"],
  run: ({ session }, { sessionId }) => Effect.flatMap(Me, (me) => me.revokeSession(session, sessionId))
})

export const changeMyPassword = Operation.make({
  id: "change-my-password",
  tag: "Me",
  summary: "Change one's password (ends one's other sessions)",
  description: "Proven by the current password; wrong guesses count towards the same lock as sign-in.",
  guard: "session",
  input: IdentityInput.ChangePassword,
  success: undefined,
  events: ["identity.password_changed", "auth.login_failed"],
  errors: ["UserNotFound", "InvalidCredentials", "TooManyAttempts"],
  run: ({ session }, input) => Effect.flatMap(Me, (me) => me.changePassword(session, input)).pipe(Effect.asVoid)
})

export const startMyTotpEnrolment = Operation.make({
  id: "start-my-totp-enrolment",
  tag: "Me",
  summary: "Start TOTP enrolment: the secret, its QR code and ten recovery codes, shown once",
  guard: "session",
  input: none,
  success: IdentityResponse.TotpEnrolmentResponse,
  events: ["mfa.enrolment_started"],
  errors: ["UserNotFound", "MfaAlreadyEnabled"],
  run: ({ session }) =>
    Effect.flatMap(Me, (me) => me.startTotp(session)).pipe(Effect.map(IdentityResponse.fromTotpEnrolment))
})

export const enableMyTotp = Operation.make({
  id: "enable-my-totp",
  tag: "Me",
  summary: "Enable TOTP with a first code",
  guard: "session",
  input: IdentityInput.EnableTotp,
  success: undefined,
  events: ["mfa.enabled"],
  errors: ["UserNotFound", "NoPendingEnrolment", "MfaAlreadyEnabled", "InvalidMfaCode"],
  run: ({ session }, { code }) => Effect.flatMap(Me, (me) => me.enableTotp(session, code))
})

export const disableMyMfa = Operation.make({
  id: "disable-my-mfa",
  tag: "Me",
  summary: "Turn the second factor off, proven by the password",
  guard: "session",
  input: IdentityInput.DisableMfa,
  success: undefined,
  events: ["mfa.disabled", "auth.login_failed"],
  errors: ["UserNotFound", "InvalidCredentials", "TooManyAttempts"],
  run: ({ session }, { password }) => Effect.flatMap(Me, (me) => me.disableMfa(session, password))
})

export const all = [
  viewMyAccount,
  updateMyProfile,
  listMyOrganizations,
  listMySessions,
  revokeMySession,
  changeMyPassword,
  startMyTotpEnrolment,
  enableMyTotp,
  disableMyMfa
] as const
