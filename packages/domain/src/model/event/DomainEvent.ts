import * as Schema from "effect/Schema"
import * as Actor from "../access/Actor.js"
import { EventId, OrganizationId, UserId, randomUuid } from "../../kernel/Ids.js"
import * as Lifecycle from "../membership/Lifecycle.js"

/** Changes within an organization: organizations, tokens, memberships. */
export const organizationTypes = [
  "organization.created",
  "token.created",
  "token.revoked",
  "user.added",
  "user.readded",
  // Each membership transition's event, as the state machine's table names it.
  ...Lifecycle.events
] as const

/**
 * Changes of an identity: its account, sessions, sign-ins and second factors. They have no
 * organization unless an organization made them (an admin setting a member's password, say).
 */
export const identityTypes = [
  "identity.created",
  "identity.password_set",
  "identity.password_changed",
  "identity.deactivated",
  "identity.reactivated",
  "identity.deleted",
  "identity.email_verified",
  "identity.profile_updated",
  "platform_admin.promoted",
  "platform_admin.demoted",
  "session.created",
  "session.revoked",
  "auth.login_failed",
  "auth.magic_link_issued",
  "auth.magic_link_used",
  "auth.email_verification_issued",
  "mfa.enrolment_started",
  "mfa.enabled",
  "mfa.disabled",
  "mfa.recovery_code_used"
] as const

export const types = [...organizationTypes, ...identityTypes] as const

export const EventType = Schema.Literal(...types)
export type EventType = typeof EventType.Type

export const EventActor = Actor.EventActor
export type EventActor = Actor.EventActor

const Snapshot = Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/**
 * One change, appended in the same transaction as the change itself. `before` and `after` are
 * snapshots of what changed; they never hold a secret (no password, token, TOTP secret, recovery
 * code or hash of one), and personal fields are erased on FORGET and on deletion.
 */
export const DomainEvent = Schema.Struct({
  id: EventId,
  /** Null for identity-level changes that no organization made. */
  organizationId: Schema.NullOr(OrganizationId),
  userId: Schema.NullOr(UserId),
  actor: EventActor,
  type: EventType,
  before: Snapshot,
  after: Snapshot,
  reason: Schema.NullOr(Schema.String),
  at: Schema.DateFromSelf
})
export type DomainEvent = typeof DomainEvent.Type

/** Who acts when nobody is signed in: a failed sign-in, say. */
export const anonymous: EventActor = { type: "anonymous", id: null }

/** The user behind a one-time link or a sign-in, before they hold a session. */
export const user = (userId: UserId): EventActor => ({ type: "user", id: userId })

/** A new event with a fresh id, recording `actor` as events do. */
export const make = (fields: {
  readonly actor: Actor.Actor | EventActor
  readonly type: EventType
  readonly at: Date
  readonly organizationId?: OrganizationId | null
  readonly userId?: UserId | null
  readonly before?: DomainEvent["before"]
  readonly after?: DomainEvent["after"]
  readonly reason?: string | null
}): DomainEvent => ({
  id: EventId.make(randomUuid()),
  organizationId: fields.organizationId ?? null,
  userId: fields.userId ?? null,
  actor: "_tag" in fields.actor ? Actor.describe(fields.actor) : fields.actor,
  type: fields.type,
  before: fields.before ?? null,
  after: fields.after ?? null,
  reason: fields.reason ?? null,
  at: fields.at
})
