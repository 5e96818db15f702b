/**
 * A change of an existing membership, the same for every transition and whoever authorized it:
 * in one transaction, lock the member's row and authorize again, give the role (no escalation), ask
 * the state machine, apply the transition's own checks, keep the last manager, write the change, do
 * what the transition does beyond its move (clear a second factor, erase), and record its event —
 * unless it changes nothing, which writes and records nothing. The use cases authorize first
 * (`Users` by permission, `Platform` as a platform admin). Changes of different members do not wait
 * for each other; two of one member do (its row), and so do two that each take a manager away
 * (`{ managers }`), ADR 0049.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Access } from "../model/access/Access.js"
import * as Accounts from "./Accounts.js"
import * as Authority from "./Authority.js"
import * as Actor from "../model/access/Actor.js"
import type { DomainEvent } from "../model/event/DomainEvent.js"
import { EventId, type OrganizationId, type RoleId, type UserId, randomUuid } from "../kernel/Ids.js"
import * as Lifecycle from "../model/membership/Lifecycle.js"
import type { Member } from "../model/membership/Member.js"
import * as Membership from "../model/membership/Membership.js"
import { LastManager, NoDefaultRole, RoleNotFound, UserNotFound } from "../model/membership/MembershipError.js"
import * as Policy from "../model/policy/Policy.js"
import * as MembershipTransitions from "./MembershipTransitions.js"
import { EventRepository, MemberRepository, RoleRepository, Transactor, UserRepository } from "../ports/Ports.js"
import type { Role } from "../model/organization/Role.js"
import { now } from "../kernel/Time.js"
import * as User from "../model/identity/User.js"

/** The fields that are given: one set to `undefined` (as optional inputs allow) is as absent as a missing one. */
const givenFields = <A extends object>(fields: A | undefined): { [K in keyof A]?: Exclude<A[K], undefined> } =>
  Object.fromEntries(Object.entries(fields ?? {}).filter(([, value]) => value !== undefined)) as {
    [K in keyof A]?: Exclude<A[K], undefined>
  }

const sameSnapshot = (a: Membership.Membership, b: Membership.Membership) => {
  const [before, after] = [Membership.snapshot(a), Membership.snapshot(b)]
  return (Object.keys(before) as Array<keyof typeof before>).every((key) => before[key] === after[key])
}

export const make = Effect.gen(function* () {
  const members = yield* MemberRepository
  const roles = yield* RoleRepository
  const users = yield* UserRepository
  const events = yield* EventRepository
  const transactor = yield* Transactor
  const accounts = yield* Accounts.make
  const authority = yield* Authority.make

  const findMember = (organizationId: OrganizationId, userId: UserId) =>
    members.find(organizationId, userId).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.fail(new UserNotFound({ userId })),
          onSome: Effect.succeed
        })
      )
    )

  const findRole = (organizationId: OrganizationId, roleId: RoleId) =>
    roles.findById(organizationId, roleId).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.fail(new RoleNotFound({ roleId })),
          onSome: Effect.succeed
        })
      )
    )

  /** The role to give: it must exist in the organization and the actor must hold all its permissions. */
  const grantableRole = (access: Access, roleId: RoleId | undefined) =>
    Effect.gen(function* () {
      const role =
        roleId === undefined
          ? yield* roles.findDefault(access.organizationId).pipe(
              Effect.flatMap(
                Option.match({
                  onNone: () => Effect.fail(new NoDefaultRole({ organizationId: access.organizationId })),
                  onSome: Effect.succeed
                })
              )
            )
          : yield* findRole(access.organizationId, roleId)
      yield* Policy.requireCanGrant(access.actor, role.permissions)
      return role
    })

  const event = (
    access: Access,
    fields: Pick<DomainEvent, "type" | "userId" | "before" | "after"> & { readonly reason?: string | null },
    at: Date
  ): DomainEvent => ({
    id: EventId.make(randomUuid()),
    organizationId: access.organizationId,
    actor: Actor.describe(access.actor),
    reason: fields.reason ?? null,
    at,
    type: fields.type,
    userId: fields.userId,
    before: fields.before,
    after: fields.after
  })

  /** `{ email }` of the identity `userId`, if there is one: the lock its adds and erasures take. */
  const lockIdentity = (userId: UserId) =>
    Effect.flatMap(
      users.findById(userId),
      Option.match({ onNone: () => Effect.void, onSome: (user) => transactor.lock({ email: user.email }) })
    )

  /**
   * The change itself. `authorize` runs in the change's transaction and answers the access as it
   * stands then (`Authority.reauthorize` for an organization's actor, which locks the actor's rows
   * `share`; a platform admin's caller already holds the "platform" lock and rechecked there); the
   * member's row is locked `update` beside it, in user-id order (`Authority.withMember`). The actor
   * may not act on a member whose role outranks it (`Outranked`, unless the transition is `anyRank`),
   * checked before the state machine: who may act comes first.
   */
  const change = <O extends Lifecycle.Operation, E>(
    access: Access,
    userId: UserId,
    operation: O,
    input: MembershipTransitions.InputOf<O>,
    authorize: (access: Access) => Effect.Effect<Access, E>
  ) => {
    const declared = MembershipTransitions.declarationOf(operation)
    // The declaration and the input are of the same transition; TypeScript cannot follow `O` through the table.
    const args = input as never
    // Erasing waits for the identity's other erasures (and adds): forgetting its last two memberships
    // at once, in two organizations, must leave one of the two counting none left, not each one.
    const identityLock = declared.erases === true ? lockIdentity(userId) : Effect.void
    return transactor.transaction(null)(
      Effect.zipRight(identityLock, authority.withMember(access, userId, "update", authorize)).pipe(
        Effect.flatMap(([access, found]) =>
          Effect.gen(function* () {
            const newRole: Role | undefined =
              declared.grants === undefined ? undefined : yield* grantableRole(access, declared.grants(args))
            if (Option.isNone(found)) return yield* new UserNotFound({ userId })
            const member = found.value
            if (declared.anyRank !== true) {
              yield* Policy.requireNotOutranked(access.actor, { userId, rolePermissions: member.role.permissions })
            }
            const status = yield* Lifecycle.transition(member.membership.status, operation)
            if (declared.managedOnly === true) {
              // After the state machine, so that a REMOVED member is still a 409 as for every operation.
              yield* Policy.requireManaged(
                access,
                member,
                (yield* members.listForUser(userId)).map((m) => m.membership)
              )
            }
            const role = newRole ?? member.role
            const wasManager = Policy.isManager(member.membership.status, member.role.permissions)
            const isManager = Policy.isManager(status, role.permissions)
            if (wasManager && !isManager) {
              // Only a change that takes a manager away waits for another such change: the count it
              // reads is then the one its write leaves behind.
              yield* transactor.lock({ managers: access.organizationId })
              const activeManagers = yield* members.countActiveManagers(access.organizationId)
              if (Policy.losesLastManager({ wasManager, isManager, activeManagers })) {
                return yield* new LastManager({ userId })
              }
            }
            const at = yield* now
            const before = member.membership
            const erased = declared.erases === true ? { firstName: null, lastName: null, title: null } : {}
            const membership: Membership.Membership = {
              ...before,
              ...givenFields(declared.profile?.(args)),
              ...erased,
              status,
              roleId: role.id,
              updatedAt: at
            }
            // A change that changes nothing (the role it has, the profile as it is) writes and records
            // nothing: the answer is the member as they are. Clearing a factor or erasing always acts.
            if (declared.clearsMfa !== true && declared.erases !== true && sameSnapshot(before, membership)) {
              return member
            }
            const recorded = event(
              access,
              {
                type: Lifecycle.definitions[operation].event,
                userId,
                // Erasure keeps no personal data, not even in the event that records it.
                before:
                  declared.erases === true
                    ? { status: before.status, roleId: before.roleId }
                    : Membership.snapshot(before),
                after: Membership.snapshot(membership),
                reason: declared.reason?.(args) ?? null
              },
              at
            )
            if (declared.clearsMfa !== true && declared.erases !== true) {
              // Most changes: the write and its event in one round trip.
              yield* members.record(membership, recorded)
              return { user: member.user, membership, role } satisfies Member
            }
            let user = member.user
            yield* members.update(membership)
            if (declared.clearsMfa === true) {
              // The second factor goes, and with it every session it protected.
              user = (yield* accounts.clearMfa(user, at)).user
            }
            if (declared.erases === true) {
              yield* events.eraseMembershipData(access.organizationId, userId)
              if ((yield* members.countUnforgotten(userId)) === 0) {
                user = User.erase(user, at)
                yield* users.update(user)
                yield* events.eraseIdentityData(userId)
                yield* accounts.eraseSecrets(member.user)
              }
            }
            yield* events.append(recorded)
            return { user, membership, role } satisfies Member
          })
        )
      )
    )
  }

  return { findMember, findRole, grantableRole, event, change } as const
})
