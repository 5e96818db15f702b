/**
 * What an organization's admins do about a member's sign-in: set their password, hand out a magic
 * link or an email verification link. Only for members the organization manages. A link is answered
 * whole, on the public URL the application provides (`PublicUrl.Base`).
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as IdentityInput from "../api/IdentityInput.js"
import * as IdentityResponse from "../api/IdentityResponse.js"
import { UserId } from "../kernel/Ids.js"
import * as PublicUrl from "../kernel/PublicUrl.js"
import { Credentials } from "./Credentials.js"
import * as Operation from "./Operation.js"

const member = { userId: UserId }

/** The errors of anything done to a member's sign-in (see `Credentials`). */
const manageable = ["UserNotFound", "UserNotManaged", "Outranked"] as const

export const resetUserPassword = Operation.make({
  id: "reset-user-password",
  tag: "Users",
  summary: "Set a managed member's password, ending their sessions",
  description:
    "They must change it at their next sign-in unless `askUserToUpdatePasswordOnLogin` is false: the admin knows it.",
  guard: "organization",
  permission: "can_manage_users",
  input: Schema.Struct({ ...member, ...IdentityInput.SetPassword.fields }),
  success: undefined,
  events: ["identity.password_set"],
  errors: manageable,
  run: ({ access }, { userId, ...input }) =>
    Effect.flatMap(Credentials, (credentials) => credentials.setPassword(access, userId, input))
})

export const createUserMagicLink = Operation.make({
  id: "create-user-magic-link",
  tag: "Users",
  summary: "Make a one-time sign-in link for a managed member (15 minutes)",
  guard: "organization",
  permission: "can_manage_users",
  input: Schema.Struct(member),
  success: IdentityResponse.IssuedLinkResponse,
  events: ["auth.magic_link_issued"],
  errors: [...manageable, "AccountDisabled"],
  run: ({ access }, { userId }) =>
    Effect.all([
      PublicUrl.Base,
      Effect.flatMap(Credentials, (credentials) => credentials.magicLink(access, userId))
    ]).pipe(Effect.map(([publicUrl, issued]) => IdentityResponse.fromIssuedLink(publicUrl, "magic_link", issued)))
})

export const createUserVerificationLink = Operation.make({
  id: "create-user-verification-link",
  tag: "Users",
  summary: "Make a link that confirms a managed member's email address (7 days)",
  guard: "organization",
  permission: "can_manage_users",
  input: Schema.Struct(member),
  success: IdentityResponse.IssuedLinkResponse,
  events: ["auth.email_verification_issued"],
  // Its use case shares the magic link's type; only a magic link is refused to a deactivated identity.
  errors: [...manageable, "AccountDisabled"],
  run: ({ access }, { userId }) =>
    Effect.all([
      PublicUrl.Base,
      Effect.flatMap(Credentials, (credentials) => credentials.emailVerification(access, userId))
    ]).pipe(
      Effect.map(([publicUrl, issued]) => IdentityResponse.fromIssuedLink(publicUrl, "email_verification", issued))
    )
})

export const all = [resetUserPassword, createUserMagicLink, createUserVerificationLink] as const
