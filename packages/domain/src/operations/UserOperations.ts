/**
 * The membership operations: list, view and add members, and every transition of a membership
 * (made from `MembershipTransitions`, one operation each). Surfaces bind these; none adds logic.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as UserInput from "../api/UserInput.js"
import * as UserResponse from "../api/UserResponse.js"
import { UserId } from "../kernel/Ids.js"
import type { Permission } from "../model/access/Permission.js"
import * as Lifecycle from "../model/membership/Lifecycle.js"
import * as MembershipTransitions from "./MembershipTransitions.js"
import * as Operation from "./Operation.js"
import { Users } from "./Users.js"

const member = { userId: UserId }

export const listUsers = Operation.make({
  id: "list-users",
  tag: "Users",
  summary: "List the organization's members: filtered, searched and paged",
  description:
    "`q` searches the email and the names, `email` the email alone (both: each must match). `sort` orders by `createdAt` (the default), `email` or `name`, `-` descending. Paged by `page`, by `offset` (members to skip) or by `cursor` (an earlier page's `next`, which stays put as members are added), one of them.",
  guard: "organization",
  permission: "can_view_users",
  input: Schema.Struct({ ...UserInput.ListUsers.fields, ...UserInput.listUsersPageFields }),
  success: UserResponse.UserPageResponse,
  errors: [],
  run: ({ access }, input) =>
    Effect.flatMap(Users, (users) => users.list(access, input)).pipe(
      Effect.map((page) => UserResponse.fromPage(page, UserInput.memberCursor(input.sort)))
    )
})

export const viewUser = Operation.make({
  id: "view-user",
  tag: "Users",
  summary: "Get a member",
  guard: "organization",
  permission: "can_view_users",
  input: Schema.Struct(member),
  success: UserResponse.UserResponse,
  errors: ["UserNotFound"],
  run: ({ access }, input) =>
    Effect.flatMap(Users, (users) => users.get(access, input.userId)).pipe(Effect.map(UserResponse.fromMember))
})

export const addUser = Operation.make({
  id: "add-user",
  tag: "Users",
  summary: "Add a member (an existing identity by email, or a new one), optionally with a password",
  guard: "organization",
  permission: "can_manage_users",
  input: UserInput.AddUser,
  success: UserResponse.UserResponse,
  events: ["user.added", "user.readded", "identity.password_set"],
  errors: ["RoleNotFound", "RoleEscalation", "AlreadyMember", "NoDefaultRole", "UserNotManaged"],
  run: ({ access }, input) =>
    Effect.flatMap(Users, (users) => users.add(access, input)).pipe(Effect.map(UserResponse.fromMember))
})

/**
 * The operation of one membership transition: the member's id joins the transition's arguments.
 * Built the same way for each; `transitions` below gives each its precise type.
 */
const transitionOperation = (operation: Lifecycle.Operation): Operation.Any => {
  const declared = MembershipTransitions.declarationOf(operation)
  const answersNothing = declared.answersNothing === true
  return Operation.make({
    id: declared.id,
    tag: "Users",
    summary: declared.summary,
    guard: "organization",
    permission: declared.permission,
    input: Schema.Struct({ ...member, ...declared.input.fields }),
    success: answersNothing ? undefined : UserResponse.UserResponse,
    transition: operation,
    events: [Lifecycle.definitions[operation].event],
    errors: declared.errors,
    run: ({ access }, { userId, ...input }) =>
      Effect.flatMap(Users, (users) => users.transition(access, userId as UserId, operation, input as never)).pipe(
        Effect.map((changed) => (answersNothing ? undefined : UserResponse.fromMember(changed)))
      )
  })
}

type Fields<O extends Lifecycle.Operation> = typeof member &
  Extract<MembershipTransitions.Transitions[O]["input"]["fields"], Schema.Struct.Fields>

/** The operation of a transition, typed from its declaration. */
export type TransitionOperation<O extends Lifecycle.Operation> = Operation.Operation<
  MembershipTransitions.Transitions[O]["id"],
  "organization",
  Fields<O>,
  MembershipTransitions.Transitions[O] extends { readonly answersNothing: true }
    ? undefined
    : typeof UserResponse.UserResponse,
  Operation.ErrorTag,
  Users
>

/** One operation per membership transition, by the state machine's name for it. */
export const transitions = Object.fromEntries(
  Lifecycle.operations.map((operation) => [operation, transitionOperation(operation)])
) as unknown as { readonly [O in Lifecycle.Operation]: TransitionOperation<O> }

/** Every membership operation. */
export const all = [
  listUsers,
  viewUser,
  addUser,
  ...(Object.values(transitions) as ReadonlyArray<(typeof transitions)[Lifecycle.Operation]>)
] as const

/** What a membership operation is called in the design's permission table. */
export type UserAction = "list" | "get" | "add" | Lifecycle.Operation

/** The one permission each membership operation requires, as its declaration states it. */
export const requiredPermission: { readonly [A in UserAction]: Permission } = {
  list: "can_view_users" satisfies typeof listUsers.permission,
  get: "can_view_users" satisfies typeof viewUser.permission,
  add: "can_manage_users" satisfies typeof addUser.permission,
  ...(Object.fromEntries(
    Lifecycle.operations.map((operation) => [operation, MembershipTransitions.transitions[operation].permission])
  ) as { readonly [O in Lifecycle.Operation]: Permission })
}
