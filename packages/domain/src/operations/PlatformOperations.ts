/**
 * Platform administration of identities (`/admin/users`): for a platform admin's full session, or the
 * operator from the CLI. Every change answers the account as it now is, except deletion, which leaves
 * nothing to show.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as IdentityInput from "../api/IdentityInput.js"
import * as IdentityResponse from "../api/IdentityResponse.js"
import { UserId } from "../kernel/Ids.js"
import type * as Actor from "../model/access/Actor.js"
import type { Account } from "../model/account/AccountView.js"
import type { EventType } from "../model/event/DomainEvent.js"
import * as Operation from "./Operation.js"
import { Platform } from "./Platform.js"

const account = { userId: UserId }

export const listAccounts = Operation.make({
  id: "list-accounts",
  tag: "Platform",
  summary: "List every identity, searched and paged",
  guard: "platform",
  description:
    "`limit` is another name for `size`, and `search` for `q` (the platform-users API's names): give one of each pair. `next` is the cursor of the page after (`cursor=…`, not with `page`), also in a `Link` header.",
  input: IdentityInput.ListAccounts,
  success: IdentityResponse.AccountPageResponse,
  errors: [],
  run: ({ actor }, input) =>
    Effect.flatMap(Platform, (platform) => platform.list(actor, input)).pipe(
      Effect.map(IdentityResponse.fromAccountPage)
    )
})

export const createAccount = Operation.make({
  id: "create-account",
  tag: "Platform",
  summary: "Create an identity, optionally with a password and a membership",
  description:
    "With `organizationId`, the identity joins it ACTIVE with `roleId` (its default role when absent). The email must be free.",
  guard: "platform",
  input: IdentityInput.CreateAccount,
  success: IdentityResponse.AccountResponse,
  events: ["identity.created", "user.added", "identity.password_set"],
  // `UserNotFound`: the account read back after it is made, should it be deleted at once.
  errors: ["EmailTaken", "OrganizationNotFound", "RoleNotFound", "NoDefaultRole", "UserNotFound"],
  run: ({ actor }, input) =>
    Effect.flatMap(Platform, (platform) => platform.create(actor, input)).pipe(Effect.map(IdentityResponse.fromAccount))
})

export const viewAccount = Operation.make({
  id: "view-account",
  tag: "Platform",
  summary: "Get an identity with every membership",
  guard: "platform",
  input: Schema.Struct(account),
  success: IdentityResponse.AccountResponse,
  errors: ["UserNotFound"],
  run: ({ actor }, { userId }) =>
    Effect.flatMap(Platform, (platform) => platform.get(actor, userId)).pipe(Effect.map(IdentityResponse.fromAccount))
})

export const deleteAccount = Operation.make({
  id: "delete-account",
  tag: "Platform",
  summary: "Erase an identity: every membership FORGOTTEN, its data gone",
  description: "It cannot be undone. Refused, with nothing erased, when it is an organization's last manager.",
  guard: "platform",
  input: Schema.Struct(account),
  success: undefined,
  events: ["user.forgotten", "identity.deleted"],
  errors: ["UserNotFound", "LastPlatformAdmin", "LastManager", "InvalidTransition"],
  run: ({ actor }, { userId }) => Effect.flatMap(Platform, (platform) => platform.delete(actor, userId))
})

/** A change that takes nothing but the identity's id, and answers the account as it now is. */
const action = <const Id extends string, const E extends Operation.ErrorTag>(declaration: {
  readonly id: Id
  readonly summary: string
  readonly event: EventType
  readonly errors: ReadonlyArray<E>
  readonly change: (
    platform: Platform,
    actor: Actor.Actor,
    userId: UserId
  ) => Effect.Effect<Account, Operation.ErrorOf<NoInfer<E> | Operation.ImpliedError<"platform">>>
}) =>
  Operation.make({
    id: declaration.id,
    tag: "Platform",
    summary: declaration.summary,
    guard: "platform",
    input: Schema.Struct(account),
    success: IdentityResponse.AccountResponse,
    events: [declaration.event],
    errors: declaration.errors,
    run: ({ actor }, { userId }) =>
      Effect.flatMap(Platform, (platform) => declaration.change(platform, actor, userId)).pipe(
        Effect.map(IdentityResponse.fromAccount)
      )
  })

export const deactivateAccount = action({
  id: "deactivate-account",
  summary: "Deactivate an identity: no sign-in anywhere, every session ended, unused links voided",
  event: "identity.deactivated",
  errors: ["UserNotFound", "LastPlatformAdmin"],
  change: (platform, actor, userId) => platform.deactivate(actor, userId)
})

export const reactivateAccount = action({
  id: "reactivate-account",
  summary: "Reactivate an identity",
  event: "identity.reactivated",
  errors: ["UserNotFound"],
  change: (platform, actor, userId) => platform.reactivate(actor, userId)
})

export const promoteAccount = action({
  id: "promote-account",
  summary: "Make an identity a platform admin",
  event: "platform_admin.promoted",
  errors: ["UserNotFound"],
  change: (platform, actor, userId) => platform.promote(actor, userId)
})

export const demoteAccount = action({
  id: "demote-account",
  summary: "Take platform admin away (never from the last one)",
  event: "platform_admin.demoted",
  errors: ["UserNotFound", "LastPlatformAdmin"],
  change: (platform, actor, userId) => platform.demote(actor, userId)
})

export const disableAccountMfa = action({
  id: "disable-account-mfa",
  summary: "Remove an identity's second factor and recovery codes, ending its sessions",
  event: "mfa.disabled",
  errors: ["UserNotFound"],
  change: (platform, actor, userId) => platform.disableMfa(actor, userId)
})

export const verifyAccountEmail = action({
  id: "verify-account-email",
  summary: "Mark an identity's email address verified",
  event: "identity.email_verified",
  errors: ["UserNotFound"],
  change: (platform, actor, userId) => platform.verifyEmail(actor, userId)
})

export const resetAccountPassword = Operation.make({
  id: "reset-account-password",
  tag: "Platform",
  summary: "Set an identity's password, ending its sessions",
  description: "They must change it at their next sign-in only when `askUserToUpdatePasswordOnLogin` is true.",
  guard: "platform",
  input: Schema.Struct({ ...account, ...IdentityInput.SetPassword.fields }),
  success: IdentityResponse.AccountResponse,
  events: ["identity.password_set"],
  errors: ["UserNotFound"],
  run: ({ actor }, { userId, ...input }) =>
    Effect.flatMap(Platform, (platform) => platform.resetPassword(actor, userId, input)).pipe(
      Effect.map(IdentityResponse.fromAccount)
    )
})

export const all = [
  listAccounts,
  createAccount,
  viewAccount,
  deleteAccount,
  deactivateAccount,
  reactivateAccount,
  promoteAccount,
  demoteAccount,
  disableAccountMfa,
  verifyAccountEmail,
  resetAccountPassword
] as const
