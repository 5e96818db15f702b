/** What the Users use-case tests share: every permission, and running or reaching each operation by name. */
import type { Access, Lifecycle, Member, MembershipStatus, Permission, RoleId, UserId, Users } from "@roster/domain"
import * as Effect from "effect/Effect"

export const allPermissions: ReadonlyArray<Permission.Permission> = [
  "can_view_users",
  "can_manage_users",
  "can_reset_2fa",
  "can_manage_roles",
  "can_manage_tokens",
  "can_view_audit"
]

/** Runs one use case by its operation name, with the input that operation takes. */
export const perform = (
  users: Users,
  access: Access,
  userId: UserId,
  operation: Lifecycle.Operation,
  roleId: RoleId
): Effect.Effect<Member.Member, unknown> => {
  switch (operation) {
    case "updateProfile":
      return users.updateProfile(access, userId, { title: "Engineer" })
    case "changeRole":
      return users.changeRole(access, userId, { roleId })
    case "reinstate":
      return users.reinstate(access, userId, { roleId })
    case "remove":
      return users.remove(access, userId, { reason: "left the company" })
    default:
      return users[operation](access, userId)
  }
}

/** Moves a fresh ACTIVE member into `status` through the use cases. */
export const bringTo = (users: Users, access: Access, userId: UserId, status: MembershipStatus.MembershipStatus) =>
  Effect.gen(function* () {
    if (status === "INACTIVE") yield* users.deactivate(access, userId)
    if (status === "TERMINATED" || status === "FORGOTTEN") yield* users.terminate(access, userId)
    if (status === "REMOVED") yield* users.remove(access, userId, { reason: "moved on" })
    if (status === "FORGOTTEN") yield* users.forget(access, userId)
  })

export const statusOf = (users: Users, access: Access, userId: UserId) =>
  users.get(access, userId).pipe(Effect.map((member) => member.membership.status))
