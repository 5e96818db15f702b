/**
 * Every change of an existing membership, declared once: its operation id, the arguments it takes,
 * the permission it needs, the errors it can fail with, and what it does beyond the state machine's
 * move (a role to give, a reason to keep, data to erase). `MembershipChanges.change` runs them all the same
 * way; the API, the CLI and the typed client are bindings over the operations made from these.
 */
import * as Schema from "effect/Schema"
import type { RoleId } from "../kernel/Ids.js"
import { RoleId as RoleIdSchema } from "../kernel/Ids.js"
import type { Permission } from "../model/access/Permission.js"
import type * as Lifecycle from "../model/membership/Lifecycle.js"
import type { Membership } from "../model/membership/Membership.js"
import * as UserInput from "../api/UserInput.js"
import type { ErrorTag } from "./Operation.js"

/** One transition of a membership, beyond what every transition does. */
export interface Transition<Fields extends Schema.Struct.Fields = Schema.Struct.Fields> {
  readonly id: string
  readonly summary: string
  readonly description?: string
  readonly permission: Permission
  /** Its arguments besides the member it acts on. */
  readonly input: Schema.Struct<Fields>
  /** The errors beyond those of every transition (user not found, invalid transition, last manager). */
  readonly errors: ReadonlyArray<ErrorTag>
  /** The role it gives (no escalation: the actor must hold every permission of it). */
  readonly grants?: (input: Schema.Struct.Type<Fields>) => RoleId
  /** The profile fields it sets: absent (or undefined) stays, `null` clears. */
  readonly profile?: (input: Schema.Struct.Type<Fields>) => {
    readonly [K in "firstName" | "lastName" | "title"]?: Membership[K] | undefined
  }
  /** A free-text reason kept with its event. */
  readonly reason?: (input: Schema.Struct.Type<Fields>) => string
  /** Only for a member this organization manages: it weakens how they sign in. */
  readonly managedOnly?: boolean
  /**
   * Allowed on a member of any rank. Every other transition is refused (`Outranked`) on a member
   * whose role holds a permission the actor lacks: a lesser actor may not act on a greater one.
   */
  readonly anyRank?: boolean
  /** Erasure: the membership's personal data goes, and the identity's once no membership needs it. */
  readonly erases?: boolean
  /** Clears the member's second factor (and the sessions it protected). */
  readonly clearsMfa?: boolean
  /** It answers nothing (the contract's reset-MFA: accepted, no body); otherwise the member as changed. */
  readonly answersNothing?: boolean
}

// Keeps each declaration's id (and whether it answers nothing) as literal types, for typed clients.
const transition = <
  const Id extends string,
  Fields extends Schema.Struct.Fields,
  const Nothing extends boolean = false
>(
  declaration: Transition<Fields> & { readonly id: Id; readonly answersNothing?: Nothing }
): Transition<Fields> & { readonly id: Id; readonly answersNothing?: Nothing } => declaration

const none = Schema.Struct({})

const common: ReadonlyArray<ErrorTag> = ["UserNotFound", "Outranked", "InvalidTransition", "LastManager"]
const ofAnyRank: ReadonlyArray<ErrorTag> = common.filter((tag) => tag !== "Outranked")
const givingRole: ReadonlyArray<ErrorTag> = [...common, "RoleNotFound", "RoleEscalation"]

/** Every membership transition, by the state machine's name for it. */
export const transitions = {
  updateProfile: transition({
    id: "update-user-profile",
    summary: "Update a member's profile (absent = unchanged, null = cleared)",
    permission: "can_manage_users",
    input: UserInput.UpdateProfile,
    errors: common,
    profile: (input) => input
  }),
  changeRole: transition({
    id: "update-user-role",
    summary: "Change a member's role",
    permission: "can_manage_users",
    input: UserInput.ChangeRole,
    errors: givingRole,
    grants: (input) => input.roleId
  }),
  deactivate: transition({
    id: "deactivate-user",
    summary: "Deactivate a member: they keep their place but cannot act in the organization",
    permission: "can_manage_users",
    input: none,
    errors: common
  }),
  activate: transition({
    id: "activate-user",
    summary: "Activate a deactivated member",
    permission: "can_manage_users",
    input: none,
    errors: common
  }),
  terminate: transition({
    id: "terminate-user",
    summary: "Terminate a member",
    permission: "can_manage_users",
    input: none,
    errors: common
  }),
  reinstate: transition({
    id: "reinstate-user",
    summary: "Reinstate a terminated member with a role",
    permission: "can_manage_users",
    input: Schema.Struct({ roleId: RoleIdSchema }),
    errors: givingRole,
    grants: (input) => input.roleId
  }),
  remove: transition({
    id: "remove-user",
    summary: "Remove a membership from the organization, with a reason",
    permission: "can_manage_users",
    input: UserInput.Remove,
    errors: common,
    reason: (input) => input.reason
  }),
  forget: transition({
    id: "forget-user",
    summary: "Forget a member: erase their personal data for good (the identity's too, once no organization needs it)",
    permission: "can_manage_users",
    input: none,
    errors: common,
    erases: true
  }),
  resetMfa: transition({
    id: "reset-mfa",
    summary: "Clear a managed member's second factor and recovery codes, ending their sessions",
    permission: "can_reset_2fa",
    input: none,
    errors: [...ofAnyRank, "UserNotManaged"],
    managedOnly: true,
    // A helpdesk holding `can_reset_2fa` alone resets any managed member's second factor: that
    // gives no access by itself (the password is still needed), and it is the permission's purpose.
    anyRank: true,
    clearsMfa: true,
    answersNothing: true
  })
} as const satisfies { readonly [O in Lifecycle.Operation]: { readonly id: string; readonly permission: Permission } }

export type Transitions = typeof transitions

/** The arguments of a transition (besides the member). */
export type InputOf<O extends Lifecycle.Operation> = Schema.Struct.Type<Transitions[O]["input"]["fields"]>

/**
 * One transition's declaration, as a runner that treats them all alike sees it: its hooks take that
 * transition's own input, which the runner passes along untouched.
 */
export const declarationOf = (operation: Lifecycle.Operation): Transition<any> =>
  transitions[operation] as unknown as Transition<any>
