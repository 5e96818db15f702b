import * as Schema from "effect/Schema"
import { MembershipId, OrganizationId, RoleId, UserId } from "../../kernel/Ids.js"
import { MembershipStatus } from "./MembershipStatus.js"
import * as Text from "../../kernel/Text.js"

const profileText = (max: number) =>
  Text.TrimmedNfc.pipe(
    Schema.minLength(1, { message: () => "must not be empty; send null to clear it" }),
    Text.maxCharacters(max)
  )

export const FirstName = profileText(100)
export const LastName = profileText(100)
export const Title = profileText(200)

/** A user's place in one organization: the API's `profile`. */
export const Membership = Schema.Struct({
  id: MembershipId,
  userId: UserId,
  organizationId: OrganizationId,
  roleId: RoleId,
  status: MembershipStatus,
  firstName: Schema.NullOr(Schema.String),
  lastName: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
})
export type Membership = typeof Membership.Type

/** What an event records of a membership: enough to audit a change, and erasable. */
export const snapshot = (membership: Membership) => ({
  status: membership.status,
  roleId: membership.roleId,
  firstName: membership.firstName,
  lastName: membership.lastName,
  title: membership.title
})

/** The personal fields of a membership, cleared for good when it is FORGOTTEN. */
export const personalFields = ["firstName", "lastName", "title"] as const
