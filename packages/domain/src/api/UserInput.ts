/** The inputs of the user use cases, decoded by every adapter with these same schemas. */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Cursor from "../kernel/Cursor.js"
import { RoleId, UserId } from "../kernel/Ids.js"
import { ValidationFailed } from "../kernel/ValidationError.js"
import { type MemberSort, memberSorts } from "../model/membership/Member.js"
import { FirstName, LastName, Title } from "../model/membership/Membership.js"
import { InitialStatus, MembershipStatus } from "../model/membership/MembershipStatus.js"
import { Password } from "../model/identity/Password.js"
import * as Text from "../kernel/Text.js"
import * as TextValue from "../kernel/TextValue.js"
import { Email } from "../model/identity/User.js"

const clearable = <A, I>(schema: Schema.Schema<A, I>) => Schema.optional(Schema.NullOr(schema))

export const AddUser = Schema.Struct({
  email: Email,
  firstName: clearable(FirstName),
  lastName: clearable(LastName),
  title: clearable(Title),
  /** The built-in default role (Member) when absent. */
  roleId: Schema.optional(RoleId),
  /** ACTIVE when absent. */
  status: Schema.optional(InitialStatus),
  /**
   * A password to sign in with: only for a new identity or one this organization manages
   * (`Policy.isManagedBy`); otherwise `UserNotManaged`.
   */
  password: Schema.optional(Password),
  /** With a password: the user must replace it at first sign-in. False when absent. */
  askUserToUpdatePasswordOnLogin: Schema.optional(Schema.Boolean)
})
export type AddUser = typeof AddUser.Type

/** A field that is absent stays as it is; `null` clears it. */
export const UpdateProfile = Schema.Struct({
  firstName: clearable(FirstName),
  lastName: clearable(LastName),
  title: clearable(Title)
})
export type UpdateProfile = typeof UpdateProfile.Type

export const ChangeRole = Schema.Struct({ roleId: RoleId })
export type ChangeRole = typeof ChangeRole.Type

export const Reason = Text.TrimmedNfc.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Text.maxCharacters(1000)
)

export const Remove = Schema.Struct({ reason: Reason })
export type Remove = typeof Remove.Type

export const maxPageSize = 200
export const defaultPageSize = 20

export const PageNumber = Schema.Int.pipe(
  Schema.greaterThanOrEqualTo(0, { message: () => "must be a whole number, 0 or more" }),
  Schema.lessThanOrEqualTo(2_147_483_647, { message: () => "is too large" })
)
export const PageSize = Schema.Int.pipe(
  Schema.between(1, maxPageSize, { message: () => `must be a whole number from 1 to ${maxPageSize}` })
)

/** Search text, in NFC as the names and emails it is matched against are stored. */
export const SearchText = Text.TrimmedNfc.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Text.maxCharacters(200)
)

/** `page` (from 0) and `size` of every paged list, with their defaults. */
export const strictPageFields = {
  page: Schema.optionalWith(PageNumber, { default: () => 0 }),
  size: Schema.optionalWith(PageSize, { default: () => defaultPageSize })
}

/**
 * The same for an operation's input, which also takes them as text (from a query string or a
 * command line), with a message that says what is allowed.
 */
export const pageFields = {
  page: Schema.optionalWith(TextValue.integer(PageNumber, "must be a whole number, 0 or more"), {
    default: () => 0
  }),
  size: Schema.optionalWith(TextValue.integer(PageSize, `must be a whole number from 1 to ${maxPageSize}`), {
    default: () => defaultPageSize
  })
}

/** How many items a list skips before its first: an alternative to `page`. */
export const Offset = Schema.Int.pipe(
  Schema.greaterThanOrEqualTo(0, { message: () => "must be a whole number, 0 or more" }),
  Schema.lessThanOrEqualTo(2_147_483_647, { message: () => "is too large" })
)

export const ListUsers = Schema.Struct({
  /** From 0; the first page when absent. Not with `offset`. */
  page: Schema.optional(PageNumber),
  size: strictPageFields.size,
  /** Members to skip instead of whole pages (`offset=30&size=10` answers the 31st to the 40th). Not with `page`. */
  offset: Schema.optional(Offset),
  /** ACTIVE, INACTIVE and TERMINATED when absent. */
  status: Schema.optional(Schema.NonEmptyArray(MembershipStatus)),
  roleId: Schema.optional(RoleId),
  /** A case-insensitive substring of the email, first name, last name or "first last". */
  q: Schema.optional(SearchText),
  /** A case-insensitive substring of the email alone. */
  email: Schema.optional(SearchText),
  /** The order: `createdAt` (when they joined) when absent, `email` or `name`; `-` before one descends. */
  sort: Schema.optional(Schema.Literal(...memberSorts)),
  /** Where an earlier page of this list, in this order, stopped (its `next`). Not with `page` or `offset`. */
  cursor: Schema.optional(Cursor.Text)
})
export type ListUsers = typeof ListUsers.Type

/** What a member list's cursor is made for: the list in one order, its key (a time or a text) and the user id. */
export const memberCursor = (sort: MemberSort = "createdAt"): Cursor.Kind => ({
  list: "members",
  sort,
  parts: [sort.endsWith("createdAt") ? Cursor.instant : Cursor.text, Cursor.uuid]
})

/** What an event log's cursor is made for: newest first, by the log's sequence. */
export const eventCursor: Cursor.Kind = { list: "events", sort: "-seq", parts: [Cursor.sequence] }

/**
 * The page and keyset position a list's `cursor` holds (undefined without one), or `ValidationFailed`
 * naming `cursor`: it is malformed, made by another list or order, or given with a page number or
 * an offset, which say where to start as well.
 */
export const positionOf = (
  kind: Cursor.Kind,
  input: {
    readonly cursor?: string | undefined
    readonly page?: number | undefined
    readonly offset?: number | undefined
  }
): Effect.Effect<Cursor.Decoded | undefined, ValidationFailed> => {
  if (input.cursor === undefined) return Effect.succeed(undefined)
  const others = (["page", "offset"] as const).filter((name) => input[name] !== undefined)
  if (others.length > 0) {
    return Effect.fail(
      ValidationFailed.single("cursor", `cannot be given with ${others.join(" or ")}: page by one or the other`)
    )
  }
  return Either.match(Cursor.decode(kind, input.cursor), { onLeft: Effect.fail, onRight: Effect.succeed })
}

/** A list's `page` and `size` as an operation's input takes them, `page` left out when absent (a cursor may stand for it). */
export const cursorPageFields = {
  page: Schema.optional(TextValue.integer(PageNumber, "must be a whole number, 0 or more")),
  size: pageFields.size
}

/** `ListUsers`' numbers as an operation's input takes them: as JSON or as text, `size` defaulted. */
export const listUsersPageFields = {
  page: Schema.optional(TextValue.integer(PageNumber, "must be a whole number, 0 or more")),
  size: pageFields.size,
  offset: Schema.optional(TextValue.integer(Offset, "must be a whole number, 0 or more"))
}

export { UserId }
