/**
 * The actor's authority as it stands now, read where it is used: in the transaction of the change it
 * authorizes, its rows (membership, token, session) locked `share` until that commits. Authentication
 * reads a token's permissions, a member's role or a platform admin's flag before the use case waits
 * for its locks; a change that committed in that wait (a demotion, a role change, a revoked token, an
 * ended membership) must count, or the demoted actor's action would land after their demotion; one
 * that comes later waits for this write to commit (ADR 0040, ADR 0049). Every write that needs an
 * organization's authority runs through here.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Access } from "../model/access/Access.js"
import { Forbidden, Unauthorized } from "../model/access/AccessError.js"
import * as Actor from "../model/access/Actor.js"
import * as OrganizationToken from "../model/access/OrganizationToken.js"
import * as Permission from "../model/access/Permission.js"
import * as Session from "../model/access/Session.js"
import * as User from "../model/identity/User.js"
import * as Policy from "../model/policy/Policy.js"
import type { OrganizationId, UserId } from "../kernel/Ids.js"
import { now } from "../kernel/Time.js"
import type { Member } from "../model/membership/Member.js"
import {
  MemberRepository,
  type RowLock,
  SessionRepository,
  TokenRepository,
  Transactor,
  UserRepository
} from "../ports/Ports.js"
import type { OrganizationNotFound } from "../model/organization/OrganizationError.js"

const tokenNotValid = new Unauthorized({ reason: "The token is not valid: unknown, revoked or expired" })
const sessionNotValid = new Unauthorized({ reason: "The session is not valid: signed out, expired or revoked" })

export const make = Effect.gen(function* () {
  const tokens = yield* TokenRepository
  const members = yield* MemberRepository
  const sessions = yield* SessionRepository
  const users = yield* UserRepository
  const { transaction } = yield* Transactor

  /**
   * The actor a usable token stands for. A member's token acts for the member: refused once their
   * membership is not ACTIVE or their identity cannot sign in (deactivated, erased), and limited to
   * what their role grants now. `read` is the member as already read, if it was.
   */
  const tokenActor = (token: OrganizationToken.OrganizationToken, read?: Option.Option<Member>) =>
    Effect.gen(function* () {
      if (token.createdByUserId === null) {
        return Actor.token({
          tokenId: token.id,
          organizationId: token.organizationId,
          permissions: token.permissions,
          onBehalfOf: null
        })
      }
      const creator = read ?? (yield* members.find(token.organizationId, token.createdByUserId))
      if (
        Option.isNone(creator) ||
        creator.value.membership.status !== "ACTIVE" ||
        !User.canSignIn(creator.value.user)
      ) {
        return yield* new Unauthorized({
          reason: "The token is not valid: the member who created it is no longer an active member"
        })
      }
      // Both sides with what they imply: a token of `can_manage_users` whose member is now a Member
      // still reads users, as the member may.
      const granted = Permission.expand(creator.value.role.permissions)
      return Actor.token({
        tokenId: token.id,
        organizationId: token.organizationId,
        permissions: Permission.normalize([...Permission.expand(token.permissions)].filter((p) => granted.has(p))),
        onBehalfOf: token.createdByUserId
      })
    })

  /**
   * A signed-in user acting in one organization, with the permissions of their role there: only while
   * that membership is ACTIVE (else `Forbidden`, also for an organization that does not exist).
   */
  const memberActor = (
    session: Pick<Actor.SessionActor, "sessionId" | "userId">,
    organizationId: OrganizationId,
    read?: Option.Option<Member>
  ) =>
    Effect.gen(function* () {
      const member = read ?? (yield* members.find(organizationId, session.userId))
      if (Option.isNone(member) || member.value.membership.status !== "ACTIVE") {
        return yield* new Forbidden({
          required: "active_membership",
          reason: "You are not an active member of this organization"
        })
      }
      return Actor.member({
        sessionId: session.sessionId,
        userId: session.userId,
        organizationId,
        permissions: member.value.role.permissions
      })
    })

  /** The session's user, while the session is usable and the user can sign in. */
  const sessionUser = (
    actor: { readonly userId: Actor.SessionActor["userId"]; readonly sessionId: Actor.SessionActor["sessionId"] },
    at: Date,
    lock?: RowLock
  ) =>
    Effect.gen(function* () {
      const session = yield* sessions.find(actor.userId, actor.sessionId, lock)
      if (Option.isNone(session) || !Session.isUsable(session.value, at)) return yield* sessionNotValid
      const user = yield* users.findById(actor.userId)
      if (Option.isNone(user) || !User.canSignIn(user.value)) return yield* sessionNotValid
      return { session: session.value, user: user.value }
    })

  /**
   * The actor as storage says it is now: the same token, member or session, with what it holds
   * today. One that can no longer act at all is `Unauthorized` (revoked, expired, signed out,
   * deactivated) or, for a member whose membership is no longer ACTIVE, `Forbidden`. With `lock`
   * (`share` in a change's transaction), the actor's membership, then its token or session, stay as
   * read until the transaction ends: the membership first, so that membership rows are always locked
   * before any other (`LockScope`). The identity row is read without a lock: deactivating one, like
   * signing out everywhere, does not wait for changes in flight (ADR 0040).
   */
  const current = (actor: Actor.Actor, lock?: RowLock): Effect.Effect<Actor.Actor, Unauthorized | Forbidden> =>
    Effect.gen(function* () {
      switch (actor._tag) {
        case "Operator":
          return actor
        case "Token": {
          const at = yield* now
          // Who a token acts for never changes: its member's row can be locked before the token's.
          const creator =
            actor.onBehalfOf == null ? undefined : yield* members.find(actor.organizationId, actor.onBehalfOf, lock)
          const token = yield* tokens.findById(actor.organizationId, actor.tokenId, lock)
          if (Option.isNone(token) || !OrganizationToken.isUsable(token.value, at)) return yield* tokenNotValid
          return yield* tokenActor(token.value, creator)
        }
        case "Member": {
          const member = yield* members.find(actor.organizationId, actor.userId, lock)
          const { session } = yield* sessionUser(actor, yield* now, lock)
          // A session that must change its password first acts nowhere (`Auth.actInOrganization`).
          if (session.purpose !== "full") return yield* sessionNotValid
          return yield* memberActor(actor, actor.organizationId, member)
        }
        case "Session": {
          const { session, user } = yield* sessionUser(actor, yield* now, lock)
          return Actor.session({
            sessionId: actor.sessionId,
            userId: actor.userId,
            isPlatformAdmin: user.isPlatformAdmin,
            purpose: session.purpose
          })
        }
      }
    })

  /**
   * The access as it stands now, holding `permission` in its organization (`Policy.requirePermission`),
   * its rows locked `share` until the transaction this runs in ends (`current`).
   */
  const reauthorize = (
    access: Access,
    permission: Permission.Permission
  ): Effect.Effect<Access, Unauthorized | Forbidden | OrganizationNotFound> =>
    Effect.gen(function* () {
      const fresh: Access = { ...access, actor: yield* current(access.actor, "share") }
      yield* Policy.requirePermission(fresh, permission)
      return fresh
    })

  /**
   * Runs `f` in one transaction with the access as it stands once the actor's rows are locked
   * (`reauthorize`). Callers check the permission before, too: a caller that never had it is refused
   * without waiting for a lock. No lock spans the organization: `f` locks what it reads to change.
   */
  const inOrganization =
    (access: Access, permission: Permission.Permission) =>
    <A, E, R>(f: (access: Access) => Effect.Effect<A, E, R>) =>
      transaction(null)(Effect.flatMap(reauthorize(access, permission), f))

  /** The user whose membership rows an actor's authority rests on, if any: a member's, or a member's token's. */
  const actingMember = (actor: Actor.Actor): UserId | null =>
    actor._tag === "Member" ? actor.userId : actor._tag === "Token" ? (actor.onBehalfOf ?? null) : null

  /**
   * In the transaction this runs in: the access as `authorize` answers it (`reauthorize`, which locks
   * the actor's rows `share`; or a platform admin's, checked already) and the member `userId`, its row
   * locked with `lock`. Membership rows are locked in user-id order whoever acts, so that two changes
   * that each lock the other's actor and member (A demotes B while B demotes A) cannot wait for each
   * other: the one that locks the lower id first goes first.
   */
  const withMember = <E>(
    access: Access,
    userId: UserId,
    lock: RowLock,
    authorize: (access: Access) => Effect.Effect<Access, E>
  ): Effect.Effect<readonly [Access, Option.Option<Member>], E> => {
    const find = members.find(access.organizationId, userId, lock)
    const actorId = actingMember(access.actor)
    const memberFirst = actorId !== null && userId.toLowerCase() <= actorId.toLowerCase()
    return memberFirst
      ? Effect.flatMap(find, (member) => Effect.map(authorize(access), (fresh) => [fresh, member] as const))
      : Effect.flatMap(authorize(access), (fresh) => Effect.map(find, (member) => [fresh, member] as const))
  }

  /**
   * Runs `f` in one transaction under the "platform" lock, with the actor as it stands once the
   * lock is held: still a platform admin (promotions and demotions take the same lock), or the
   * operator.
   */
  const asPlatformAdmin =
    (actor: Actor.Actor) =>
    <A, E, R>(f: (actor: Actor.Actor) => Effect.Effect<A, E, R>) =>
      transaction("platform")(
        Effect.gen(function* () {
          const fresh = yield* current(actor)
          yield* Policy.requirePlatformAdmin(fresh)
          return yield* f(fresh)
        })
      )

  return { tokenActor, memberActor, current, reauthorize, inOrganization, withMember, asPlatformAdmin } as const
})
