/**
 * The user use cases: what an organization does with its members. Each write checks permission,
 * then runs in one transaction with its event, locking what it changes (ADR 0049).
 */
import * as Effect from "effect/Effect"
import { ValidationFailed } from "../kernel/ValidationError.js"
import * as Option from "effect/Option"
import type { Access } from "../model/access/Access.js"
import * as Accounts from "./Accounts.js"
import * as Authority from "./Authority.js"
import { UserId, MembershipId, randomUuid } from "../kernel/Ids.js"
import { UserNotManaged } from "../model/identity/IdentityError.js"
import * as Lifecycle from "../model/membership/Lifecycle.js"
import type { Member } from "../model/membership/Member.js"
import * as Membership from "../model/membership/Membership.js"
import { AlreadyMember } from "../model/membership/MembershipError.js"
import * as MembershipStatus from "../model/membership/MembershipStatus.js"
import * as Password from "../model/identity/Password.js"
import * as Policy from "../model/policy/Policy.js"
import * as MembershipChanges from "./MembershipChanges.js"
import * as MembershipTransitions from "./MembershipTransitions.js"
import { EventRepository, MemberRepository, Transactor, UserRepository } from "../ports/Ports.js"
import { PasswordHasher } from "../ports/Secrets.js"
import { now } from "../kernel/Time.js"
import * as User from "../model/identity/User.js"
import * as UserInput from "../api/UserInput.js"

export class Users extends Effect.Service<Users>()("@roster/domain/Users", {
  effect: Effect.gen(function* () {
    const members = yield* MemberRepository
    const users = yield* UserRepository
    const events = yield* EventRepository
    const { transaction } = yield* Transactor
    const accounts = yield* Accounts.make
    const authority = yield* Authority.make
    const changes = yield* MembershipChanges.make
    const { findMember, grantableRole, event } = changes
    // Only `add` with a password uses it; `Services.layer` (no cryptography, as in the quickstart)
    // provides `passwordsUnavailable`, `Services.fullLayer` the application's own.
    const passwordHasher = yield* PasswordHasher

    /** The hash of a new member's password, made before the transaction: hashing is slow on purpose. */
    const hashNewPassword = (input: UserInput.AddUser) =>
      Effect.gen(function* () {
        if (input.password === undefined) {
          if (input.askUserToUpdatePasswordOnLogin === undefined) return undefined
          return yield* ValidationFailed.single("askUserToUpdatePasswordOnLogin", "applies only with a password")
        }
        yield* Password.check(input.password, input.email)
        return yield* passwordHasher.hash(input.password)
      })

    /**
     * A page by number, by offset or after a cursor (one of them); by offset, the page answered is
     * the one the offset falls in; by cursor, the one after the page that handed it out.
     */
    const list = (access: Access, query: UserInput.ListUsers) =>
      Policy.requirePermission(access, "can_view_users").pipe(
        Effect.zipRight(
          query.page !== undefined && query.offset !== undefined
            ? Effect.fail(ValidationFailed.single("offset", "cannot be given with page: page by one or the other"))
            : UserInput.positionOf(UserInput.memberCursor(query.sort), query)
        ),
        Effect.flatMap((cursor) =>
          members.page(access.organizationId, {
            page:
              cursor?.page ?? (query.offset === undefined ? (query.page ?? 0) : Math.floor(query.offset / query.size)),
            size: query.size,
            offset: query.offset,
            after: cursor?.position,
            sort: query.sort,
            statuses: query.status ?? MembershipStatus.listedByDefault,
            roleId: query.roleId,
            q: query.q,
            email: query.email
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
    const add = (caller: Access, input: UserInput.AddUser) =>
      Policy.requirePermission(caller, "can_manage_users").pipe(
        Effect.zipRight(hashNewPassword(input)),
        Effect.flatMap((passwordHash) =>
          // One add of an email at a time (two at once: one member, one AlreadyMember), authorized
          // again in the transaction: a demotion that committed while this add waited counts. A
          // membership it starts again is locked as any change's is (ADR 0049).
          transaction({ email: input.email })(
            Effect.gen(function* () {
              const known = yield* users.findByEmail(input.email)
              const reauthorize = (access: Access) => authority.reauthorize(access, "can_manage_users")
              const [access, existing] = Option.isSome(known)
                ? yield* authority.withMember(caller, known.value.id, "update", reauthorize)
                : ([yield* reauthorize(caller), Option.none<Member>()] as const)
              const role = yield* grantableRole(access, input.roleId)
              const at = yield* now
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
              /**
               * A password for an identity that existed before this add only when this organization
               * manages it, judged on its history before this add (`created`: the membership this
               * add made, which is no history). The operator is not limited, as everywhere.
               */
              const setPassword = (membershipAppended: Effect.Effect<void>, created?: MembershipId) =>
                Effect.gen(function* () {
                  if (passwordHash === undefined) return yield* membershipAppended
                  if (user.id !== newId && access.actor._tag !== "Operator") {
                    const memberships = yield* members.listForUser(user.id)
                    const reason = Policy.whyNotManaged(
                      access.organizationId,
                      user,
                      memberships.map((m) => m.membership).filter((membership) => membership.id !== created)
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
                ),
                membership.id
              )
              return { user, membership, role } satisfies Member
            })
          )
        )
      )

    /**
     * Every change of an existing membership, run the same way whatever the transition: authorize,
     * then `MembershipChanges.change` (one transaction: authorized again under the lock, the state
     * machine, the guards, the write and its event).
     */
    const transition = <O extends Lifecycle.Operation>(
      access: Access,
      userId: UserId,
      operation: O,
      input: MembershipTransitions.InputOf<O>
    ) => {
      const permission = MembershipTransitions.declarationOf(operation).permission
      return Policy.requirePermission(access, permission).pipe(
        Effect.zipRight(
          changes.change(access, userId, operation, input, (access) => authority.reauthorize(access, permission))
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
