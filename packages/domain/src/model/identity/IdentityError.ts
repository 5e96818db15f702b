import * as Schema from "effect/Schema"
import { UserId } from "../../kernel/Ids.js"

/** Why an organization does not manage a user (see `Policy.whyNotManaged`). */
export const UnmanagedReason = Schema.Literal("other_organization", "platform_admin", "not_current")
export type UnmanagedReason = typeof UnmanagedReason.Type

/**
 * The organization does not manage this user: they belong to another organization too (not
 * REMOVED or FORGOTTEN), are a platform admin, or are no longer current here.
 */
export class UserNotManaged extends Schema.TaggedError<UserNotManaged>()("UserNotManaged", {
  userId: UserId,
  reason: UnmanagedReason
}) {
  override get message() {
    const why: { readonly [R in UnmanagedReason]: string } = {
      other_organization:
        "also belongs to another organization, which relies on this account: only they (or a platform admin) can change how they sign in",
      platform_admin: "is a platform admin: only they or another platform admin can change how they sign in",
      not_current: "is no longer a member of this organization (REMOVED or FORGOTTEN)"
    }
    return `User ${this.userId} ${why[this.reason]}`
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
