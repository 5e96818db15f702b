/** The Users API: the contract's routes, plus add, deactivate, activate, remove and forget in the same style. */
import type { Member } from "@roster/domain"
import { Policy, UserId, UserInput, UserResponse, Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Input from "./Input.js"
import * as Reply from "./Reply.js"
import * as Route from "./Route.js"

const users = "/organizations/users"
const user = `${users}/:userId`
const userIdParam = { userId: UserId }

/** The list's query: the domain's `ListUsers`, with page and size read from strings. */
export const ListUsersQuery = Schema.Struct({
  ...UserInput.ListUsers.fields,
  ...Input.pageFields
})

const ok = (member: Member.Member) => Reply.json(200, UserResponse.fromMember(member))

/** A status change that takes nothing but the user. */
const statusChange = (segment: string, operation: "deactivate" | "activate" | "terminate" | "forget") =>
  Route.make({
    method: "POST",
    path: `${user}/${segment}`,
    summary: `${segment[0]!.toUpperCase()}${segment.slice(1)} a member (the membership state machine)`,
    success: { status: 200, body: "UserResponse" },
    permission: Policy.requiredPermission[operation],
    params: userIdParam,
    handle: ({ access, params }) =>
      Effect.flatMap(Users, (service) => service[operation](access, params.userId)).pipe(Effect.map(ok))
  })

export const routes: ReadonlyArray<Route.Route> = [
  Route.make({
    method: "GET",
    path: users,
    summary: "List the organization's members: filtered, searched and paged",
    success: { status: 200, body: "UserPageResponse" },
    permission: Policy.requiredPermission.list,
    query: ListUsersQuery,
    lists: ["status"],
    handle: ({ access, query }) =>
      Effect.flatMap(Users, (service) => service.list(access, query)).pipe(
        Effect.map((page) => Reply.json(200, UserResponse.fromPage(page)))
      )
  }),
  Route.make({
    method: "POST",
    path: users,
    summary: "Add a member (an existing identity by email, or a new one), optionally with a password",
    success: { status: 201, body: "UserResponse" },
    permission: Policy.requiredPermission.add,
    body: UserInput.AddUser,
    handle: ({ access, body }) =>
      Effect.flatMap(Users, (service) => service.add(access, body)).pipe(
        Effect.map((member) =>
          Reply.json(201, UserResponse.fromMember(member), { Location: `${users}/${member.user.id}` })
        )
      )
  }),
  Route.make({
    method: "GET",
    path: user,
    summary: "Get a member",
    success: { status: 200, body: "UserResponse" },
    permission: Policy.requiredPermission.get,
    params: userIdParam,
    handle: ({ access, params }) =>
      Effect.flatMap(Users, (service) => service.get(access, params.userId)).pipe(Effect.map(ok))
  }),
  Route.make({
    method: "PUT",
    path: `${user}/profile`,
    summary: "Update a member's profile (absent = unchanged, null = cleared)",
    success: { status: 200, body: "UserResponse" },
    permission: Policy.requiredPermission.updateProfile,
    params: userIdParam,
    body: UserInput.UpdateProfile,
    handle: ({ access, params, body }) =>
      Effect.flatMap(Users, (service) => service.updateProfile(access, params.userId, body)).pipe(Effect.map(ok))
  }),
  Route.make({
    method: "PUT",
    path: `${user}/role`,
    summary: "Change a member's role",
    success: { status: 200, body: "UserResponse" },
    permission: Policy.requiredPermission.changeRole,
    params: userIdParam,
    body: UserInput.ChangeRole,
    handle: ({ access, params, body }) =>
      Effect.flatMap(Users, (service) => service.changeRole(access, params.userId, body)).pipe(Effect.map(ok))
  }),
  statusChange("deactivate", "deactivate"),
  statusChange("activate", "activate"),
  statusChange("terminate", "terminate"),
  Route.make({
    method: "POST",
    path: `${user}/reinstate`,
    summary: "Reinstate a terminated member with a role",
    success: { status: 200, body: "UserResponse" },
    permission: Policy.requiredPermission.reinstate,
    params: userIdParam,
    body: UserInput.ChangeRole,
    handle: ({ access, params, body }) =>
      Effect.flatMap(Users, (service) => service.reinstate(access, params.userId, body)).pipe(Effect.map(ok))
  }),
  Route.make({
    method: "POST",
    path: `${user}/remove`,
    summary: "Remove a membership from the organization, with a reason",
    success: { status: 200, body: "UserResponse" },
    permission: Policy.requiredPermission.remove,
    params: userIdParam,
    body: UserInput.Remove,
    handle: ({ access, params, body }) =>
      Effect.flatMap(Users, (service) => service.remove(access, params.userId, body)).pipe(Effect.map(ok))
  }),
  statusChange("forget", "forget"),
  Route.make({
    method: "POST",
    path: `${user}/reset-mfa`,
    summary: "Clear a managed member's second factor and recovery codes, ending their sessions",
    success: { status: 202, description: "Accepted, no body" },
    permission: Policy.requiredPermission.resetMfa,
    params: userIdParam,
    // The contract: 202 Accepted with no body.
    handle: ({ access, params }) =>
      Effect.flatMap(Users, (service) => service.resetMfa(access, params.userId)).pipe(Effect.as(Reply.empty(202)))
  })
]
