/** Platform administration of identities (`/admin/users`): platform admins' sessions only. */
import type { Account } from "@roster/domain"
import { IdentityInput, IdentityResponse, Platform, UserId } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Input from "./Input.js"
import * as Reply from "./Reply.js"
import * as Route from "./Route.js"

const accounts = "/admin/users"
const account = `${accounts}/:userId`
const userIdParam = { userId: UserId }

/** The list's query: the domain's `ListAccounts`, with page and size read from strings. */
export const ListAccountsQuery = Schema.Struct({
  ...IdentityInput.ListAccounts.fields,
  ...Input.pageFields,
  platformAdmin: Schema.optional(Input.QueryBoolean)
})

const ok = (value: Account) => Reply.json(200, IdentityResponse.fromAccount(value))

type Action = "deactivate" | "reactivate" | "promote" | "demote" | "disableMfa" | "verifyEmail"

const descriptions: { readonly [A in Action]: string } = {
  deactivate: "Deactivate an identity: no sign-in anywhere, every session ended, unused links voided",
  reactivate: "Reactivate an identity",
  promote: "Make an identity a platform admin",
  demote: "Take platform admin away (never from the last one)",
  disableMfa: "Remove an identity's second factor and recovery codes, ending its sessions",
  verifyEmail: "Mark an identity's email address verified"
}

/** A change to an identity that takes nothing but its id, and answers with the account. */
const action = (segment: string, name: Action) =>
  Route.make({
    method: "POST",
    path: `${account}/${segment}`,
    summary: descriptions[name],
    success: { status: 200, body: IdentityResponse.AccountResponse },
    guard: "platform",
    params: userIdParam,
    handle: ({ session, params }) =>
      Effect.flatMap(Platform, (platform) => platform[name](session, params.userId)).pipe(Effect.map(ok))
  })

export const routes: ReadonlyArray<Route.Route> = [
  Route.make({
    method: "GET",
    path: accounts,
    summary: "List every identity, searched and paged",
    success: { status: 200, body: IdentityResponse.AccountPageResponse },
    guard: "platform",
    query: ListAccountsQuery,
    handle: ({ session, query }) =>
      Effect.flatMap(Platform, (platform) => platform.list(session, query)).pipe(
        Effect.map((page) => Reply.json(200, IdentityResponse.fromAccountPage(page)))
      )
  }),
  Route.make({
    method: "POST",
    path: accounts,
    summary: "Create an identity, optionally with a password and a membership",
    success: { status: 201, body: IdentityResponse.AccountResponse },
    guard: "platform",
    body: IdentityInput.CreateAccount,
    handle: ({ session, body }) =>
      Effect.flatMap(Platform, (platform) => platform.create(session, body)).pipe(
        Effect.map((created) =>
          Reply.json(201, IdentityResponse.fromAccount(created), { Location: `${accounts}/${created.user.id}` })
        )
      )
  }),
  Route.make({
    method: "GET",
    path: account,
    summary: "Get an identity with every membership",
    success: { status: 200, body: IdentityResponse.AccountResponse },
    guard: "platform",
    params: userIdParam,
    handle: ({ session, params }) =>
      Effect.flatMap(Platform, (platform) => platform.get(session, params.userId)).pipe(Effect.map(ok))
  }),
  Route.make({
    method: "DELETE",
    path: account,
    summary: "Erase an identity: every membership FORGOTTEN, its data gone",
    success: { status: 204 },
    guard: "platform",
    params: userIdParam,
    handle: ({ session, params }) =>
      Effect.flatMap(Platform, (platform) => platform.delete(session, params.userId)).pipe(Effect.as(Reply.empty(204)))
  }),
  action("deactivate", "deactivate"),
  action("reactivate", "reactivate"),
  action("promote", "promote"),
  action("demote", "demote"),
  action("disable-mfa", "disableMfa"),
  action("verify-email", "verifyEmail"),
  Route.make({
    method: "POST",
    path: `${account}/reset-password`,
    summary: "Set an identity's password, ending its sessions",
    success: { status: 200, body: IdentityResponse.AccountResponse },
    guard: "platform",
    params: userIdParam,
    body: IdentityInput.SetPassword,
    handle: ({ session, params, body }) =>
      Effect.flatMap(Platform, (platform) => platform.resetPassword(session, params.userId, body)).pipe(Effect.map(ok))
  })
]
