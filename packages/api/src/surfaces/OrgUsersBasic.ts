/**
 * org-users-basic (`shared/reference/org-users-basic.md`): list, add, update and remove an
 * organization's users at `/v1/organizations/users/…?action=…`, by email and role name, served over
 * Roster's own operations. What the reference leaves open is decided here (and in docs/DESIGN.md,
 * "Compatible APIs"):
 *
 * - `org_id` is the organization's id (a UUID): the list's query carries it, the POSTs' body. A
 *   token acts only in its own organization, a session only in one where the user is ACTIVE: any
 *   other id is 403 before anything is looked up or changed.
 * - A user is a member Roster's own list shows: ACTIVE, INACTIVE or TERMINATED. `state` is the
 *   status in lower case (`active`, `inactive`, `terminated`). A REMOVED or FORGOTTEN membership is
 *   no user here: update and remove do not find it (404 `USER_NOT_FOUND`), add starts it again.
 * - `role` is a role's name in any case; an unknown one is 400 naming `role` and listing the
 *   organization's roles. Absent on add: the default role (Member).
 * - The list has no pagination in the reference: it holds every user, read 200 at a time through
 *   list-users (in one transaction when there is more than one page, so that a change between two
 *   pages neither hides a user nor lists one twice), up to `maxListed`. A larger organization asks
 *   for one page at a time with `page` (from 0) and `size` (1–200, 200 when absent): Roster's
 *   extension, which also bounds the answer.
 * - `mfa` says what the caller may do, each flag one permission (`mfaPermissions`): `view`
 *   `can_view_users`; `create`, `update` and `delete` `can_manage_users`; `usersmgmt`
 *   `can_manage_roles` — administering the user management itself (roles and what they allow), which
 *   the three flags of `can_manage_users` do not already say.
 * - update finds the user by exact email (case-insensitive; list-users' `email` filter), then
 *   changes the role if it differs and activates or deactivates if the state differs, all in one
 *   transaction: a refused step (the last manager, an invalid transition) leaves nothing written. It must name a role, a state or both;
 *   one equal to what is already there changes and records nothing. `active` for a TERMINATED user
 *   is 409 `INVALID_STATUS_TRANSITION`: reinstating takes Roster's own API.
 * - remove requires `reason`, which Roster keeps with the membership's event.
 * - Every failure is one JSON shape, `ErrorResponse`: the HTTP status, the first error, every error
 *   and the fingerprint; statuses and codes are Roster's own.
 */
import {
  type Operation,
  type Permission,
  RoleOperations,
  Text,
  TextValue,
  User,
  UserInput,
  UserNotFound,
  UserOperations,
  ValidationFailed
} from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Surface from "../Surface.js"

const { listUsers, addUser, transitions } = UserOperations
const { listRoles } = RoleOperations

const base = "/v1/organizations/users"

/** The most users one answer of the list holds; a larger organization asks for them a page at a time. */
export const maxListed = 10_000

/** How many members each read of list-users takes: its most. */
const pageSize = UserInput.maxPageSize

/** What each `mfa` flag says of the caller: whether it holds this permission in the organization. */
export const mfaPermissions = {
  view: "can_view_users",
  create: "can_manage_users",
  update: "can_manage_users",
  delete: "can_manage_users",
  usersmgmt: "can_manage_roles"
} as const satisfies Record<string, Permission.Permission>

const mfaMeaning: { readonly [F in keyof typeof mfaPermissions]: string } = {
  view: "list the users",
  create: "add users",
  update: "change a user's role and state",
  delete: "remove users",
  usersmgmt: "administer the user management itself: the roles and what they allow"
}

// ---- Requests

/** `?action=…`: each route's own, required; a wrong or missing one is 400 naming the value expected. */
const action = <const A extends string>(expected: A) =>
  Schema.propertySignature(
    Schema.Literal(expected).annotations({ message: () => `must be "${expected}"` })
  ).annotations({ missingMessage: () => `is required: "${expected}"`, description: `Always \`${expected}\`` })

const organizationId = Schema.String.annotations({
  description:
    "The organization to act in, by its id. A token acts only in its own organization; a session in one where the user's membership is ACTIVE",
  jsonSchema: { format: "uuid" }
})

const email = Schema.propertySignature(User.Email).annotations({
  description: "The user, by email address (compared without regard to case)"
})

const RoleName = Text.TrimmedNfc.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Text.maxCharacters(200)
)

const role = (absent: string) =>
  Schema.optional(RoleName).annotations({
    description: `One of the organization's roles, by name, in any case (\`admin\` is \`Admin\`); ${absent}`
  })

const State = Schema.Literal("active", "inactive")
type State = typeof State.Type

const statusOf = { active: "ACTIVE", inactive: "INACTIVE" } as const satisfies Record<State, string>

const state = (absent: string) =>
  Schema.optional(State).annotations({ description: `Whether the user may act in the organization; ${absent}` })

const PageNumber = TextValue.integer(UserInput.PageNumber, "must be a whole number, 0 or more")
const PageSize = TextValue.integer(UserInput.PageSize, `must be a whole number from 1 to ${pageSize}`)

const ListQuery = Schema.Struct({
  action: action("users"),
  org_id: organizationId,
  page: Schema.optional(PageNumber).annotations({
    description: `Roster's extension: one page of users (from 0) instead of all of them, which an organization of more than ${maxListed} users needs`
  }),
  size: Schema.optional(PageSize).annotations({
    description: `Roster's extension: the users of a page, 1 to ${pageSize} (${pageSize} when absent); asks for one page like \`page\``
  })
})

const AddBody = Schema.Struct({
  org_id: organizationId,
  user_id: email,
  role: role("the organization's default role (Member) when absent"),
  state: state("`active` when absent")
})

const UpdateBody = Schema.Struct({
  org_id: organizationId,
  user_id: email,
  role: role("unchanged when absent"),
  state: state("unchanged when absent")
}).pipe(
  Schema.filter(
    (body) =>
      body.role !== undefined ||
      body.state !== undefined || { path: ["role"], message: "or state is required: name what to change" },
    { jsonSchema: { anyOf: [{ required: ["role"] }, { required: ["state"] }] } }
  )
)

const RemoveBody = Schema.Struct({
  org_id: organizationId,
  user_id: email,
  reason: Schema.propertySignature(UserInput.Reason).annotations({
    description: "Why the user leaves: kept with the membership's event"
  })
})

// ---- Answers

const Done = Schema.Struct({ status: Schema.Literal(200) }).annotations({ identifier: "StatusResponse" })
const done: typeof Done.Type = { status: 200 }

/** The status of a user the list shows, as `state` says it. */
const states = { ACTIVE: "active", INACTIVE: "inactive", TERMINATED: "terminated" } as const

const OrgUser = Schema.Struct({
  email: Schema.String,
  role: Schema.String.annotations({ description: "The name of the user's role" }),
  state: Schema.Literal("active", "inactive", "terminated").annotations({
    description: "The membership's status in lower case: `terminated` can be reinstated through Roster's own API"
  })
}).annotations({ identifier: "OrgUser" })

const flag = (name: keyof typeof mfaPermissions) =>
  Schema.propertySignature(Schema.Boolean).annotations({
    description: `Holds \`${mfaPermissions[name]}\`: may ${mfaMeaning[name]}`
  })

const Mfa = Schema.Struct({
  view: flag("view"),
  create: flag("create"),
  update: flag("update"),
  delete: flag("delete"),
  usersmgmt: flag("usersmgmt")
}).annotations({
  identifier: "Mfa",
  description: "What the caller may do in the organization: each flag is one of its permissions"
})

const UsersResponse = Schema.Struct({
  status: Schema.Literal(200),
  users: Schema.Array(OrgUser),
  mfa: Mfa
}).annotations({ identifier: "UsersResponse" })

const ErrorDetail = Schema.Struct({ code: Schema.String, message: Schema.String }).annotations({
  identifier: "ErrorDetail"
})

/** Every failure's body: the HTTP status, the first error, every error (a validation failure names each field), the fingerprint. */
export const ErrorResponse = Schema.Struct({
  status: Schema.Int,
  error: ErrorDetail,
  errors: Schema.NonEmptyArray(ErrorDetail),
  fingerprint: Schema.UUID
}).annotations({ identifier: "ErrorResponse" })

// ---- Calls

type Member = Operation.OutputOf<typeof listUsers>["content"][number]

/** The id of the organization's role named `name`, in any case; else 400 naming `role` and listing them. */
const roleNamed = (call: Surface.Call, name: string) =>
  Effect.flatMap(call(listRoles, {}), (roles) => {
    const found = roles.find((candidate) => Text.lowerCase(candidate.name) === Text.lowerCase(name))
    return found !== undefined
      ? Effect.succeed(found.id)
      : Effect.fail(
          ValidationFailed.single(
            "role",
            `is not a role of this organization: use one of ${roles.map((known) => JSON.stringify(known.name)).join(", ")}`
          )
        )
  })

/**
 * The user whose email is `address`, exactly (in any case), among those the list shows. Searched
 * with list-users' `email` filter, a substring that also matches longer addresses: only an exact
 * one counts. Search text stops at 200 characters; an email may have 254.
 */
const userByEmail = (call: Surface.Call, address: string) =>
  Effect.gen(function* () {
    const wanted = Text.lowerCase(address)
    const email = Array.from(address).slice(0, 200).join("")
    for (let page = 0; ; page++) {
      const found = yield* call(listUsers, { email, page, size: pageSize })
      const match = found.content.find((member) => Text.lowerCase(member.email) === wanted)
      if (match !== undefined) return match
      if (found.content.length < pageSize) return yield* new UserNotFound({ userId: address })
    }
  })

const tooMany = (total: number) =>
  ValidationFailed.single(
    "page",
    `is required for an organization of more than ${maxListed} users (this one has ${total}): ask for them a page at a time, with page and size`
  )

/** Every user, in the list's order (by when they joined): one read, or every page in one transaction. */
const everyUser = (call: Surface.Call) =>
  Effect.gen(function* () {
    const first = yield* call(listUsers, { page: 0, size: pageSize })
    if (first.totalElements > maxListed) return yield* tooMany(first.totalElements)
    if (first.content.length >= first.totalElements) return first.content
    return yield* call.atomically(
      Effect.gen(function* () {
        const users: Array<Member> = []
        for (let page = 0; ; page++) {
          const found = yield* call(listUsers, { page, size: pageSize })
          users.push(...found.content)
          if (users.length > maxListed) return yield* tooMany(found.totalElements)
          if (found.content.length < pageSize) return users
        }
      })
    )
  })

const listedState = (status: string) => {
  const listed = states[status as keyof typeof states]
  if (listed === undefined) throw new Error(`list-users answered a ${status} member, which it does not list`)
  return listed
}

// ---- Routes

const list = Surface.route({
  method: "GET",
  path: `${base}/list`,
  id: "listUsers",
  summary: "List the organization's users, with what the caller may do",
  operations: [listUsers.id, listRoles.id],
  readOnly: true,
  permission: "can_view_users",
  organization: { from: "query", name: "org_id" },
  query: ListQuery,
  success: {
    status: 200,
    schema: UsersResponse,
    description: "The users, by when they joined, and the caller's `mfa`"
  },
  run: (call, { query }) =>
    Effect.gen(function* () {
      const paged = query.page !== undefined || query.size !== undefined
      const members = paged
        ? (yield* call(listUsers, { page: query.page ?? 0, size: query.size ?? pageSize })).content
        : yield* everyUser(call)
      const roles = new Map((yield* call(listRoles, {})).map((known) => [known.id, known.name]))
      const mfa = Object.fromEntries(
        Object.entries(mfaPermissions).map(([name, permission]) => [name, call.holds(permission)])
      ) as typeof Mfa.Type
      return {
        status: 200,
        users: members.map((member) => ({
          email: member.email,
          role: roles.get(member.roleId) ?? member.roleId,
          state: listedState(member.profile.status)
        })),
        mfa
      } satisfies typeof UsersResponse.Type
    })
})

const add = Surface.route({
  method: "POST",
  path: `${base}/add`,
  id: "addUser",
  summary: "Add a user to the organization, with a role and a state",
  operations: [listRoles.id, addUser.id],
  readOnly: false,
  permission: "can_manage_users",
  organization: { from: "body", name: "org_id" },
  query: Schema.Struct({ action: action("add_user") }),
  body: AddBody,
  success: { status: 200, schema: Done, description: "Added" },
  run: (call, { body }) =>
    Effect.gen(function* () {
      const roleId = body.role === undefined ? undefined : yield* roleNamed(call, body.role)
      yield* call(addUser, {
        email: body.user_id,
        ...(roleId === undefined ? {} : { roleId }),
        ...(body.state === undefined ? {} : { status: statusOf[body.state] })
      })
      return done
    })
})

const update = Surface.route({
  method: "POST",
  path: `${base}/update`,
  id: "updateUser",
  summary: "Change a user's role, state or both, in one transaction",
  operations: [
    listRoles.id,
    listUsers.id,
    transitions.changeRole.id,
    transitions.activate.id,
    transitions.deactivate.id
  ],
  readOnly: false,
  permission: "can_manage_users",
  organization: { from: "body", name: "org_id" },
  query: Schema.Struct({ action: action("update_user") }),
  body: UpdateBody,
  success: { status: 200, schema: Done, description: "Updated (or already as asked: nothing changed)" },
  run: (call, { body }) =>
    call.atomically(
      Effect.gen(function* () {
        const roleId = body.role === undefined ? undefined : yield* roleNamed(call, body.role)
        const user = yield* userByEmail(call, body.user_id)
        if (roleId !== undefined && roleId !== user.roleId) {
          yield* call(transitions.changeRole, { userId: user.id, roleId })
        }
        const status = body.state === undefined ? undefined : statusOf[body.state]
        if (status === "ACTIVE" && user.profile.status !== status) {
          yield* call(transitions.activate, { userId: user.id })
        }
        if (status === "INACTIVE" && user.profile.status !== status) {
          yield* call(transitions.deactivate, { userId: user.id })
        }
        return done
      })
    )
})

const remove = Surface.route({
  method: "POST",
  path: `${base}/remove`,
  id: "removeUser",
  summary: "Remove a user from the organization, with a reason",
  operations: [listUsers.id, transitions.remove.id],
  readOnly: false,
  permission: "can_manage_users",
  organization: { from: "body", name: "org_id" },
  query: Schema.Struct({ action: action("remove_user") }),
  body: RemoveBody,
  success: { status: 200, schema: Done, description: "Removed" },
  run: (call, { body }) =>
    call.atomically(
      Effect.gen(function* () {
        const user = yield* userByEmail(call, body.user_id)
        yield* call(transitions.remove, { userId: user.id, reason: body.reason })
        return done
      })
    )
})

export const surface: Surface.Surface = {
  id: "org-users-basic",
  title: "Organization users (org-users-basic)",
  routes: [list, add, update, remove],
  // Every other path under it is this surface's 404 (its document, mounted first, excepted).
  prefix: "/v1/organizations/users",
  // Roster's own statuses: the reference states only its successes.
  status: (failure) => failure.status,
  error: (failure, status) =>
    ({
      status,
      error: { code: failure.code, message: failure.message },
      errors: [...failure.errors] as [typeof ErrorDetail.Type, ...Array<typeof ErrorDetail.Type>],
      fingerprint: failure.fingerprint
    }) satisfies typeof ErrorResponse.Encoded,
  contentType: "application/json"
}
