/**
 * A compatible surface's route (`@roster/api`'s `Surface`) as an express handler. The same order
 * of checks as Roster's own routes — who are you (401) → may you, in this organization (403,
 * before the body is read where the organization is named outside it) → is the request well formed
 * → the operations — and the same operations, run through `call`. Only the shapes differ: the
 * surface's field names, its statuses and its error body.
 */
import { Binding, type Surface } from "@roster/api"
import type { Access, ErrorCode, Permission } from "@roster/domain"
import {
  Atomic,
  Forbidden,
  Operation,
  OrganizationId,
  Policy,
  PublicUrl,
  Validation,
  ValidationFailed
} from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type express from "express"
import * as Auth from "./Auth.js"
import type * as Handler from "./Handler.js"
import * as ErrorResponse from "./ErrorResponse.js"
import * as HttpError from "./HttpError.js"
import * as Input from "./Input.js"
import * as RequestId from "./RequestId.js"
import * as Log from "./Log.js"
import type { Reply } from "./Reply.js"
import type * as Route from "./Route.js"

const notYours = new Forbidden({
  required: "organization",
  reason: "You do not act in this organization: name the one your token or membership belongs to"
})

/** The organization the request names, where the route says it does; an id that is no UUID is nobody's. */
const namedOrganization = (where: Surface.OrganizationIn, raw: Route.Raw) => {
  const value =
    where.from === "path"
      ? raw.params[where.name]
      : where.from === "query"
        ? raw.search.get(where.name)
        : typeof raw.body === "object" && raw.body !== null
          ? (raw.body as Record<string, unknown>)[where.name]
          : undefined
  if (typeof value !== "string" && typeof value !== "number") {
    return Effect.fail(ValidationFailed.single(where.name, "is required: the organization to act in"))
  }
  return Option.match(Schema.decodeUnknownOption(OrganizationId)(String(value).trim().toLowerCase()), {
    onNone: () => Effect.fail(notYours),
    onSome: Effect.succeed
  })
}

/** Runs declared operations as `access`, as the surface's routes call them. */
const caller = (access: Access, publicUrl: string): Surface.Call => {
  const call = <O extends Operation.Any>(operation: O, input: Operation.InputOf<O>) =>
    Validation.decode(operation.input as unknown as Schema.Schema<any, any>)(input).pipe(
      Effect.flatMap((decoded) => Operation.runAny(operation, { access, client: {} } as never, decoded)),
      Effect.flatMap((output) =>
        operation.success === undefined ? Effect.void : Schema.encode(operation.success)(output).pipe(Effect.orDie)
      ),
      Effect.provideService(PublicUrl.Base, publicUrl)
    ) as Effect.Effect<Operation.OutputOf<O>, ErrorCode.DomainError>
  const atomically = <A>(effect: Effect.Effect<A, ErrorCode.DomainError>) =>
    Effect.flatMap(Atomic, (atomic) => atomic.inOrganization(access.organizationId)(effect)) as Effect.Effect<
      A,
      ErrorCode.DomainError
    >
  return Object.assign(call, {
    atomically,
    holds: (permission: Permission.Permission) => Policy.allows(access.actor, permission)
  })
}

/** The surface's answer to a failure Roster's own API would answer with `failure`. */
const shaped = (surface: Surface.Surface, failure: ErrorResponse.Failure): ErrorResponse.Failure => {
  const body = failure.reply.body as ErrorResponse.ErrorResponse
  const [first] = body.errors
  const common: Surface.Failure = {
    status: failure.reply.status,
    code: first?.code ?? ErrorResponse.internalCode,
    message: first?.message ?? "",
    errors: body.errors,
    fingerprint: body.fingerprint
  }
  const status = surface.status(common)
  return {
    ...failure,
    reply: {
      ...failure.reply,
      status,
      body: surface.error(common, status),
      contentType: surface.contentType
    }
  }
}

export const program = (
  surface: Surface.Surface,
  route: Surface.Route,
  req: express.Request,
  res: express.Response,
  readBody: Handler.Context<never>["readBody"],
  publicUrl: string
) =>
  Effect.gen(function* () {
    const raw: Route.Raw = {
      client: { userAgent: req.get("user-agent"), ip: req.ip },
      params: Object.fromEntries(Object.entries(req.params as Record<string, string>)),
      search: new URLSearchParams(
        req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?") + 1) : ""
      ),
      body: undefined
    }
    const secret = req.get("authorization")
    // Who are you (401) first, whatever the request names.
    yield* Auth.presented(secret, "send Authorization: Bearer with an organization token or a session")
    /** The caller acting in the organization the request names, holding the route's permission (403). */
    const identify = (request: Route.Raw) =>
      Effect.gen(function* () {
        const organizationId = yield* namedOrganization(route.organization, request)
        const access = yield* Auth.organization(secret, organizationId).pipe(
          // Another organization than the token's: not yours (403), decided before anything is looked up.
          Effect.catchTag("Forbidden", (error) => Effect.fail(error.required === "organization" ? notYours : error))
        )
        yield* Policy.requirePermission(access, route.permission)
        return access
      })
    // Where the organization is named outside the body, 403 comes before the body is read.
    const early = route.organization.from === "body" ? undefined : yield* identify(raw)
    const body = yield* readBody(req, res)
    const full: Route.Raw = { ...raw, body: body._tag === "Json" ? body.value : undefined }
    const access = early ?? (yield* identify(full))
    yield* Input.utf8Query(req.originalUrl)
    const decoded = yield* Input.all({
      query: route.query === undefined ? Effect.succeed(undefined) : Input.query(route.query as never, full.search),
      body: route.body === undefined ? Input.noBody(full.body) : Input.body(route.body, full.body)
    })
    const answer = yield* route.run(caller(access, publicUrl), { params: full.params, ...decoded })
    return route.success.schema === undefined
      ? ({ status: route.success.status } satisfies Reply)
      : ({ status: route.success.status, body: answer, contentType: surface.contentType } satisfies Reply)
  })

export const make =
  <E>(
    surface: Surface.Surface,
    route: Surface.Route,
    context: Handler.Context<E>,
    publicUrl: string
  ): express.RequestHandler =>
  (req, res) =>
    context.runtime
      .runPromiseExit(
        // Every log line of the request carries its id, as on Roster's own routes (`Handler`).
        (
          program(surface, route, req, res, context.readBody, publicUrl) as Effect.Effect<
            Reply,
            unknown,
            Route.UseCases
          >
        ).pipe(Effect.annotateLogs("requestId", RequestId.get(req)))
      )
      .then((exit) =>
        context.respond(
          req,
          res,
          Exit.match(exit, {
            onSuccess: (reply) => Either.right(reply),
            onFailure: (cause) => Either.left(shaped(surface, ErrorResponse.fromCause(cause)))
          })
        )
      )

/** The path as requested, for messages: without the query string, secrets masked. */
const pathOf = (req: express.Request): string => Log.redact(req.originalUrl.split("?", 1)[0]!)

/** An error of the HTTP layer itself (405, 404), answered in the surface's shape. */
const refuse = <E>(
  surface: Surface.Surface,
  context: Handler.Context<E>,
  req: express.Request,
  res: express.Response,
  error: HttpError.HttpError
) => context.respond(req, res, Either.left(shaped(surface, ErrorResponse.fromError(error))))

/**
 * Mounts every route of `surface` on `app`, telling `allow` each path and method. A wrong method on
 * one of its paths is its 405 (with `Allow`; OPTIONS lists them), and a path under its `prefix` that
 * none serves its 404, both in its error shape.
 */
export const mount = <E>(
  app: express.Express,
  surface: Surface.Surface,
  context: Handler.Context<E>,
  publicUrl: string,
  allow: (path: string, method: string) => void
): void => {
  /** Each path's methods, as `Allow` lists them. */
  const methods = new Map<string, Array<string>>()
  for (const route of surface.routes) {
    const path = Binding.expressPath(route.path)
    const handler = make(surface, route, context, publicUrl)
    const mounted = app.route(path)
    const listed = methods.get(path) ?? []
    methods.set(path, listed)
    listed.push(...(route.method === "GET" && route.readOnly ? ["GET", "HEAD"] : [route.method]))
    switch (route.method) {
      case "GET":
        if (!route.readOnly) {
          // Before `get`, which would otherwise answer HEAD too, running what the GET changes.
          mounted.head((req, res) =>
            refuse(
              surface,
              context,
              req,
              res,
              new HttpError.MethodNotAllowed({ method: req.method, path: pathOf(req), allow: ["GET"] })
            )
          )
        }
        mounted.get(handler)
        break
      case "POST":
        mounted.post(handler)
        break
      case "PUT":
        mounted.put(handler)
        break
      case "DELETE":
        mounted.delete(handler)
        break
    }
    allow(path, route.method)
  }
  for (const [path, listed] of methods) {
    app.all(path, (req, res) => {
      if (req.method === "OPTIONS") {
        context.respond(req, res, Either.right({ status: 204, headers: { Allow: [...listed, "OPTIONS"].join(", ") } }))
        return
      }
      refuse(
        surface,
        context,
        req,
        res,
        new HttpError.MethodNotAllowed({ method: req.method, path: pathOf(req), allow: listed })
      )
    })
  }
  if (surface.prefix !== undefined) {
    // Segment by segment: `/v1/org` owns `/v1/org/…`, never `/v1/organizations`.
    app.use(surface.prefix, (req, res) =>
      refuse(surface, context, req, res, new HttpError.RouteNotFound({ method: req.method, path: pathOf(req) }))
    )
  }
}
