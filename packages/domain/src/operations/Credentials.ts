/**
 * What an organization's admins (`can_manage_users`) may do about a member's sign-in: set their
 * password, make them a magic link or an email verification link. Only for a user the organization
 * manages (`Policy.isManagedBy`, and a current membership here); users of other organizations are
 * `UserNotFound` as everywhere.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Access } from "../model/access/Access.js"
import * as Accounts from "./Accounts.js"
import * as Authority from "./Authority.js"
import { AccountDisabled } from "../model/identity/AuthError.js"
import { UserNotManaged } from "../model/identity/IdentityError.js"
import type { UserId } from "../kernel/Ids.js"
import type * as IdentityInput from "../api/IdentityInput.js"
import type { Member } from "../model/membership/Member.js"
import { UserNotFound } from "../model/membership/MembershipError.js"
import type * as OneTimeToken from "../model/identity/OneTimeToken.js"
import * as Password from "../model/identity/Password.js"
import * as Policy from "../model/policy/Policy.js"
import { MemberRepository, Transactor } from "../ports/Ports.js"
import { PasswordHasher } from "../ports/Secrets.js"
import { now } from "../kernel/Time.js"

/** A one-time secret to put in a link (the adapter builds the URL). Shown once; never stored. */
export interface IssuedLink {
  readonly secret: string
  readonly expiresAt: Date
}

export class Credentials extends Effect.Service<Credentials>()("@roster/domain/Credentials", {
  effect: Effect.gen(function* () {
    const members = yield* MemberRepository
    const authority = yield* Authority.make
    const { transaction } = yield* Transactor
    const hasher = yield* PasswordHasher
    const accounts = yield* Accounts.make

    /**
     * The member whose sign-in the actor may touch. Checks, in order: `can_manage_users` (403) → a
     * member here (404) → managed (403 `UserNotManaged`) → the actor holds every permission of the
     * member's role (403 `Outranked`: taking over a more powerful account is acting upward).
     * The operator is not bound by the managed-user rule, but neither may it touch the sign-in of a
     * user whose membership here is REMOVED or FORGOTTEN, or whose identity is erased (403
     * `UserNotManaged`, as the API answers): erasure must stay erasure.
     */
    const manageable = (access: Access, userId: UserId, read?: Option.Option<Member>) =>
      Effect.gen(function* () {
        yield* Policy.requirePermission(access, "can_manage_users")
        const found = read ?? (yield* members.find(access.organizationId, userId))
        if (Option.isNone(found)) return yield* new UserNotFound({ userId })
        const member: Member = found.value
        if (access.actor._tag === "Operator") {
          if (Policy.isCurrent(member.membership.status) && member.user.erasedAt === null) return member
          return yield* new UserNotManaged({ userId, reason: "not_current" })
        }
        yield* Policy.requireManaged(
          access,
          member,
          (yield* members.listForUser(userId)).map((m) => m.membership)
        )
        yield* Policy.requireNotOutranked(access.actor, { userId, rolePermissions: member.role.permissions })
        return member
      })

    /**
     * In one transaction, `f` with the access authorized again and the member as `manageable` finds
     * them, their membership row locked `share`: a change of it (removing, forgetting) commits before
     * and is seen, or waits for this one.
     */
    const withManageable = <A, E>(
      access: Access,
      userId: UserId,
      f: (access: Access, member: Member) => Effect.Effect<A, E>
    ) =>
      transaction(null)(
        authority
          .withMember(access, userId, "share", (access) => authority.reauthorize(access, "can_manage_users"))
          .pipe(
            Effect.flatMap(([access, found]) =>
              Effect.flatMap(manageable(access, userId, found), (member) => f(access, member))
            )
          )
      )

    /**
     * Sets the member's password. Every session of theirs ends. The member must change it at their
     * next sign-in unless `askUserToUpdatePasswordOnLogin` is `false`: an admin-set password is
     * known to the admin (as the reference API says of a reset).
     */
    const setPassword = (access: Access, userId: UserId, input: IdentityInput.SetPassword) =>
      Effect.gen(function* () {
        const member = yield* manageable(access, userId)
        yield* Password.check(input.password, member.user.email)
        const passwordHash = yield* hasher.hash(input.password)
        const at = yield* now
        // Again in the transaction: the actor and memberships may have changed while hashing.
        yield* withManageable(access, userId, (access, { user }) =>
          Effect.gen(function* () {
            yield* accounts.setPassword({
              actor: access.actor,
              user,
              passwordHash,
              mustChangePassword: input.askUserToUpdatePasswordOnLogin ?? true,
              at,
              type: "identity.password_set",
              organizationId: access.organizationId
            })
          })
        )
      })

    const issue = (access: Access, userId: UserId, purpose: OneTimeToken.Purpose) =>
      Effect.gen(function* () {
        const at = yield* now
        return yield* withManageable(access, userId, (access, { user }) =>
          Effect.gen(function* () {
            if (purpose === "magic_link" && user.disabledAt !== null) return yield* new AccountDisabled()
            const link: IssuedLink = yield* accounts.issueOneTimeToken({
              purpose,
              user,
              actor: access.actor,
              at,
              organizationId: access.organizationId
            })
            return link
          })
        )
      })

    return {
      setPassword,
      /** A sign-in link for the member, valid once for 15 minutes (`AccountDisabled` for a deactivated identity). */
      magicLink: (access: Access, userId: UserId) => issue(access, userId, "magic_link"),
      /** A link that confirms the member's email address, valid once for 7 days. */
      emailVerification: (access: Access, userId: UserId) => issue(access, userId, "email_verification")
    } as const
  })
}) {}
