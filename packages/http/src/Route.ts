/**
 * A route of the API as data: method, path, the permission it needs, the schemas of its path, query
 * and body, and the use case it runs. `Handler` runs every route through the same checks, in order.
 */
import type { Access, Permission, Services } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as ErrorResponse from "./ErrorResponse.js"
import * as Input from "./Input.js"
import type { Reply } from "./Reply.js"

export type Method = "GET" | "POST" | "PUT" | "DELETE"

/** Path parameters by name, each decoded from its string. */
export type Params = Readonly<Record<string, Schema.Schema<any, string>>>

export interface Request<P extends Params, Q extends Schema.Struct.Fields, B> {
  readonly access: Access
  readonly params: { readonly [K in keyof P]: Schema.Schema.Type<P[K]> }
  readonly query: Schema.Struct.Type<Q>
  readonly body: B
}

export interface Definition<P extends Params, Q extends Schema.Struct.Fields, B> {
  readonly method: Method
  /** An express path: `/organizations/users/:userId`. */
  readonly path: string
  /** Checked before anything is decoded; `null` when any token of the organization may call. */
  readonly permission: Permission.Permission | null
  readonly params?: P
  readonly query?: Schema.Struct<Q>
  /** Query parameters that repeat and take comma-separated values. */
  readonly lists?: ReadonlyArray<keyof Q & string>
  /** The JSON body the operation requires; absent when it takes none. */
  readonly body?: Schema.Schema<B, any>
  readonly handle: (request: Request<P, Q, B>) => Effect.Effect<Reply, ErrorResponse.KnownError, Services.UseCases>
}

/** The request as received: path parameters, query string, and the parsed body (`undefined` when none was sent). */
export interface Raw {
  readonly params: Readonly<Record<string, string>>
  readonly search: URLSearchParams
  readonly body: unknown
}

export interface Route {
  readonly method: Method
  readonly path: string
  readonly permission: Permission.Permission | null
  readonly run: (access: Access, raw: Raw) => Effect.Effect<Reply, ErrorResponse.KnownError, Services.UseCases>
}

const noQuery = Schema.Struct({})

export const make = <P extends Params = {}, Q extends Schema.Struct.Fields = {}, B = void>(
  definition: Definition<P, Q, B>
): Route => ({
  method: definition.method,
  path: definition.path,
  permission: definition.permission,
  run: (access, raw) =>
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
          access,
          params: params as Request<P, Q, B>["params"],
          query,
          body: body as B
        })
      )
    )
})
