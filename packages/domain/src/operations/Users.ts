/**
 * The user use cases: what an organization does with its members. Each write checks permission,
 * then runs in one transaction with its event, serialized with the organization's other changes.
 */
import * as Effect from "effect/Effect"
import { ValidationFailed } from "../kernel/ValidationError.js"
import * as Option from "effect/Option"
import type { Access } from "../model/access/Access.js"
import * as Accounts from "./Accounts.js"
import * as Actor from "../model/access/Actor.js"
import type { DomainEvent } from "../model/event/DomainEvent.js"
import { EventId, type OrganizationId, type RoleId, UserId, MembershipId, randomUuid } from "../kernel/Ids.js"
import { UserNotManaged } from "../model/identity/IdentityError.js"
import * as Lifecycle from "../model/membership/Lifecycle.js"
import type { Member } from "../model/membership/Member.js"
import * as Membership from "../model/membership/Membership.js"
import {
  AlreadyMember,
  LastManager,
  NoDefaultRole,
  RoleNotFound,
  UserNotFound
} from "../model/membership/MembershipError.js"
import * as MembershipStatus from "../model/membership/MembershipStatus.js"
import * as Password from "../model/identity/Password.js"
import * as Policy from "../model/policy/Policy.js"
import * as MembershipTransitions from "./MembershipTransitions.js"
import { EventRepository, MemberRepository, RoleRepository, Transactor, UserRepository } from "../ports/Ports.js"
import { PasswordHasher } from "../ports/Secrets.js"
import type { Role } from "../model/organization/Role.js"
import { now } from "../kernel/Time.js"
import * as User from "../model/identity/User.js"
import type * as UserInput from "../api/UserInput.js"

/** The fields that are given: one set to `undefined` (as optional inputs allow) is as absent as a missing one. */
const givenFields = <A extends object>(fields: A | undefined): Partial<A> =>
  Object.fromEntries(Object.entries(fields ?? {}).filter(([, value]) => value !== undefined)) as Partial<A>

export class Users extends Effect.Service<Users>()("@roster/domain/Users", {
  effect: Effect.gen(function* () {
    const members = yield* MemberRepository
    const roles = yield* RoleRepository
    const users = yield* UserRepository
    const events = yield* EventRepository
    const { transaction } = yield* Transactor
    const accounts = yield* Accounts.make
    // Only `add` with a password needs it, so that the membership use cases run without any
    // cryptography (as in the quickstart). `Services.layer` always provides it.
    const passwordHasher = yield* Effect.serviceOption(PasswordHasher)

    /** The hash of a new member's password, made before the transaction: hashing is slow on purpose. */
    const hashNewPassword = (input: UserInput.AddUser) =>
      Effect.gen(function* () {
        if (input.password === undefined) {
          if (input.askUserToUpdatePasswordOnLogin === undefined) return undefined
          return yield* ValidationFailed.single("askUserToUpdatePasswordOnLogin", "applies only with a password")
        }
        yield* Password.check(input.password, input.email)
        if (Option.isNone(passwordHasher)) {
          return yield* Effect.dieMessage("Users.add was given a password, but no PasswordHasher is provided")
        }
        return yield* passwordHasher.value.hash(input.password)
      })

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

    const list = (access: Access, query: UserInput.ListUsers) =>
      Policy.requirePermission(access, "can_view_users").pipe(
        Effect.zipRight(
          members.page(access.organizationId, {
            page: query.page,
            size: query.size,
            statuses: query.status ?? MembershipStatus.listedByDefault,
            roleId: query.roleId,
            q: query.q
          })
        )
      )

    const get = (access: Access, userId: UserId) =>
      Policy.requirePermission(access, "can_view_users").pipe(
        Effect.zipRight(findMember(access.organizationId, userId))
      )

    /**
     * Adds a member, creating the identity when the email is new. With a password, the identity must
     * be new or managed by this organization (`UserNotManaged` otherwise; the operator is not
     * limited), and every session of an existing identity ends.
     */
    const add = (access: Access, input: UserInput.AddUser) =>
      Policy.requirePermission(access, "can_manage_users").pipe(
        Effect.zipRight(hashNewPassword(input)),
        Effect.flatMap((passwordHash) =>
          transaction(access.organizationId)(
            Effect.gen(function* () {
              const role = yield* grantableRole(access, input.roleId)
              const at = yield* now
              const known = yield* users.findByEmail(input.email)
              const existing = Option.isSome(known)
                ? yield* members.find(access.organizationId, known.value.id)
                : Option.none<Member>()
              if (Option.isSome(existing) && existing.value.membership.status !== "REMOVED") {
                const { user, membership } = existing.value
                return yield* new AlreadyMember({ email: user.email, userId: user.id, status: membership.status })
              }
              const newId = UserId.make(randomUuid())
              const user = Option.isSome(known)
                ? known.value
                : yield* users.insertOrGet(
                    User.make({
                      id: newId,
                      email: input.email,
                      createdAt: at,
                      // Created by an organization with a password: the address counts as confirmed.
                      emailVerifiedAt: passwordHash === undefined ? null : at
                    })
                  )
              const setPassword = (membershipAppended: Effect.Effect<void>) =>
                Effect.gen(function* () {
                  if (passwordHash === undefined) return yield* membershipAppended
                  // The operator is not limited, as everywhere.
                  if (user.id !== newId && access.actor._tag !== "Operator") {
                    const memberships = yield* members.listForUser(user.id)
                    const reason = Policy.whyNotManaged(
                      access.organizationId,
                      user,
                      memberships.map((m) => m.membership)
                    )
                    if (reason !== null) return yield* new UserNotManaged({ userId: user.id, reason })
                  }
                  yield* membershipAppended
                  yield* accounts.setPassword({
                    actor: access.actor,
                    user,
                    passwordHash,
                    mustChangePassword: input.askUserToUpdatePasswordOnLogin ?? false,
                    at,
                    type: "identity.password_set",
                    organizationId: access.organizationId
                  })
                })
              const fields = {
                roleId: role.id,
                status: input.status ?? "ACTIVE",
                firstName: input.firstName ?? null,
                lastName: input.lastName ?? null,
                title: input.title ?? null,
                updatedAt: at
              } as const
              if (Option.isSome(existing)) {
                // A REMOVED membership starts again, as if new, keeping its id and history.
                const before = existing.value.membership
                const membership: Membership.Membership = { ...before, ...fields }
                yield* members.update(membership)
                yield* setPassword(
                  events.append(
                    event(
                      access,
                      {
                        type: "user.readded",
                        userId: user.id,
                        before: Membership.snapshot(before),
                        after: { email: user.email, ...Membership.snapshot(membership) }
                      },
                      at
                    )
                  )
                )
                return { user, membership, role } satisfies Member
              }
              const membership: Membership.Membership = {
                id: MembershipId.make(randomUuid()),
                userId: user.id,
                organizationId: access.organizationId,
                createdAt: at,
                ...fields
              }
              yield* members.insert(membership)
              yield* setPassword(
                events.append(
                  event(
                    access,
                    {
                      type: "user.added",
                      userId: user.id,
                      before: null,
                      after: { email: user.email, ...Membership.snapshot(membership) }
                    },
                    at
                  )
                )
              )
              return { user, membership, role } satisfies Member
            })
          )
        )
      )

    /**
     * Every change of an existing membership, run the same way whatever the transition: authorize,
     * then in one transaction give the role (no escalation), find the member, ask the state machine,
     * apply the transition's own checks, keep the last manager, write the change, do what the
     * transition does beyond its move (clear a second factor, erase), and record its event.
     */
    const transition = <O extends Lifecycle.Operation>(
      access: Access,
      userId: UserId,
      operation: O,
      input: MembershipTransitions.InputOf<O>
    ) => {
      const declared = MembershipTransitions.declarationOf(operation)
      // The declaration and the input are of the same transition; TypeScript cannot follow `O` through the table.
      const args = input as never
      return Policy.requirePermission(access, declared.permission).pipe(
        Effect.zipRight(
          transaction(access.organizationId)(
            Effect.gen(function* () {
              const newRole: Role | undefined =
                declared.grants === undefined ? undefined : yield* grantableRole(access, declared.grants(args))
              const member = yield* findMember(access.organizationId, userId)
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
                  yield* accounts.eraseSecrets(userId)
                }
              }
              yield* events.append(
                event(
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
              )
              return { user, membership, role } satisfies Member
            })
          )
        )
      )
    }

    /**
     * One method per transition (`terminate`, `changeRole`, …): the member, then the transition's
     * arguments (none for most). Typed from the declarations, so a new transition needs no line here.
     */
    type TransitionMethods = {
      readonly [O in Lifecycle.Operation]: (
        access: Access,
        userId: UserId,
        ...input: {} extends MembershipTransitions.InputOf<O>
          ? [input?: MembershipTransitions.InputOf<O>]
          : [input: MembershipTransitions.InputOf<O>]
      ) => ReturnType<typeof transition<O>>
    }
    const transitionMethods = Object.fromEntries(
      Lifecycle.operations.map((operation) => [
        operation,
        (access: Access, userId: UserId, input?: MembershipTransitions.InputOf<typeof operation>) =>
          transition(access, userId, operation, input ?? ({} as MembershipTransitions.InputOf<typeof operation>))
      ])
    ) as unknown as TransitionMethods

    return {
      list,
      get,
      add,
      transition,
      ...transitionMethods
    } as const
  })
}) {}
