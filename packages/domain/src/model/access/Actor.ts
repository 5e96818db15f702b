import * as Data from "effect/Data"
import * as Schema from "effect/Schema"
import type { OrganizationId, SessionId, TokenId, UserId } from "../../kernel/Ids.js"
import type { Permission } from "./Permission.js"
import type { Purpose } from "./Session.js"

/**
 * Who acts. An organization token acts within its organization with its own permissions; so does a
 * member (a signed-in user acting in one organization, with the permissions of their role there).
 * A session is a signed-in user outside any organization (their own account, platform
 * administration). The operator (the CLI with direct database access) is not limited.
 */
export type Actor = Operator | TokenActor | MemberActor | SessionActor

export interface Operator {
  readonly _tag: "Operator"
}

export interface TokenActor {
  readonly _tag: "Token"
  readonly tokenId: TokenId
  readonly organizationId: OrganizationId
  readonly permissions: ReadonlyArray<Permission>
  /**
   * The member the token acts for (`OrganizationToken.createdByUserId`); absent or null for a token
   * of the organization. A token it mints acts for the same member.
   */
  readonly onBehalfOf?: UserId | null
}

/** A session acting in one organization where the user's membership is ACTIVE. */
export interface MemberActor {
  readonly _tag: "Member"
  readonly sessionId: SessionId
  readonly userId: UserId
  readonly organizationId: OrganizationId
  readonly permissions: ReadonlyArray<Permission>
}

/** A signed-in user, for their own account (`/me`) and, as a platform admin, for `/admin`. */
export interface SessionActor {
  readonly _tag: "Session"
  readonly sessionId: SessionId
  readonly userId: UserId
  readonly isPlatformAdmin: boolean
  /** A `password_change` session may only change the password (and sign out). */
  readonly purpose: Purpose
}

export const operator: Actor = Data.tagged<Operator>("Operator")()

export const token = (fields: Omit<TokenActor, "_tag">): Actor => Data.tagged<TokenActor>("Token")(fields)

export const member = (fields: Omit<MemberActor, "_tag">): MemberActor => Data.tagged<MemberActor>("Member")(fields)

export const session = (fields: Omit<SessionActor, "_tag">): SessionActor =>
  Data.tagged<SessionActor>("Session")(fields)

/** How an event records its actor. A member and a session are the user behind them. */
export const describe = (actor: Actor): { readonly type: string; readonly id: string | null } => {
  switch (actor._tag) {
    case "Operator":
      return { type: "operator", id: null }
    case "Token":
      return { type: "token", id: actor.tokenId }
    case "Member":
    case "Session":
      return { type: "user", id: actor.userId }
  }
}

/** An actor as events and one-time tokens record it: `{ type, id }` (see `describe`). */
export const EventActor = Schema.Struct({ type: Schema.String, id: Schema.NullOr(Schema.String) })
export type EventActor = typeof EventActor.Type
