import * as Schema from "effect/Schema"
import { Permission } from "./Permission.js"

/** The caller could not be identified: no credentials, or ones that are unknown, revoked or expired. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  reason: Schema.String
}) {
  override get message() {
    return this.reason
  }
}

/**
 * The caller is known but may not do this: it lacks the permission the operation requires, or (with
 * `reason`) something else it needs, such as an ACTIVE membership or being a platform admin.
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  required: Schema.String,
  reason: Schema.optional(Schema.String)
}) {
  override get message() {
    return this.reason ?? `This operation requires the ${this.required} permission`
  }
}

/** Giving a role (or minting a token) with permissions the actor does not hold itself. */
export class RoleEscalation extends Schema.TaggedError<RoleEscalation>()("RoleEscalation", {
  missing: Schema.Array(Permission),
  /** What the escalation would have been, when not granting: revoking a more powerful token. */
  over: Schema.optional(Schema.Literal("token"))
}) {
  override get message() {
    const missing = this.missing.join(", ")
    return this.over === "token"
      ? `You cannot revoke a token holding permissions you do not: ${missing}`
      : `You cannot grant permissions you do not hold: ${missing}`
  }
}

/**
 * Acting on a member whose role holds a permission the actor lacks: changing their role or profile,
 * moving their membership, or touching how they sign in. A lesser actor may not act on a greater one
 * (an admin's token of `can_manage_users` alone cannot demote or terminate an Admin).
 */
export class Outranked extends Schema.TaggedError<Outranked>()("Outranked", {
  userId: Schema.String,
  missing: Schema.Array(Permission)
}) {
  override get message() {
    return `You cannot act on a member whose role holds permissions you do not: ${this.missing.join(", ")}`
  }
}
