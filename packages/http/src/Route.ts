/**
 * A route of the API: an operation's binding (`@roster/api`) made ready to mount — its express path,
 * who may call it (the operation's guard and permission), the schemas its path, query and body are
 * decoded with, and `run`, which decodes the request and runs the operation. `Handler` runs every
 * route through the same checks, in order; nothing here knows what an operation does.
 */
import { Binding } from "@roster/api"
import type { Access, Actor, Permission, Services } from "@roster/domain"
import { Operation, PublicUrl } from "@roster/domain"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type * as ErrorResponse from "./ErrorResponse.js"
import * as Input from "./Input.js"
import * as NextLink from "./NextLink.js"
import { type Reply, successContentType } from "./Reply.js"

export type Method = Binding.Method

/** Who may call a route: an operation's guard (the operator's own operations have no route). */
export type Guard = Exclude<Operation.Guard, "operator">

/** Where a request came from, kept with a session it starts. */
export type Client = Operation.Client

/** Every use case a route may run. */
export type UseCases = Services.UseCases | Services.IdentityUseCases

/** Who called, as the route's guard established it. */
export type Caller =
  | { readonly _tag: "organization"; readonly access: Access }
  | { readonly _tag: "session"; readonly session: Actor.SessionActor }
  | { readonly _tag: "public" }

/** Path parameters by name, each decoded from its string. */
export type Params = Readonly<Record<string, Schema.Schema<any, string>>>

/**
 * What a route answers on success, for the OpenAPI document: its status and body — a schema, the
 * name of a schema in the document's components (the contract's or Roster's), or none.
 */
export interface Success {
  readonly status: number
  readonly body?: Schema.Schema<any, any> | string
  readonly description?: string
}

/** The request as received: path parameters, query string, and the parsed body (`undefined` when none was sent). */
export interface Raw {
  readonly client: Client
  readonly params: Readonly<Record<string, string>>
  readonly search: URLSearchParams
  readonly body: unknown
}

export interface Route {
  /** The operation the route binds. */
  readonly operation: Operation.Any
  readonly method: Method
  readonly path: string
  readonly summary: string
  readonly success: Success
  /** The schemas requests are decoded with, for the OpenAPI document. */
  readonly params: Params
  readonly query: Schema.Schema<any, any> | undefined
  readonly lists: ReadonlyArray<string>
  readonly body: Schema.Schema<any, any> | undefined
  readonly guard: Guard
  readonly safe: boolean
  readonly permission: Permission.Permission | null
  readonly run: (caller: Caller, raw: Raw) => Effect.Effect<Reply, ErrorResponse.KnownError, UseCases>
}

/**
 * The caller as the operation's guard takes it. A `platform` route's guard established a platform
 * admin's session: it acts as that actor (`Operation.Caller<"platform">` takes any actor).
 */
const callerFields = (caller: Caller, guard?: Guard) => {
  switch (caller._tag) {
    case "organization":
      return { access: caller.access }
    case "session":
      return guard === "platform" ? { actor: caller.session } : { session: caller.session }
    case "public":
      return {}
  }
}

/** A list's `Link` to its next page, when it has one. */
const listHeaders = (output: unknown, search: URLSearchParams) => {
  const headers = NextLink.of(output, search)
  return headers === undefined ? {} : { headers }
}

/**
 * The route of a bound operation: its path fields decoded from the path, the others from the query
 * string or the JSON body, then the operation runs with the caller its guard established. Nothing
 * here knows what the operation does.
 */
export const fromBinding = (binding: Binding.Binding, publicUrl: string): Route => {
  const { operation } = binding
  if (operation.guard === "operator") throw new Error(`${operation.id} is for the operator alone: it has no route`)
  const guard: Guard = operation.guard
  const rest = Binding.restSchema(binding)
  return {
    operation,
    method: binding.method,
    path: Binding.expressPath(binding.path),
    summary: operation.summary,
    success: {
      status: binding.status,
      ...(operation.success === undefined ? {} : { body: operation.success })
    },
    params: Object.fromEntries(binding.pathFields.map((name) => [name, Binding.pathFieldSchema(binding, name)])),
    query: binding.rest === "query" ? rest : undefined,
    lists: binding.lists,
    body: binding.rest === "body" && binding.restFields.length > 0 ? rest : undefined,
    guard,
    safe: binding.safe,
    permission: operation.permission,
    run: (caller, raw) =>
      Input.all({
        params: Input.all(
          Object.fromEntries(
            binding.pathFields.map((name) => [
              name,
              Input.pathParameter(Binding.pathFieldSchema(binding, name), name, raw.params[name])
            ])
          )
        ),
        rest:
          binding.rest === "query"
            ? Input.query(rest, raw.search, { lists: binding.lists as ReadonlyArray<never> })
            : binding.restFields.length === 0
              ? Effect.as(Input.noBody(raw.body), {})
              : Input.body(rest, raw.body)
      }).pipe(
        Effect.flatMap(({ params, rest }) =>
          Operation.runAny(operation, { ...callerFields(caller, guard), client: raw.client } as Operation.Caller<any>, {
            ...(rest as object),
            ...params
          })
        ),
        // Links handed out point at the configured front end, never at a Host header a caller chose.
        Effect.provideService(PublicUrl.Base, publicUrl),
        Effect.map(
          (output): Reply =>
            operation.success === undefined
              ? { status: binding.status }
              : {
                  status: binding.status,
                  body: output,
                  contentType: successContentType,
                  ...(binding.location === undefined
                    ? listHeaders(output, raw.search)
                    : { headers: { Location: binding.location(output as never) } })
                }
        )
      ) as Effect.Effect<Reply, ErrorResponse.KnownError, UseCases>
  }
}
