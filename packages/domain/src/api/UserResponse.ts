/**
 * A member as the Users API contract (`UserResponse`, `UserPageResponse`) shows it. The HTTP API and
 * the CLI's `--json` output both use these, so that scripts see one shape.
 */
import * as Schema from "effect/Schema"
import * as Cursor from "../kernel/Cursor.js"
import * as UserInput from "./UserInput.js"
import { IsoDateTime } from "../kernel/Time.js"
import type { Member, Page } from "../model/membership/Member.js"
import { totalPages } from "../model/membership/Member.js"
import { MembershipStatus } from "../model/membership/MembershipStatus.js"

const DateTime = IsoDateTime

export const UserProfileResponse = Schema.Struct({
  id: Schema.UUID,
  firstName: Schema.NullOr(Schema.String),
  lastName: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  organizationId: Schema.UUID,
  roleId: Schema.UUID,
  status: MembershipStatus,
  createdDateTime: DateTime,
  lastSignedInAt: Schema.NullOr(DateTime)
})
export type UserProfileResponse = typeof UserProfileResponse.Type

export const UserResponse = Schema.Struct({
  id: Schema.UUID,
  email: Schema.String,
  idpId: Schema.NullOr(Schema.String),
  roleId: Schema.UUID,
  profile: UserProfileResponse,
  createdDateTime: DateTime
})
export type UserResponse = typeof UserResponse.Type

export const UserPageResponse = Schema.Struct({
  content: Schema.Array(UserResponse),
  totalElements: Schema.Int,
  totalPages: Schema.Int,
  size: Schema.Int,
  /** From 0; on a page asked for by cursor, one more than the page that handed the cursor out. */
  number: Schema.Int,
  /** The cursor of the page after this one (`cursor=…`), null on the last page. */
  next: Schema.NullOr(Schema.String)
})
export type UserPageResponse = typeof UserPageResponse.Type

/**
 * A sign-in the organization may know of: one since the person joined it. An earlier one belongs
 * to the account's life elsewhere (another organization, or none), which is not this one's to see.
 */
const signedInSinceJoining = ({ user, membership }: Member): string | null =>
  user.lastSignedInAt === null || user.lastSignedInAt.getTime() < membership.createdAt.getTime()
    ? null
    : user.lastSignedInAt.toISOString()

/**
 * The member as their organization sees them: only its own relationship with the person. Both
 * `createdDateTime`s are when they joined it, never when the account was made (perhaps by another
 * organization, years before), and `lastSignedInAt` is none from before they joined.
 */
export const fromMember = (member: Member): UserResponse => {
  const { user, membership } = member
  return {
    id: user.id,
    email: user.email,
    idpId: user.idpId,
    roleId: membership.roleId,
    profile: {
      id: membership.id,
      firstName: membership.firstName,
      lastName: membership.lastName,
      title: membership.title,
      organizationId: membership.organizationId,
      roleId: membership.roleId,
      status: membership.status,
      createdDateTime: membership.createdAt.toISOString(),
      lastSignedInAt: signedInSinceJoining(member)
    },
    createdDateTime: membership.createdAt.toISOString()
  }
}

/** A page of members; `kind` writes its `next` cursor. */
export const fromPage = (page: Page<Member>, kind: Cursor.Kind = UserInput.memberCursor()): UserPageResponse => ({
  content: page.items.map(fromMember),
  totalElements: page.total,
  totalPages: totalPages(page),
  size: page.size,
  number: page.page,
  next: nextCursor(page, kind)
})

/** The cursor of the page after `page`, or null when it is the last. */
export const nextCursor = (page: Pick<Page<unknown>, "next" | "page">, kind: Cursor.Kind): string | null =>
  page.next === undefined || page.next === null ? null : Cursor.encode(kind, page.page + 1, page.next)
