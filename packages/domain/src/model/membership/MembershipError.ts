import * as Schema from "effect/Schema"
import { UserId } from "../../kernel/Ids.js"
import { MembershipStatus } from "./MembershipStatus.js"

/**
 * The user has no membership in the acting organization (or one the actor may not see); with scope
 * `platform`, there is no such identity at all (or it was deleted).
 */
export class UserNotFound extends Schema.TaggedError<UserNotFound>()("UserNotFound", {
  userId: Schema.String,
  scope: Schema.optional(Schema.Literal("platform"))
}) {
  override get message() {
    return this.scope === "platform" ? `No user ${this.userId}` : `No user ${this.userId} in this organization`
  }
}

/** A role named in a request does not exist in the acting organization. */
export class RoleNotFound extends Schema.TaggedError<RoleNotFound>()("RoleNotFound", {
  roleId: Schema.String
}) {
  override get message() {
    return `No role ${this.roleId} in this organization`
  }
}

/** The state machine forbids the operation from the membership's current status. */
export class InvalidTransition extends Schema.TaggedError<InvalidTransition>()("InvalidTransition", {
  from: MembershipStatus,
  operation: Schema.String
}) {
  override get message() {
    return `Cannot ${describeOperation(this.operation)} a user whose status is ${this.from}`
  }
}

/** The change would leave the organization without an ACTIVE member who can manage users. */
export class LastManager extends Schema.TaggedError<LastManager>()("LastManager", {
  userId: UserId
}) {
  override get message() {
    return `User ${this.userId} is the organization's last active member who can manage users; give another member that permission first`
  }
}

/** The email already has a membership in this organization that is not REMOVED. */
export class AlreadyMember extends Schema.TaggedError<AlreadyMember>()("AlreadyMember", {
  email: Schema.String,
  userId: UserId,
  status: MembershipStatus
}) {
  override get message() {
    return `${this.email} is already a member of this organization (user ${this.userId}, status ${this.status})`
  }
}

/** The default role an organization gives new members is missing: a data problem, not a request problem. */
export class NoDefaultRole extends Schema.TaggedError<NoDefaultRole>()("NoDefaultRole", {
  organizationId: Schema.String
}) {
  override get message() {
    return `Organization ${this.organizationId} has no default role; pass a roleId`
  }
}

/** How a message says an operation; one whose name is already a verb (`terminate`) needs no entry. */
const operationWords: Record<string, string> = {
  updateProfile: "update the profile of",
  changeRole: "change the role of",
  resetMfa: "reset MFA for"
}

const describeOperation = (operation: string): string => operationWords[operation] ?? operation
