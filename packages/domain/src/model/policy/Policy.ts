/**
 * The permission rules, as small checks over the acting actor. Pure apart from failing.
 */
import * as Effect from "effect/Effect"
import type { Access } from "../access/Access.js"
import { Forbidden, Outranked, RoleEscalation } from "../access/AccessError.js"
import type { Actor } from "../access/Actor.js"
import { PasswordChangeRequired } from "../identity/AuthError.js"
import { type UnmanagedReason, UserNotManaged } from "../identity/IdentityError.js"
import type { OrganizationId, UserId } from "../../kernel/Ids.js"
import type { MembershipStatus } from "../membership/MembershipStatus.js"
import { OrganizationNotFound } from "../organization/OrganizationError.js"
import * as Permission from "../access/Permission.js"

/**
 * The permissions an actor holds in an organization: a token's own, a member's role's. A session
 * outside any organization holds none there; the operator is handled apart (it is not limited).
 */
const permissionsOf = (actor: Exclude<Actor, { readonly _tag: "Operator" }>): ReadonlyArray<Permission.Permission> =>
  actor._tag === "Session" ? [] : actor.permissions

/** Whether the actor may use `permission`. The operator may do anything. */
export const allows = (actor: Actor, permission: Permission.Permission): boolean =>
  actor._tag === "Operator" || Permission.holds(permissionsOf(actor), permission)

/**
 * Tenant isolation: an actor bound to one organization (a token, a member) cannot reach another. Such
 * an organization is "not found", never "forbidden", so that its existence does not leak. A session
 * is bound to none: it must act as a member first.
 */
export const requireOrganization = (access: Access): Effect.Effect<void, OrganizationNotFound> =>
  access.actor._tag === "Session" ||
  ((access.actor._tag === "Token" || access.actor._tag === "Member") &&
    access.actor.organizationId !== access.organizationId)
    ? Effect.fail(new OrganizationNotFound({ organization: access.organizationId }))
    : Effect.void

export const requirePermission = (
  access: Access,
  permission: Permission.Permission
): Effect.Effect<void, Forbidden | OrganizationNotFound> =>
  requireOrganization(access).pipe(
    Effect.zipRight(
      allows(access.actor, permission) ? Effect.void : Effect.fail(new Forbidden({ required: permission }))
    )
  )

/**
 * No escalation: an actor can only grant permissions it holds itself, nor act on an account or a
 * token (`over`) holding more than it does. The operator is not limited.
 */
export const requireCanGrant = (
  actor: Actor,
  permissions: ReadonlyArray<Permission.Permission>,
  over?: RoleEscalation["over"]
): Effect.Effect<void, RoleEscalation> => {
  if (actor._tag === "Operator") return Effect.void
  const lacking = Permission.missing(permissionsOf(actor), permissions)
  if (lacking.length === 0) return Effect.void
  return Effect.fail(
    new RoleEscalation(over === undefined ? { missing: [...lacking] } : { missing: [...lacking], over })
  )
}

/**
 * No acting upward: an organization's actor may act on a member (their role, profile, membership,
 * sign-in) only when it holds every permission of the member's role. The operator and a platform
 * admin (who acts on organizations from above them) are not limited.
 */
export const requireNotOutranked = (
  actor: Actor,
  member: { readonly userId: UserId; readonly rolePermissions: ReadonlyArray<Permission.Permission> }
): Effect.Effect<void, Outranked> => {
  if (actor._tag === "Operator" || actor._tag === "Session") return Effect.void
  const lacking = Permission.missing(actor.permissions, member.rolePermissions)
  return lacking.length === 0
    ? Effect.void
    : Effect.fail(new Outranked({ userId: member.userId, missing: [...lacking] }))
}

/** Whether a membership in this state counts as one of the organization's managers. */
export const isManager = (status: MembershipStatus, rolePermissions: ReadonlyArray<Permission.Permission>): boolean =>
  status === "ACTIVE" && Permission.holds(rolePermissions, "can_manage_users")

/**
 * Last manager: a change that turns a manager into a non-manager is refused when that manager is
 * the only one left. (An organization with no manager yet can still gain one.)
 */
export const losesLastManager = (change: {
  readonly wasManager: boolean
  readonly isManager: boolean
  readonly activeManagers: number
}): boolean => change.wasManager && !change.isManager && change.activeManagers <= 1

/**
 * Managed users: an organization may set the password of, or make a sign-in link for, only a user
 * whose whole history is with it — at least one membership here, and never one in another
 * organization, whatever its status now (a REMOVED or FORGOTTEN membership elsewhere still means
 * another organization relied on the account) — and who is not a platform admin nor erased. An
 * identity with no membership at all (a platform admin made it) is nobody's to take over.
 */
export const isManagedBy = (
  organizationId: OrganizationId,
  user: { readonly isPlatformAdmin: boolean; readonly erasedAt: Date | null },
  memberships: ReadonlyArray<{ readonly organizationId: OrganizationId; readonly status: MembershipStatus }>
): boolean => whyNotManaged(organizationId, user, memberships) === null

/** Why `isManagedBy` is false (an erased identity is no longer current anywhere); null when it is true. */
export const whyNotManaged = (
  organizationId: OrganizationId,
  user: { readonly isPlatformAdmin: boolean; readonly erasedAt: Date | null },
  memberships: ReadonlyArray<{ readonly organizationId: OrganizationId; readonly status: MembershipStatus }>
): UnmanagedReason | null => {
  if (user.isPlatformAdmin) return "platform_admin"
  if (user.erasedAt !== null) return "not_current"
  if (memberships.some((m) => m.organizationId !== organizationId)) return "other_organization"
  return memberships.some((m) => m.organizationId === organizationId) ? null : "not_member"
}

/**
 * That the organization manages `member` (its own membership current, `whyNotManaged` null), so it
 * may touch how they sign in: their password, links, second factor. The operator is not limited.
 */
export const requireManaged = (
  access: Access,
  member: {
    readonly user: { readonly id: UserId; readonly isPlatformAdmin: boolean; readonly erasedAt: Date | null }
    readonly membership: { readonly status: MembershipStatus }
  },
  memberships: ReadonlyArray<{ readonly organizationId: OrganizationId; readonly status: MembershipStatus }>
): Effect.Effect<void, UserNotManaged> => {
  if (access.actor._tag === "Operator") return Effect.void
  const reason = isCurrent(member.membership.status)
    ? whyNotManaged(access.organizationId, member.user, memberships)
    : "not_current"
  return reason === null ? Effect.void : Effect.fail(new UserNotManaged({ userId: member.user.id, reason }))
}

/** A membership that still ties the user to its organization: not REMOVED or FORGOTTEN. */
export const isCurrent = (status: MembershipStatus): boolean => status !== "REMOVED" && status !== "FORGOTTEN"

/**
 * Last platform admin: a change that takes away a counted platform admin (one who can act: not
 * disabled, not erased) is refused when that admin is the only one counted.
 */
export const losesLastPlatformAdmin = (change: {
  readonly wasCounted: boolean
  readonly isCounted: boolean
  readonly platformAdmins: number
}): boolean => change.wasCounted && !change.isCounted && change.platformAdmins <= 1

/** Whether an identity counts toward the platform admins (`UserRepository.countPlatformAdmins`). */
export const isActingPlatformAdmin = (user: {
  readonly isPlatformAdmin: boolean
  readonly disabledAt: Date | null
  readonly erasedAt: Date | null
}): boolean => user.isPlatformAdmin && user.disabledAt === null && user.erasedAt === null

/** Platform administration: only a platform admin's full session, or the operator. */
export const requirePlatformAdmin = (actor: Actor): Effect.Effect<void, Forbidden | PasswordChangeRequired> => {
  if (actor._tag === "Operator") return Effect.void
  if (actor._tag === "Session" && actor.isPlatformAdmin) {
    return actor.purpose === "full" ? Effect.void : Effect.fail(new PasswordChangeRequired())
  }
  return Effect.fail(new Forbidden({ required: "platform_admin", reason: "Only platform admins may do this" }))
}
