/**
 * A route of the API as data: method, path, who may call it (its guard and, for organization routes,
 * the permission it needs), the schemas of its path, query and body, and the use case it runs.
 * `Handler` runs every route through the same checks, in order.
 */
import { Binding } from "@roster/api"
import type { Access, Actor, Permission, Services } from "@roster/domain"
import { Operation, PublicUrl } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as ErrorResponse from "./ErrorResponse.js"
import * as Input from "./Input.js"
import { type Reply, successContentType } from "./Reply.js"

export type Method = "GET" | "POST" | "PUT" | "DELETE"

/**
 * Who may call a route:
 * - `organization`: an organization token (`tot_…`), or a session (`Bearer ses_…`) with
 *   `X-Organization-Id` naming an organization where the user's membership is ACTIVE;
 * - `session`: a signed-in user (`Bearer ses_…`), for their own account;
 * - `platform`: a session of a platform admin;
 * - `public`: anyone (signing in).
 */
export type Guard = "organization" | "session" | "platform" | "public"

/** Where a request came from, kept with a session it starts. */
export interface Client {
  readonly userAgent?: string | undefined
  readonly ip?: string | undefined
}

/** Every use case a route may run. */
export type UseCases = Services.UseCases | Services.IdentityUseCases

/** Who called, as the route's guard established it. */
export type Caller =
  | { readonly _tag: "organization"; readonly access: Access }
  | { readonly _tag: "session"; readonly session: Actor.SessionActor }
  | { readonly _tag: "public" }

interface Callers {
  readonly organization: { readonly access: Access }
  readonly session: { readonly session: Actor.SessionActor }
  readonly platform: { readonly session: Actor.SessionActor }
  readonly public: {}
}

/** Path parameters by name, each decoded from its string. */
export type Params = Readonly<Record<string, Schema.Schema<any, string>>>

export type Request<G extends Guard, P extends Params, Q extends Schema.Struct.Fields, B> = Callers[G] & {
  /** Where the request came from (kept with a new session). */
  readonly client: Client
  readonly params: { readonly [K in keyof P]: Schema.Schema.Type<P[K]> }
  readonly query: Schema.Struct.Type<Q>
  readonly body: B
}

/**
 * What a route answers on success, for the OpenAPI document: its status and body — a schema, the
 * name of a schema in the document's components (the contract's or Roster's), or none.
 */
export interface Success {
  readonly status: number
  readonly body?: Schema.Schema<any, any> | string
  readonly description?: string
}

export interface Definition<G extends Guard, P extends Params, Q extends Schema.Struct.Fields, B> {
  readonly method: Method
  /** An express path: `/organizations/users/:userId`. */
  readonly path: string
  /** One line for the OpenAPI document. */
  readonly summary: string
  readonly success: Success
  /** Who may call; `organization` when absent. */
  readonly guard?: G
  /**
   * A GET that changes something (it makes a one-time link, say): `HEAD` is refused with 405, so
   * that a probe cannot make one unseen. True when absent.
   */
  readonly safe?: boolean
  /**
   * Organization routes: checked before anything is decoded; `null` when any caller of the
   * organization may call.
   */
  readonly permission?: Permission.Permission | null
  readonly params?: P
  readonly query?: Schema.Struct<Q>
  /** Query parameters that repeat and take comma-separated values. */
  readonly lists?: ReadonlyArray<keyof Q & string>
  /** The JSON body the operation requires; absent when it takes none. */
  readonly body?: Schema.Schema<B, any>
  readonly handle: (request: Request<G, P, Q, B>) => Effect.Effect<Reply, ErrorResponse.KnownError, UseCases>
}

/** The request as received: path parameters, query string, and the parsed body (`undefined` when none was sent). */
export interface Raw {
  readonly client: Client
  readonly params: Readonly<Record<string, string>>
  readonly search: URLSearchParams
  readonly body: unknown
}

export interface Route {
  /** The operation the route binds (absent for a route not yet declared as one). */
  readonly operation?: Operation.Any
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

const noQuery = Schema.Struct({})

export const make = <
  G extends Guard = "organization",
  P extends Params = {},
  Q extends Schema.Struct.Fields = {},
  B = void
>(
  definition: Definition<G, P, Q, B>
): Route => ({
  method: definition.method,
  path: definition.path,
  summary: definition.summary,
  success: definition.success,
  params: definition.params ?? {},
  query: definition.query as Schema.Schema<any, any> | undefined,
  lists: definition.lists ?? [],
  body: definition.body,
  guard: definition.guard ?? "organization",
  safe: definition.safe ?? true,
  permission: definition.permission ?? null,
  run: (caller, raw) =>
    Input.all({
      params: Input.all(
        Object.fromEntries(
          Object.entries(definition.params ?? {}).map(([name, schema]) => [
            name,
            Input.pathParameter(schema, name, raw.params[name])
          ])
        )
      ),
      query: Input.query(definition.query ?? (noQuery as unknown as Schema.Struct<Q>), raw.search, {
        lists: definition.lists ?? []
      }),
      body: definition.body === undefined ? Input.noBody(raw.body) : Input.body(definition.body, raw.body)
    }).pipe(
      Effect.flatMap(({ params, query, body }) =>
        definition.handle({
          ...callerFields(caller),
          client: raw.client,
          params: params as Request<G, P, Q, B>["params"],
          query,
          body: body as B
        } as unknown as Request<G, P, Q, B>)
      )
    )
})

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
                    ? {}
                    : { headers: { Location: binding.location(output as never) } })
                }
        )
      ) as Effect.Effect<Reply, ErrorResponse.KnownError, UseCases>
  }
}
