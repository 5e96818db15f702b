/**
 * Platform administration of identities (`/admin/users`, `roster admins|accounts …`): for a
 * platform admin's full session, or the operator. Changes of platform-admin state run under the
 * "platform" lock, so that there is always at least one platform admin who can act.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Forbidden } from "../model/access/AccessError.js"
import * as Accounts from "./Accounts.js"
import * as Authority from "./Authority.js"
import * as MembershipChanges from "./MembershipChanges.js"
import * as Lifecycle from "../model/membership/Lifecycle.js"
import type * as Actor from "../model/access/Actor.js"
import type { PasswordChangeRequired } from "../model/identity/AuthError.js"
import * as DomainEvent from "../model/event/DomainEvent.js"
import { EmailTaken, LastPlatformAdmin } from "../model/identity/IdentityError.js"
import { MembershipId, UserId, randomUuid } from "../kernel/Ids.js"
import * as IdentityInput from "../api/IdentityInput.js"
import type { Page } from "../model/membership/Member.js"
import * as Membership from "../model/membership/Membership.js"
import { NoDefaultRole, RoleNotFound } from "../model/membership/MembershipError.js"
import { OrganizationNotFound } from "../model/organization/OrganizationError.js"
import * as Password from "../model/identity/Password.js"
import * as Policy from "../model/policy/Policy.js"
import {
  CredentialRepository,
  EventRepository,
  MemberRepository,
  OrganizationRepository,
  RoleRepository,
  Transactor,
  UserRepository
} from "../ports/Ports.js"
import { PasswordHasher } from "../ports/Secrets.js"
import { now } from "../kernel/Time.js"
import * as User from "../model/identity/User.js"
import { ValidationFailed } from "../kernel/ValidationError.js"
import type { Account } from "../model/account/AccountView.js"
export type { Account } from "../model/account/AccountView.js"

/**
 * Removing and forgetting give no role and need no managed user, and a platform admin is outranked
 * by no member: those failures cannot happen there, and would be bugs.
 */
const leave = <A, E extends { readonly _tag: string }, R>(change: Effect.Effect<A, E, R>) =>
  change.pipe(
    Effect.catchIf(
      (
        error
      ): error is Extract<
        E,
        { readonly _tag: "RoleEscalation" | "RoleNotFound" | "NoDefaultRole" | "UserNotManaged" | "Outranked" }
      > => ["RoleEscalation", "RoleNotFound", "NoDefaultRole", "UserNotManaged", "Outranked"].includes(error._tag),
      (error) => Effect.die(error)
    )
  )

/** The reason kept with a membership removed because its identity was deleted. */
const deletedReason = "The account was deleted by a platform admin"

export class Platform extends Effect.Service<Platform>()("@roster/domain/Platform", {
  effect: Effect.gen(function* () {
    const users = yield* UserRepository
    const credentials = yield* CredentialRepository
    const members = yield* MemberRepository
    const organizations = yield* OrganizationRepository
    const roles = yield* RoleRepository
    const events = yield* EventRepository
    const { transaction } = yield* Transactor
    const hasher = yield* PasswordHasher
    const accounts = yield* Accounts.make
    const changes = yield* MembershipChanges.make
    const authority = yield* Authority.make

    const account = (userId: UserId) =>
      Effect.gen(function* () {
        const user = yield* accounts.findUser(userId)
        return {
          user,
          memberships: yield* members.listForUser(userId),
          hasPassword: Option.isSome(yield* credentials.get(userId))
        } satisfies Account
      })

    /** Appends an identity-level event (no organization). */
    const record = (
      actor: Actor.Actor,
      type: DomainEvent.EventType,
      user: User.User,
      at: Date,
      change: { readonly before?: Record<string, unknown>; readonly after?: Record<string, unknown> }
    ) =>
      events.append(
        DomainEvent.make({
          actor,
          type,
          at,
          userId: user.id,
          before: change.before ?? null,
          after: change.after ?? null
        })
      )

    /**
     * Refuses a change that takes away the last platform admin who can act. Run it under the
     * "platform" lock, before writing `after`.
     */
    const keepLastPlatformAdmin = (before: User.User, after: User.User) =>
      Effect.gen(function* () {
        const wasCounted = Policy.isActingPlatformAdmin(before)
        const isCounted = Policy.isActingPlatformAdmin(after)
        if (!wasCounted || isCounted) return
        const platformAdmins = yield* users.countPlatformAdmins
        if (Policy.losesLastPlatformAdmin({ wasCounted, isCounted, platformAdmins })) {
          return yield* new LastPlatformAdmin({ userId: before.id })
        }
      })

    /**
     * A platform-admin change: authorize, then under the "platform" lock, authorized again there
     * (`Authority.asPlatformAdmin`: a demotion that committed meanwhile counts), find the user and
     * apply `f`. Every platform admin's write takes this lock, so that it is serialized with
     * promotions and demotions.
     */
    const platformChange = <E>(
      actor: Actor.Actor,
      userId: UserId,
      f: (user: User.User, at: Date) => Effect.Effect<void, E>
    ) =>
      Policy.requirePlatformAdmin(actor).pipe(
        Effect.zipRight(now),
        Effect.flatMap((at) =>
          authority.asPlatformAdmin(actor)(() => accounts.findUser(userId).pipe(Effect.flatMap((user) => f(user, at))))
        ),
        Effect.zipRight(account(userId))
      )

    /** Hashes a new password after checking it against the email: before any transaction (hashing is slow). */
    const hashPassword = (password: string, email: string) =>
      Password.check(password, email).pipe(Effect.zipRight(hasher.hash(password)))

    /**
     * Identities that are not erased, by email; `q` (or `search`) searches email and name. A page
     * size or a search given under both its names is `ValidationFailed`, once the caller may ask.
     */
    const list = (
      actor: Actor.Actor,
      input: IdentityInput.ListAccounts
    ): Effect.Effect<Page<User.User>, Forbidden | PasswordChangeRequired | ValidationFailed> =>
      Policy.requirePlatformAdmin(actor).pipe(
        Effect.zipRight(IdentityInput.accountQuery(input)),
        Effect.flatMap((query) =>
          users.page({
            page: query.page,
            size: query.size,
            after: query.after,
            q: query.q,
            platformAdmin: query.platformAdmin
          })
        )
      )

    const get = (actor: Actor.Actor, userId: UserId) =>
      Policy.requirePlatformAdmin(actor).pipe(Effect.zipRight(account(userId)))

    /**
     * Creates an identity (`EmailTaken` when the email is in use), with a password when given, and
     * a membership (ACTIVE, with `roleId` or the default role) when an organization is given.
     */
    const create = (actor: Actor.Actor, input: IdentityInput.CreateAccount) =>
      Effect.gen(function* () {
        yield* Policy.requirePlatformAdmin(actor)
        const joining = yield* IdentityInput.organizationToJoin(input)
        // Fields that would otherwise be ignored, silently: refused, naming them.
        if (input.roleId !== undefined && joining === undefined) {
          return yield* ValidationFailed.single(
            "roleId",
            "applies only with organizationId: a role belongs to an organization"
          )
        }
        if (input.askUserToUpdatePasswordOnLogin !== undefined && input.password === undefined) {
          return yield* ValidationFailed.single("askUserToUpdatePasswordOnLogin", "applies only with a password")
        }
        const passwordHash = input.password === undefined ? undefined : yield* hashPassword(input.password, input.email)
        const at = yield* now
        const organizationId = joining ?? null
        // The "platform" lock first (authorized again there), then the email's, which an
        // organization's add of the same email takes too.
        const user = yield* authority.asPlatformAdmin(actor)(() =>
          transaction({ email: input.email })(
            Effect.gen(function* () {
              const role =
                organizationId === null
                  ? undefined
                  : yield* Effect.gen(function* () {
                      if (Option.isNone(yield* organizations.findById(organizationId))) {
                        return yield* new OrganizationNotFound({ organization: organizationId })
                      }
                      const found =
                        input.roleId === undefined
                          ? yield* roles.findDefault(organizationId)
                          : yield* roles.findById(organizationId, input.roleId)
                      if (Option.isSome(found)) return found.value
                      return yield* input.roleId === undefined
                        ? Effect.fail(new NoDefaultRole({ organizationId }))
                        : Effect.fail(new RoleNotFound({ roleId: input.roleId }))
                    })
              if (Option.isSome(yield* users.findByEmail(input.email)))
                return yield* new EmailTaken({ email: input.email })
              const fresh = User.make({
                id: UserId.make(randomUuid()),
                email: input.email,
                name: input.name,
                createdAt: at
              })
              const user = yield* users.insertOrGet(fresh)
              if (user.id !== fresh.id) return yield* new EmailTaken({ email: input.email })
              yield* record(actor, "identity.created", user, at, { after: { email: user.email, name: user.name } })
              if (organizationId !== null && role !== undefined) {
                const membership: Membership.Membership = {
                  id: MembershipId.make(randomUuid()),
                  userId: user.id,
                  organizationId,
                  roleId: role.id,
                  status: "ACTIVE",
                  firstName: null,
                  lastName: null,
                  title: null,
                  createdAt: at,
                  updatedAt: at
                }
                yield* members.insert(membership)
                yield* events.append(
                  DomainEvent.make({
                    actor,
                    type: "user.added",
                    at,
                    organizationId,
                    userId: user.id,
                    after: { email: user.email, ...Membership.snapshot(membership) }
                  })
                )
              }
              if (passwordHash !== undefined) {
                yield* accounts.setPassword({
                  actor,
                  user,
                  passwordHash,
                  mustChangePassword: input.askUserToUpdatePasswordOnLogin ?? false,
                  at,
                  type: "identity.password_set"
                })
              }
              return user
            })
          )
        )
        return yield* account(user.id)
      })

    /** Blocks sign-in everywhere and ends every session. Deactivating a deactivated identity changes nothing. */
    const deactivate = (actor: Actor.Actor, userId: UserId) =>
      platformChange(actor, userId, (user, at) =>
        Effect.gen(function* () {
          if (user.disabledAt !== null) return
          const disabled: User.User = { ...user, disabledAt: at }
          yield* keepLastPlatformAdmin(user, disabled)
          yield* users.update(disabled)
          const sessionsRevoked = yield* accounts.endSessions(user.id, at)
          yield* accounts.voidLinks(user.id)
          yield* record(actor, "identity.deactivated", user, at, {
            before: { disabled: false },
            after: { disabled: true, sessionsRevoked }
          })
        })
      )

    const reactivate = (actor: Actor.Actor, userId: UserId) =>
      platformChange(actor, userId, (user, at) =>
        Effect.gen(function* () {
          if (user.disabledAt === null) return
          yield* users.update({ ...user, disabledAt: null })
          yield* record(actor, "identity.reactivated", user, at, {
            before: { disabled: true },
            after: { disabled: false }
          })
        })
      )

    /**
     * Deletes the identity: forgets every membership (`LastManager` when it is an organization's last
     * manager: nothing is deleted then), tombstones the identity, erases its secrets, and erases its
     * personal data from every event. It cannot be undone.
     */
    const remove = (actor: Actor.Actor, userId: UserId) =>
      Policy.requirePlatformAdmin(actor).pipe(
        Effect.zipRight(now),
        Effect.flatMap((at) =>
          authority.asPlatformAdmin(actor)(() =>
            Effect.gen(function* () {
              const user = yield* accounts.findUser(userId)
              const erased = User.erase(user, at)
              yield* keepLastPlatformAdmin(user, erased)
              // Each membership leaves through the state machine, every step recorded: removed first
              // where the table does not allow forgetting yet (ACTIVE, INACTIVE), then forgotten.
              for (const { organization, membership } of yield* members.listForUser(userId)) {
                if (membership.status === "FORGOTTEN") continue
                const access = { actor, organizationId: organization.id }
                // Authorized above, under the "platform" lock this change runs in.
                if (!Lifecycle.allows(membership.status, "forget")) {
                  yield* leave(changes.change(access, userId, "remove", { reason: deletedReason }, Effect.succeed))
                }
                yield* leave(changes.change(access, userId, "forget", {}, Effect.succeed))
              }
              yield* users.update(erased)
              yield* events.eraseIdentityData(userId)
              yield* accounts.eraseSecrets(user)
              // Erasure keeps no personal data, not even in the event that records it.
              yield* record(actor, "identity.deleted", user, at, {})
            })
          )
        )
      )

    const promote = (actor: Actor.Actor, userId: UserId) =>
      platformChange(actor, userId, (user, at) =>
        Effect.gen(function* () {
          if (user.isPlatformAdmin) return
          yield* users.update({ ...user, isPlatformAdmin: true })
          yield* record(actor, "platform_admin.promoted", user, at, {
            before: { isPlatformAdmin: false },
            after: { isPlatformAdmin: true }
          })
        })
      )

    /** Never the last platform admin who can act (`LastPlatformAdmin`). */
    const demote = (actor: Actor.Actor, userId: UserId) =>
      platformChange(actor, userId, (user, at) =>
        Effect.gen(function* () {
          if (!user.isPlatformAdmin) return
          const demoted: User.User = { ...user, isPlatformAdmin: false }
          yield* keepLastPlatformAdmin(user, demoted)
          yield* users.update(demoted)
          yield* record(actor, "platform_admin.demoted", user, at, {
            before: { isPlatformAdmin: true },
            after: { isPlatformAdmin: false }
          })
        })
      )

    /**
     * Removes the second factor and recovery codes, and ends every session (as an organization's reset
     * MFA does). An account without a second factor is left as it is, with no event (as deactivating a
     * deactivated account is).
     */
    const disableMfa = (actor: Actor.Actor, userId: UserId) =>
      platformChange(actor, userId, (user, at) =>
        Effect.gen(function* () {
          if (user.mfaEnrolledAt === null) return
          const { sessionsRevoked } = yield* accounts.clearMfa(user, at)
          yield* record(actor, "mfa.disabled", user, at, { after: { by: "platform_admin", sessionsRevoked } })
        })
      )

    /** Sets the password (asking for a change at sign-in when told); every session ends. */
    const resetPassword = (actor: Actor.Actor, userId: UserId, input: IdentityInput.SetPassword) =>
      Effect.gen(function* () {
        yield* Policy.requirePlatformAdmin(actor)
        const passwordHash = yield* hashPassword(input.password, (yield* accounts.findUser(userId)).email)
        return yield* platformChange(actor, userId, (user, at) =>
          accounts.setPassword({
            actor,
            user,
            passwordHash,
            mustChangePassword: input.askUserToUpdatePasswordOnLogin ?? false,
            at,
            type: "identity.password_set"
          })
        )
      })

    /** Marks the email verified without a link. Verifying a verified email changes nothing. */
    const verifyEmail = (actor: Actor.Actor, userId: UserId) =>
      platformChange(actor, userId, (user, at) =>
        Effect.gen(function* () {
          if (user.emailVerifiedAt !== null) return
          yield* users.update({ ...user, emailVerifiedAt: at })
          yield* record(actor, "identity.email_verified", user, at, {
            before: { emailVerified: false },
            after: { emailVerified: true, method: "platform_admin" }
          })
        })
      )

    /**
     * `roster admins create`: makes `email` a platform admin who can sign in with `password` —
     * creating the identity when needed, setting the password (ending other sessions), reactivating
     * and promoting it. Running it again repairs the same account.
     */
    const bootstrapAdmin = (actor: Actor.Actor, input: IdentityInput.BootstrapAdmin) =>
      Effect.gen(function* () {
        yield* Policy.requirePlatformAdmin(actor)
        const passwordHash = yield* hashPassword(input.password, input.email)
        const at = yield* now
        // The operator only: nobody to authorize again.
        const user = yield* transaction("platform")(
          Effect.gen(function* () {
            const known = (yield* users.findByEmail(input.email)).pipe(Option.filter((u) => u.erasedAt === null))
            let user: User.User
            if (Option.isSome(known)) {
              user = known.value
            } else {
              const fresh = User.make({
                id: UserId.make(randomUuid()),
                email: input.email,
                name: input.name,
                createdAt: at
              })
              user = yield* users.insertOrGet(fresh)
              if (user.id !== fresh.id) return yield* new EmailTaken({ email: input.email })
              yield* record(actor, "identity.created", user, at, { after: { email: user.email, name: user.name } })
            }
            yield* accounts.setPassword({
              actor,
              user,
              passwordHash,
              mustChangePassword: false,
              at,
              type: "identity.password_set"
            })
            if (user.disabledAt !== null) {
              yield* record(actor, "identity.reactivated", user, at, {
                before: { disabled: true },
                after: { disabled: false }
              })
              user = { ...user, disabledAt: null }
            }
            if (!user.isPlatformAdmin) {
              yield* record(actor, "platform_admin.promoted", user, at, {
                before: { isPlatformAdmin: false },
                after: { isPlatformAdmin: true }
              })
              user = { ...user, isPlatformAdmin: true }
            }
            yield* users.update(user)
            return user
          })
        )
        return yield* account(user.id)
      })

    return {
      list,
      get,
      create,
      deactivate,
      reactivate,
      delete: remove,
      promote,
      demote,
      disableMfa,
      resetPassword,
      verifyEmail,
      bootstrapAdmin
    } as const
  })
}) {}
