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
  /** Set when the escalation is taking over a more powerful account (its password, a link), not granting. */
  account: Schema.optional(Schema.Boolean)
}) {
  override get message() {
    return this.account === true
      ? `You cannot act on the sign-in of an account whose role holds permissions you do not: ${this.missing.join(", ")}`
      : `You cannot grant permissions you do not hold: ${this.missing.join(", ")}`
  }
}
