/**
 * A compatible surface: an API another product defined (its paths, its field names, its error
 * shape) served over Roster's own operations. A surface is a table of routes; each route decodes
 * the request with the surface's own schemas, calls declared operations through `call` — never a
 * use case or a port — and shapes what they answer. Guards, permissions, events, isolation and
 * limits are the operations', so they are the same on every surface.
 */
import type { ErrorCode, Operation, Permission } from "@roster/domain"
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type { Method } from "./Binding.js"

/**
 * Runs a declared operation as the route's caller, with its input as JSON carries it (decoded by the
 * operation's own schema, so validation is the operation's), and answers its output as JSON carries
 * it. `atomically` runs several calls in one transaction of the caller's organization: all of their
 * writes, or none.
 */
export interface Call {
  <O extends Operation.Any>(
    operation: O,
    input: Operation.InputOf<O>
  ): Effect.Effect<Operation.OutputOf<O>, ErrorCode.DomainError>
  readonly atomically: <A>(effect: Effect.Effect<A, ErrorCode.DomainError>) => Effect.Effect<A, ErrorCode.DomainError>
  /** Whether the caller holds `permission` in its organization (what it implies included). */
  readonly holds: (permission: Permission.Permission) => boolean
}

/** Where a route finds the organization it acts in: a path parameter, a query parameter or a body field. */
export interface OrganizationIn {
  readonly from: "path" | "query" | "body"
  readonly name: string
}

/** What a route answers on success. */
export interface Success {
  readonly status: number
  /** Its body's schema, for the surface's OpenAPI document (none for an empty answer). */
  readonly schema?: Schema.Schema.AnyNoContext
  readonly description: string
}

/** The request as the route's schemas decoded it. */
export interface Decoded<Q, B> {
  readonly params: Readonly<Record<string, string>>
  readonly query: Q
  readonly body: B
}

export interface Route<Q = any, B = any> {
  readonly method: Method
  /** As OpenAPI writes it: `/v1/org/{orgId}/user/{userId}/disable`. */
  readonly path: string
  /** The surface's own name for it (its document's operationId). */
  readonly id: string
  readonly summary: string
  /** The declared operations it calls, by id: the documentation and the tests read this. */
  readonly operations: ReadonlyArray<string>
  /** It changes nothing (a GET that hands out a link does): HEAD may run it unseen only then. */
  readonly readOnly: boolean
  /** Checked with the caller before the request's body is read (403). */
  readonly permission: Permission.Permission
  readonly organization: OrganizationIn
  readonly query?: Schema.Schema<Q, any>
  readonly body?: Schema.Schema<B, any>
  readonly success: Success
  /** The body of a success (ignored when `success.schema` is absent). */
  readonly run: (call: Call, request: Decoded<Q, B>) => Effect.Effect<unknown, ErrorCode.DomainError>
}

/** A failure as every surface knows it: what Roster's own API would answer, before the surface shapes it. */
export interface Failure {
  readonly status: number
  /** The error's code in Roster's own API (`USER_NOT_FOUND`, `INTERNAL`, …). */
  readonly code: string
  readonly message: string
  /** One entry per problem: a validation failure names each field. */
  readonly errors: ReadonlyArray<{ readonly code: string; readonly message: string }>
  readonly fingerprint: string
}

export interface Surface {
  /** `org-user-admin`: the name of the document it serves. */
  readonly id: string
  readonly title: string
  readonly routes: ReadonlyArray<Route>
  /** The status the surface gives a failure Roster's own API answers with `failure.status`. */
  readonly status: (failure: Failure) => number
  /** The surface's error body. */
  readonly error: (failure: Failure, status: number) => unknown
  /** The `Content-Type` of its answers. */
  readonly contentType: string
  /**
   * A path prefix the surface owns whole (`/v1/org`): a path under it that no route serves answers
   * 404 in the surface's error shape rather than Roster's. Without one, only its routes' own paths
   * are its (a wrong method on them is still its 405).
   */
  readonly prefix?: string
}

/** Declares a route, keeping its decoded types for `run`. */
export const route = <Q = undefined, B = undefined>(route: Route<Q, B>): Route<Q, B> => route
