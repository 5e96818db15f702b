import * as Schema from "effect/Schema"
import { UserId } from "./Ids.js"

/**
 * The organization does not manage this user: they belong to another organization too (not
 * REMOVED or FORGOTTEN), are no longer current here, or are a platform admin.
 */
export class UserNotManaged extends Schema.TaggedError<UserNotManaged>()("UserNotManaged", {
  userId: UserId
}) {
  override get message() {
    return `User ${this.userId} is not managed by this organization (they belong to another organization too, or are a platform admin); they must do this themselves`
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
