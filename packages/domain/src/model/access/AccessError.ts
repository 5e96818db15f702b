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
  /**
   * What the escalation would have been, when not granting: acting on the sign-in of a more powerful
   * account (its password, a link), or revoking a more powerful token.
   */
  over: Schema.optional(Schema.Literal("account", "token"))
}) {
  override get message() {
    const missing = this.missing.join(", ")
    switch (this.over) {
      case "account":
        return `You cannot act on the sign-in of an account whose role holds permissions you do not: ${missing}`
      case "token":
        return `You cannot revoke a token holding permissions you do not: ${missing}`
      default:
        return `You cannot grant permissions you do not hold: ${missing}`
    }
  }
}
