import * as Schema from "effect/Schema"
import { UserId } from "../../kernel/Ids.js"

/** Why an organization does not manage a user (see `Policy.whyNotManaged`); kept, never shown. */
export const UnmanagedReason = Schema.Literal("other_organization", "platform_admin", "not_current", "not_member")
export type UnmanagedReason = typeof UnmanagedReason.Type

/**
 * The organization does not manage how this user signs in, so it may not set their password, hand
 * out their sign-in links or clear their second factor. The message is the same whatever the
 * reason: an organization learns nothing of the account's other memberships or platform role.
 */
export class UserNotManaged extends Schema.TaggedError<UserNotManaged>()("UserNotManaged", {
  userId: UserId,
  reason: UnmanagedReason
}) {
  override get message() {
    return `This organization does not manage how user ${this.userId} signs in: they sign in with what they have, and only they or a platform admin can change it`
  }
}

/** The change would leave no platform admin who can act. */
export class LastPlatformAdmin extends Schema.TaggedError<LastPlatformAdmin>()("LastPlatformAdmin", {
  userId: UserId
}) {
  override get message() {
    return `User ${this.userId} is the last platform admin; promote another user first`
  }
}

/** An identity with this email exists already (emails are unique, case-insensitively). */
export class EmailTaken extends Schema.TaggedError<EmailTaken>()("EmailTaken", {
  email: Schema.String
}) {
  override get message() {
    return `A user with the email ${this.email} exists already`
  }
}
