/** The inputs of the identity use cases, decoded by every adapter with these same schemas. */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { OrganizationId, RoleId } from "../kernel/Ids.js"
import { Password } from "../model/identity/Password.js"
import * as Text from "../kernel/Text.js"
import { ValidationFailed } from "../kernel/ValidationError.js"
import { AvatarUrl, Email, UserName } from "../model/identity/User.js"
import * as TextValue from "../kernel/TextValue.js"
import * as Cursor from "../kernel/Cursor.js"
import { PageSize, SearchText, cursorPageFields, defaultPageSize, maxPageSize, positionOf } from "./UserInput.js"

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

/** A page size as JSON or as text, with no default: the list takes it under two names. */
const PageSizeValue = TextValue.integer(PageSize, `must be a whole number from 1 to ${maxPageSize}`)

/**
 * `GET /admin/users`, `roster accounts list`: as JSON or as text (a query string, a command line).
 * The page size is `size` or `limit`, the search `q` or `search`: Roster's names and the
 * platform-users API's mean the same, and a request may use either, not both (`accountQuery`).
 */
export const ListAccounts = Schema.Struct({
  /** From 0; the first page when absent. Not with `cursor`. */
  page: cursorPageFields.page,
  size: Schema.optional(
    PageSizeValue.annotations({
      description: `The page size (${defaultPageSize} when absent); \`limit\` is another name for it`
    })
  ),
  limit: Schema.optional(
    PageSizeValue.annotations({
      description: "The page size, as the platform-users API names it: give `size` or `limit`, not both"
    })
  ),
  q: Schema.optional(
    SearchText.annotations({
      description: "Case-insensitive part of the email or the name; `search` is another name for it"
    })
  ),
  search: Schema.optional(
    SearchText.annotations({
      description: "The search, as the platform-users API names it: give `q` or `search`, not both"
    })
  ),
  /** Only platform admins (true), or only the others (false). */
  platformAdmin: Schema.optional(TextValue.boolean),
  /** Where an earlier page of this list stopped (its `next`): stable as identities are added. Not with `page`. */
  cursor: Schema.optional(Cursor.Text)
})
export type ListAccounts = typeof ListAccounts.Type

/** What the account list asks of storage: one page size and one search, whichever names they came under. */
export interface AccountQuery {
  readonly page: number
  readonly size: number
  /** Where the page starts (a cursor's position), after that identity. */
  readonly after?: ReadonlyArray<string> | undefined
  readonly q?: string | undefined
  readonly platformAdmin?: boolean | undefined
}

/** Both names of one field given: refused, naming both, as one of them would be ignored (strict input). */
const conflict = (name: string, alias: string) => [
  { field: alias, message: `is another name for ${name}: give one of ${name} and ${alias}, not both` },
  { field: name, message: `is another name for ${alias}: give one of ${name} and ${alias}, not both` }
]

/** Nothing, or `ValidationFailed` naming both names of every field given under both (`[name, alias, value, aliased]`). */
const oneNameEach = (
  pairs: ReadonlyArray<readonly [name: string, alias: string, value: unknown, aliased: unknown]>
): Effect.Effect<void, ValidationFailed> => {
  const [first, ...rest] = pairs.flatMap(([name, alias, value, aliased]) =>
    value !== undefined && aliased !== undefined ? conflict(name, alias) : []
  )
  return first === undefined ? Effect.void : Effect.fail(new ValidationFailed({ issues: [first, ...rest] }))
}

/** What the identity list's cursor is made for: by lowercase email, then id. */
export const accountCursor: Cursor.Kind = { list: "accounts", sort: "email", parts: [Cursor.text, Cursor.uuid] }

/**
 * The list's query with each parameter under one name; `ValidationFailed` naming both names of one
 * given twice, or naming `cursor` when it is malformed, another list's, or given with `page`.
 */
export const accountQuery = (input: ListAccounts): Effect.Effect<AccountQuery, ValidationFailed> =>
  oneNameEach([
    ["size", "limit", input.size, input.limit],
    ["q", "search", input.q, input.search]
  ]).pipe(
    Effect.zipRight(positionOf(accountCursor, input)),
    Effect.map((cursor) => ({
      page: cursor?.page ?? input.page ?? 0,
      size: input.size ?? input.limit ?? defaultPageSize,
      after: cursor?.position,
      q: input.q ?? input.search,
      platformAdmin: input.platformAdmin
    }))
  )

/**
 * `POST /admin/users`. With an organization, the user joins it ACTIVE with `roleId` (its default role
 * when absent); `orgId` is another name for `organizationId` (the platform-users API's), not both.
 */
export const CreateAccount = Schema.Struct({
  email: Email,
  name: Schema.optional(UserName),
  organizationId: Schema.optional(
    OrganizationId.annotations({ description: "The organization to join, ACTIVE; `orgId` is another name for it" })
  ),
  orgId: Schema.optional(
    OrganizationId.annotations({
      description: "The organization, as the platform-users API names it: give `organizationId` or `orgId`, not both"
    })
  ),
  roleId: Schema.optional(RoleId),
  password: Schema.optional(Password),
  askUserToUpdatePasswordOnLogin: Schema.optional(Schema.Boolean)
})
export type CreateAccount = typeof CreateAccount.Type

/** The organization a new account joins, under whichever name it came; both names is `ValidationFailed`. */
export const organizationToJoin = (input: CreateAccount): Effect.Effect<OrganizationId | undefined, ValidationFailed> =>
  oneNameEach([["organizationId", "orgId", input.organizationId, input.orgId]]).pipe(
    Effect.as(input.organizationId ?? input.orgId)
  )

/**
 * `PUT /me/profile`: what the user shows of themselves. A field that is absent stays as it is; `null`
 * clears it.
 */
export const UpdateMyProfile = Schema.Struct({
  name: Schema.optional(Schema.NullOr(UserName)),
  avatarUrl: Schema.optional(Schema.NullOr(AvatarUrl))
})
export type UpdateMyProfile = typeof UpdateMyProfile.Type

/** `roster admins create`. */
export const BootstrapAdmin = Schema.Struct({
  email: Email,
  password: Password,
  name: Schema.optional(UserName)
})
export type BootstrapAdmin = typeof BootstrapAdmin.Type
