/**
 * One route as an express handler. Every request goes through the same checks in the same order:
 * who are you (401) → may you (403, before the body is even read) → is the request well formed (400,
 * 413) → the use case (404, 409). Express meets Effect here, through the app's ManagedRuntime.
 */
import { Policy } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import type express from "express"
import * as Auth from "./Auth.js"
import type * as Body from "./Body.js"
import * as ErrorResponse from "./ErrorResponse.js"
import * as Input from "./Input.js"
import * as RequestId from "./RequestId.js"
import type { Reply } from "./Reply.js"
import type * as Route from "./Route.js"

/** Writes the outcome of a request and logs it. */
export type Respond = (
  req: express.Request,
  res: express.Response,
  outcome: Either.Either<Reply, ErrorResponse.Failure>
) => void

export interface Context<E> {
  readonly runtime: ManagedRuntime.ManagedRuntime<Route.UseCases, E>
  readonly readBody: Body.Reader
  readonly respond: Respond
}

/** Express 5 types a wildcard parameter as an array of segments; ours are single segments. */
const stringParams = (params: express.Request["params"]): Record<string, string> =>
  Object.fromEntries(
    Object.entries(params as Record<string, string | ReadonlyArray<string>>).map(([name, value]) => [
      name,
      typeof value === "string" ? value : value.join("/")
    ])
  )

/** The raw query string, read as sent (express's parsed `req.query` is switched off). */
const searchOf = (url: string): URLSearchParams => {
  const start = url.indexOf("?")
  return new URLSearchParams(start === -1 ? "" : url.slice(start + 1))
}

/** Who is calling, as the route's guard requires; refused (401/403) before the body is read. */
const identify = (route: Route.Route, req: express.Request) =>
  Effect.gen(function* () {
    switch (route.guard) {
      case "organization": {
        const access = yield* Auth.organization(req.get("authorization"), req.get(Auth.organizationHeader))
        if (route.permission !== null) yield* Policy.requirePermission(access, route.permission)
        return { _tag: "organization", access } satisfies Route.Caller
      }
      case "session":
        return { _tag: "session", session: yield* Auth.session(req.get("authorization")) } satisfies Route.Caller
      case "platform": {
        const session = yield* Auth.session(req.get("authorization"))
        yield* Policy.requirePlatformAdmin(session)
        return { _tag: "session", session } satisfies Route.Caller
      }
      case "public":
        return { _tag: "public" } satisfies Route.Caller
    }
  })

export const program = (route: Route.Route, req: express.Request, res: express.Response, readBody: Body.Reader) =>
  Effect.gen(function* () {
    const caller: Route.Caller = yield* identify(route, req)
    const body = yield* readBody(req, res)
    yield* Input.utf8Query(req.originalUrl)
    return yield* route.run(caller, {
      client: { userAgent: req.get("user-agent"), ip: req.ip },
      params: stringParams(req.params),
      search: searchOf(req.originalUrl),
      body: body._tag === "Json" ? body.value : undefined
    })
  })

export const make =
  <E>(route: Route.Route, context: Context<E>): express.RequestHandler =>
  (req, res) =>
    context.runtime
      // Whatever the operation logs carries the request's id.
      .runPromiseExit(
        program(route, req, res, context.readBody).pipe(Effect.annotateLogs("requestId", RequestId.get(req)))
      )
      .then((exit) =>
        context.respond(
          req,
          res,
          Exit.match(exit, {
            onSuccess: (reply) => Either.right(reply),
            onFailure: (cause) => Either.left(ErrorResponse.fromCause(cause))
          })
        )
      )
