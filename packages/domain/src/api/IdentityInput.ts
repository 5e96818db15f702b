/** The inputs of the identity use cases, decoded by every adapter with these same schemas. */
import * as Schema from "effect/Schema"
import { OrganizationId, RoleId } from "../kernel/Ids.js"
import { Password } from "../model/identity/Password.js"
import * as Text from "../kernel/Text.js"
import { Email, UserName } from "../model/identity/User.js"
import { SearchText, strictPageFields } from "./UserInput.js"

/**
 * A password as typed to prove who one is. No rules beyond a bound: the rules are for new passwords,
 * and an old password that predates them must still work.
 */
export const PresentedPassword = Schema.String.pipe(
  Schema.minLength(1, { message: () => "is required" }),
  Text.maxCharacters(1024)
)

/** A TOTP code (6 digits) or a recovery code (`xxxx-xxxx-xxxx-xxxx`), as typed. */
export const MfaCode = Schema.Trim.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Schema.maxLength(64, { message: () => "must be at most 64 characters" })
)

/** `POST /auth/login`. The email is not validated beyond a bound: an unknown one fails like a wrong password. */
export const Login = Schema.Struct({
  email: Text.TrimmedNfc.pipe(Schema.minLength(1, { message: () => "is required" }), Text.maxCharacters(320)),
  password: PresentedPassword,
  code: Schema.optional(MfaCode)
})
export type Login = typeof Login.Type

/** `POST /auth/magic-link` and `POST /auth/verify-email`: the token from the link's fragment. */
export const LinkToken = Schema.Struct({
  token: Schema.String.pipe(Schema.maxLength(200, { message: () => "must be at most 200 characters" })),
  /** Magic links only: the second factor, when the account has one. */
  code: Schema.optional(MfaCode)
})
export type LinkToken = typeof LinkToken.Type

/** `POST /auth/verify-email`: the token alone (a second factor is for signing in). */
export const VerifyEmail = Schema.Struct({ token: LinkToken.fields.token })
export type VerifyEmail = typeof VerifyEmail.Type

/** `POST /me/password`. */
export const ChangePassword = Schema.Struct({
  currentPassword: PresentedPassword,
  newPassword: Password
})
export type ChangePassword = typeof ChangePassword.Type

/** `POST /me/mfa/totp/enable`. */
export const EnableTotp = Schema.Struct({ code: MfaCode })
export type EnableTotp = typeof EnableTotp.Type

/** `POST /me/mfa/disable`. */
export const DisableMfa = Schema.Struct({ password: PresentedPassword })
export type DisableMfa = typeof DisableMfa.Type

/** An admin setting someone's password (`…/reset-password`, `users set-password`). */
export const SetPassword = Schema.Struct({
  password: Password,
  /** The user must replace it at next sign-in. False when absent. */
  askUserToUpdatePasswordOnLogin: Schema.optional(Schema.Boolean)
})
export type SetPassword = typeof SetPassword.Type

/** `GET /admin/users`. */
export const ListAccounts = Schema.Struct({
  ...strictPageFields,
  /** Case-insensitive substring of the email or the name. */
  q: Schema.optional(SearchText),
  /** Only platform admins (true), or only the others (false). */
  platformAdmin: Schema.optional(Schema.Boolean)
})
export type ListAccounts = typeof ListAccounts.Type

/** `POST /admin/users`. With an organization, the user joins it ACTIVE with `roleId` (its default role when absent). */
export const CreateAccount = Schema.Struct({
  email: Email,
  name: Schema.optional(UserName),
  organizationId: Schema.optional(OrganizationId),
  roleId: Schema.optional(RoleId),
  password: Schema.optional(Password),
  askUserToUpdatePasswordOnLogin: Schema.optional(Schema.Boolean)
})
export type CreateAccount = typeof CreateAccount.Type

/** `roster admins create`. */
export const BootstrapAdmin = Schema.Struct({
  email: Email,
  password: Password,
  name: Schema.optional(UserName)
})
export type BootstrapAdmin = typeof BootstrapAdmin.Type
