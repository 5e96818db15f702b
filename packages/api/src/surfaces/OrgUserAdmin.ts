/**
 * org-user-admin (`shared/reference/org-user-admin.openapi.json` and `.md`): an organization's
 * user administration at `/v1/org/{orgId}/user…`, with snake_case DTOs and `ErrorRespDto` errors,
 * served over Roster's own operations. What the reference leaves open is decided here (and in
 * docs/DESIGN.md, "Compatible APIs"):
 *
 * - `orgId` is the organization's id. A token acts only in its own organization, a session (a
 *   member's, `Bearer ses_…`) in the path's organization while the membership there is ACTIVE: any
 *   other `orgId`, or one that is no id at all, is 403 before anything is looked up. `userId` is a
 *   string to the reference: one that is no Roster id names nobody (404, like an unknown one).
 * - Roles: the reference's ADMIN is `can_manage_users`, its MEMBER (the list) `can_view_users`.
 * - create adds a member in the organization's default role — the built-in `Member` — with a
 *   password and a confirmed email (a new identity; an existing one must be managed by this
 *   organization, else 403 `USER_NOT_MANAGED`); it must change the password at its first sign-in only
 *   when `ask_user_to_update_password_on_login` is true. An empty name is no name.
 * - The list is a case-insensitive partial match on the email alone (`q`; absent or blank: every
 *   member), ordered as Roster lists members, leaving out REMOVED and FORGOTTEN ones. `size` is 0 to
 *   200 (0 answers no items, `has_more` still said); a member without a name has no `first_name` or
 *   `last_name` (both optional in `GetUserRespDto`).
 * - reset-password requires a change at the next sign-in unless told otherwise (as the reference
 *   says); delete removes the membership with a fixed reason (`deleteReason`), so that a REMOVED
 *   member is gone from the list and can be created again; disable and enable deactivate and
 *   activate. Each follows the membership lifecycle: what it refuses is refused here.
 * - Failures are `ErrorRespDto`, `error_code` from `errorCodes` (stable numbers: never renumbered,
 *   never reused), with Roster's own code, every problem and the fingerprint in `payload`. A
 *   validation failure names the surface's fields and is 422, as the reference says. Roster's 409s
 *   (`INVALID_STATUS_TRANSITION`, `LAST_MANAGER`, `ALREADY_MEMBER`, …) are 422 too: the reference
 *   has no 409, and its 422 is "invalid values are provided" — the values asked for (this user, this
 *   email) are what the current state refuses. A client of the document then meets only statuses it
 *   names (200/204/401/403/404/422/500, besides a wrong method's 405, a body over 1 MB's 413), and
 *   `error_code` tells the reasons apart.
 */
import {
  CredentialOperations,
  ErrorCode,
  type Lifecycle,
  type Operation,
  Text,
  TextValue,
  UserInput,
  UserNotFound,
  UserOperations,
  ValidationFailed
} from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Surface from "../Surface.js"

const { listUsers, addUser, transitions } = UserOperations
const { resetUserPassword, createUserMagicLink } = CredentialOperations

const users = "/v1/org/{orgId}/user"
const user = `${users}/{userId}`
const organization: Surface.OrganizationIn = { from: "path", name: "orgId" }

/** The reason every membership removed through `…/delete` keeps in its event. */
export const deleteReason = "Deleted through the org-user-admin API"

/**
 * The `error_code` of each of Roster's errors. Stable: a number is never changed or reused, and a new
 * error takes a new one (the record's type makes leaving one out a compile error). The first three
 * digits are the status this surface answers it with.
 */
export const errorCodes: {
  readonly domain: { readonly [T in ErrorCode.DomainError["_tag"]]: number }
  /** The HTTP layer's own codes, and `INTERNAL`. */
  readonly http: {
    readonly NOT_FOUND: number
    readonly METHOD_NOT_ALLOWED: number
    readonly PAYLOAD_TOO_LARGE: number
    readonly TOO_MANY_REQUESTS: number
    readonly INTERNAL: number
  }
} = {
  domain: {
    Unauthorized: 40101,
    InvalidCredentials: 40102,
    MfaRequired: 40103,
    InvalidMfaCode: 40104,
    Forbidden: 40301,
    RoleEscalation: 40302,
    Outranked: 40303,
    UserNotManaged: 40304,
    AccountDisabled: 40305,
    PasswordChangeRequired: 40306,
    UserNotFound: 40401,
    OrganizationNotFound: 40402,
    TokenNotFound: 40403,
    SessionNotFound: 40404,
    ValidationFailed: 42201,
    RoleNotFound: 42202,
    InvalidLink: 42203,
    InvalidTransition: 42210,
    LastManager: 42211,
    AlreadyMember: 42212,
    NoDefaultRole: 42213,
    OrganizationNameTaken: 42214,
    EmailTaken: 42215,
    MfaAlreadyEnabled: 42216,
    NoPendingEnrolment: 42217,
    LastPlatformAdmin: 42218,
    TooManyAttempts: 42901
  },
  http: {
    NOT_FOUND: 40400,
    METHOD_NOT_ALLOWED: 40500,
    PAYLOAD_TOO_LARGE: 41300,
    TOO_MANY_REQUESTS: 42900,
    INTERNAL: 50000
  }
}

const byCode: ReadonlyMap<string, number> = new Map<string, number>([
  ...Object.entries(errorCodes.http),
  ...(Object.entries(errorCodes.domain) as ReadonlyArray<[ErrorCode.DomainError["_tag"], number]>).map(
    ([tag, number]) => [ErrorCode.codes[tag], number] as const
  )
])

/** `error_code` by Roster's code (`USER_NOT_FOUND` → 40401); a code it does not know is `INTERNAL`'s. */
export const errorCodeOf = (code: string): number => byCode.get(code) ?? errorCodes.http.INTERNAL

/** The status this surface answers a failure Roster answers with `status`: 400 and 409 are 422. */
export const statusOf = (status: number): number => (status === 400 || status === 409 ? 422 : status)

/** `ErrorRespDto`. */
export const ErrorRespDto = Schema.Struct({
  error_code: Schema.Int,
  error_message: Schema.String,
  error_description: Schema.String,
  payload: Schema.Struct({
    code: Schema.String,
    errors: Schema.Array(Schema.Struct({ code: Schema.String, message: Schema.String })),
    fingerprint: Schema.String
  })
})

// ---------------------------------------------------------------------------------------------
// Requests and answers, as the reference names them

/** A name as the reference bounds it (40 characters); blank is no name. */
const Name = Schema.String.pipe(Text.maxCharacters(40))

const CreateUserReqDto = Schema.Struct({
  email: Schema.String.pipe(Text.maxCharacters(319)),
  password: Schema.String,
  ask_user_to_update_password_on_login: Schema.optional(Schema.Boolean),
  first_name: Name,
  last_name: Name
})

const CreateUserRespDto = Schema.Struct({ user_id: Schema.String })

const UserPasswordReqDto = Schema.Struct({
  password: Schema.String,
  ask_user_to_update_password_on_login: Schema.optional(Schema.Boolean)
})

const MagicLinkRespDto = Schema.Struct({ url: Schema.String })

const maxSize = UserInput.maxPageSize

const GetUserListQuery = Schema.Struct({
  /** Required by the reference, with "" as its default: absent is "". */
  q: Schema.optional(Schema.String),
  offset: Schema.optional(TextValue.integer(UserInput.Offset, "must be a whole number, 0 or more")),
  size: Schema.optional(
    TextValue.integer(
      Schema.Int.pipe(Schema.between(0, maxSize, { message: () => `must be a whole number from 0 to ${maxSize}` })),
      `must be a whole number from 0 to ${maxSize}`
    )
  )
})

const GetUserRespDto = Schema.Struct({
  id: Schema.String,
  email: Schema.String,
  first_name: Schema.optional(Schema.String),
  last_name: Schema.optional(Schema.String)
})

const PaginatedItemGetUserRespDto = Schema.Struct({
  items: Schema.Array(GetUserRespDto),
  has_more: Schema.Boolean
})

/** The reference's default page size. */
export const defaultSize = 10

// ---------------------------------------------------------------------------------------------
// Calling the operations in the reference's terms

/** Names problems by the surface's fields, not the operation's (`firstName` → `first_name`). */
const named =
  (names: Readonly<Record<string, string>>) =>
  (error: ErrorCode.DomainError): ErrorCode.DomainError =>
    error._tag === "ValidationFailed"
      ? new ValidationFailed({
          issues: error.issues.map((issue) => {
            const [head = "", ...rest] = issue.field.split(".")
            return { ...issue, field: [names[head] ?? head, ...rest].join(".") }
          }) as unknown as ValidationFailed["issues"]
        })
      : error

const createNames = {
  firstName: "first_name",
  lastName: "last_name",
  askUserToUpdatePasswordOnLogin: "ask_user_to_update_password_on_login"
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The path's `userId` as Roster's id: any other string names nobody here. */
const userIdOf = (params: Readonly<Record<string, string>>): Effect.Effect<string, UserNotFound> => {
  const raw = (params.userId ?? "").trim().toLowerCase()
  return uuid.test(raw) ? Effect.succeed(raw) : Effect.fail(new UserNotFound({ userId: params.userId ?? "" }))
}

/** A blank name is none. */
const nameOf = (name: string): string | null => (name.trim() === "" ? null : name)

/** A membership transition on the path's user, answering nothing (204). */
const transition = <O extends Lifecycle.Operation>(
  operation: O,
  route: { readonly path: string; readonly id: string; readonly summary: string; readonly description: string },
  input: Omit<Operation.InputOf<(typeof transitions)[O]>, "userId">
) =>
  Surface.route({
    method: "POST",
    path: route.path,
    id: route.id,
    summary: route.summary,
    operations: [transitions[operation].id],
    readOnly: false,
    permission: "can_manage_users",
    organization,
    success: { status: 204, description: route.description },
    run: (call, { params }) =>
      Effect.flatMap(userIdOf(params), (userId) =>
        call(transitions[operation] as Operation.Any, { userId, ...input } as never)
      )
  })

export const routes: ReadonlyArray<Surface.Route> = [
  Surface.route({
    method: "POST",
    path: users,
    id: "createUserAndAddToOrg",
    summary: "Create a user and add it to the org",
    operations: [addUser.id],
    readOnly: false,
    permission: "can_manage_users" satisfies typeof addUser.permission,
    organization,
    body: CreateUserReqDto,
    success: { status: 200, schema: CreateUserRespDto, description: "User created successfully" },
    run: (call, { body }) =>
      call(addUser, {
        email: body.email,
        firstName: nameOf(body.first_name),
        lastName: nameOf(body.last_name),
        password: body.password,
        askUserToUpdatePasswordOnLogin: body.ask_user_to_update_password_on_login ?? false
      }).pipe(
        Effect.mapError(named(createNames)),
        Effect.map((member) => ({ user_id: member.id }) satisfies typeof CreateUserRespDto.Type)
      )
  }),
  Surface.route({
    method: "GET",
    path: users,
    id: "getUserListByEmail",
    summary: "Get user by email",
    operations: [listUsers.id],
    readOnly: true,
    permission: "can_view_users" satisfies typeof listUsers.permission,
    organization,
    query: GetUserListQuery,
    success: {
      status: 200,
      schema: PaginatedItemGetUserRespDto,
      description: "Successfully fetched user for email ID"
    },
    run: (call, { query }) => {
      const q = query.q?.trim() ?? ""
      const offset = query.offset ?? 0
      const size = query.size ?? defaultSize
      // No page of 0 in Roster: one item is read, to say whether there is more, and none is answered.
      return call(listUsers, { ...(q === "" ? {} : { email: q }), offset, size: Math.max(size, 1) }).pipe(
        Effect.mapError(named({ email: "q" })),
        Effect.map((page): typeof PaginatedItemGetUserRespDto.Type => ({
          items: page.content.slice(0, size).map((member) => ({
            id: member.id,
            email: member.email,
            ...(member.profile.firstName === null ? {} : { first_name: member.profile.firstName }),
            ...(member.profile.lastName === null ? {} : { last_name: member.profile.lastName })
          })),
          has_more: offset + Math.min(page.content.length, size) < page.totalElements
        }))
      )
    }
  }),
  Surface.route({
    method: "POST",
    path: `${user}/password/reset`,
    id: "resetPassword",
    summary: "Reset a users password",
    operations: [resetUserPassword.id],
    readOnly: false,
    permission: "can_manage_users" satisfies typeof resetUserPassword.permission,
    organization,
    body: UserPasswordReqDto,
    success: { status: 204, description: "Successfully reset" },
    run: (call, { params, body }) =>
      Effect.flatMap(userIdOf(params), (userId) =>
        call(resetUserPassword, {
          userId,
          password: body.password,
          ...(body.ask_user_to_update_password_on_login === undefined
            ? {}
            : { askUserToUpdatePasswordOnLogin: body.ask_user_to_update_password_on_login })
        })
      ).pipe(Effect.mapError(named(createNames)))
  }),
  Surface.route({
    method: "GET",
    path: `${user}/magiclink`,
    id: "generateMagicLink",
    summary: "Generate a magic link for a user",
    operations: [createUserMagicLink.id],
    // It hands out a one-time link: HEAD must not make one unseen.
    readOnly: false,
    permission: "can_manage_users" satisfies typeof createUserMagicLink.permission,
    organization,
    success: { status: 200, schema: MagicLinkRespDto, description: "Successfully generated magic link" },
    run: (call, { params }) =>
      Effect.flatMap(userIdOf(params), (userId) => call(createUserMagicLink, { userId })).pipe(
        Effect.map((link) => ({ url: link.url }) satisfies typeof MagicLinkRespDto.Type)
      )
  }),
  transition(
    "remove",
    { path: `${user}/delete`, id: "deleteUser", summary: "Delete a user", description: "Successfully deleted" },
    { reason: deleteReason }
  ),
  transition(
    "deactivate",
    { path: `${user}/disable`, id: "disableUser", summary: "Disable a user", description: "Successfully disabled" },
    {}
  ),
  transition(
    "activate",
    { path: `${user}/enable`, id: "enableUser", summary: "Enable a user", description: "Successfully enabled" },
    {}
  )
]

export const surface: Surface.Surface = {
  id: "org-user-admin",
  title: "Organization user administration (org-user-admin)",
  routes,
  prefix: "/v1/org",
  status: (failure) => statusOf(failure.status),
  error: (failure): typeof ErrorRespDto.Type => ({
    error_code: errorCodeOf(failure.code),
    error_message: failure.message,
    error_description: failure.errors.map((error) => error.message).join("; "),
    payload: { code: failure.code, errors: failure.errors, fingerprint: failure.fingerprint }
  }),
  contentType: "application/json"
}
