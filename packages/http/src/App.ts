/**
 * The express app of the Users API. Express meets Effect through the ManagedRuntime the caller
 * built once (in its `main`): each request runs its program with `runtime.runPromiseExit`.
 */
import { surfaces } from "@roster/api"
import { ValidationFailed } from "@roster/domain"
import * as Either from "effect/Either"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import compression from "compression"
import cors from "cors"
import express from "express"
import * as Body from "./Body.js"
import * as Contract from "./Contract.js"
import * as Docs from "./Docs.js"
import * as ErrorResponse from "./ErrorResponse.js"
import * as Handler from "./Handler.js"
import * as Hardening from "./Hardening.js"
import * as HttpError from "./HttpError.js"
import * as Log from "./Log.js"
import * as Metrics from "./Metrics.js"
import * as Monitoring from "./Monitoring.js"
import * as OpenApi from "./OpenApi.js"
import * as OperatorChannel from "./OperatorChannel.js"
import * as RateLimit from "./RateLimit.js"
import * as Reply from "./Reply.js"
import * as RequestId from "./RequestId.js"
import * as SurfaceRoute from "./SurfaceRoute.js"
import * as SurfaceDocuments from "./surfaces/index.js"
import type * as Route from "./Route.js"
import * as Routes from "./Routes.js"

export interface Options {
  /** Where request logs go. By default, the runtime's Effect logger (so the app's logger layer applies). */
  readonly logger?: Log.Logger
  /**
   * Express's `trust proxy`: off by default, so `X-Forwarded-*` headers are ignored. Turn it on only
   * behind a proxy you run.
   */
  readonly trustProxy?: boolean | number | string | ReadonlyArray<string>
  /**
   * Where links handed out (magic links, email verification) point: your front end, which reads the
   * token from the URL's fragment and POSTs it to `/auth/magic-link` or `/auth/verify-email`.
   * Never taken from a request's Host header, which a caller controls.
   */
  readonly publicUrl?: string
  /**
   * Failed requests to the sign-in routes (`/auth/login`, `/auth/magic-link`, `/auth/verify-email`)
   * one client address may make per window, on top of the per-email lock: it slows one address
   * trying a password against many emails, while people who sign in successfully are never counted.
   * Counted by `counter`: in this process by default (several servers count apart); the server
   * counts in its database, which every server on it shares. `false` turns it off. Default:
   * `defaultSignInRateLimit`.
   */
  readonly signInRateLimit?:
    | { readonly limit: number; readonly windowMs: number; readonly counter?: RateLimit.Counter }
    | false
  /**
   * Origins (`https://app.example.com`) whose pages may call the API from a browser (CORS). None
   * by default: browsers then keep other origins' pages from reading any answer.
   */
  readonly corsOrigins?: ReadonlyArray<string>
  /**
   * Where requests are timed and counted for `/metrics`, and the gauges it adds: make one with
   * `Metrics.make` to share it with `Monitoring.adminApp`. One of its own by default.
   */
  readonly metrics?: Metrics.Metrics
  /** `/health/ready`'s checks. Default: none (ready while the process answers). */
  readonly readiness?: Monitoring.Probe
  /**
   * Whether this app serves `/health/live`, `/health/ready` and `/metrics` (default true); false
   * when `Monitoring.adminApp` serves them on another port. `/health` is served either way.
   */
  readonly serveMonitoring?: boolean
  /**
   * The operator key of a server that holds an embedded data directory: with it, the `roster` CLI on
   * this machine runs its commands through the server (`OperatorChannel`). Absent: no such channel.
   */
  readonly operatorKey?: string
  /** With `operatorKey`: how the operator channel takes a backup of the database (`roster db backup`). */
  readonly operatorBackup?: OperatorChannel.Backup
  /** How the operator's channel restores a backup into the database (`roster db restore`); absent: it does not. */
  readonly operatorRestore?: OperatorChannel.Restore
}

export const defaultSignInRateLimit = { limit: 60, windowMs: 60_000 } as const

/** Answers at least this large (bytes) are compressed when the client accepts gzip, deflate or br. */
export const compressionThreshold = 1024

/** What a browser page of an allowed origin may send and read. */
const corsOptions = (origins: ReadonlyArray<string>): cors.CorsOptions => ({
  origin: [...origins],
  methods: ["GET", "HEAD", "POST", "PUT", "DELETE"],
  allowedHeaders: ["Authorization", "Content-Type", "X-Organization-Id", RequestId.header],
  exposedHeaders: [RequestId.header, "Location", "Retry-After", "RateLimit", "RateLimit-Policy", "WWW-Authenticate"],
  maxAge: 600
})

/** Where links point when no public URL is configured. */
export const defaultPublicUrl = "http://localhost:3000"

/** Bodies larger than this are refused with 413 PAYLOAD_TOO_LARGE. */
export const bodyLimit = { limit: "1mb", limitBytes: 1024 * 1024, limitText: "1 MB" } as const

/** Every route of the API. */
export const routes = (publicUrl: string): ReadonlyArray<Route.Route> => Routes.routes(publicUrl)

const started = Symbol("started")

type Timed = express.Request & { [started]?: number }

/** The path as requested, for messages and logs: without the query string, tokens masked. */
const pathOf = (req: express.Request): string => Log.redact(req.originalUrl.split("?", 1)[0]!)

export const make = <E>(
  runtime: ManagedRuntime.ManagedRuntime<Route.UseCases, E>,
  options: Options = {}
): express.Express => {
  const log = options.logger ?? Log.fromRuntime(runtime)
  const readBody = Body.make(bodyLimit)

  const respond: Handler.Respond = (req, res, outcome) => {
    if (res.headersSent) return
    const reply = Either.isRight(outcome)
      ? outcome.right
      : ErrorResponse.withRequestId(outcome.left, RequestId.get(req))
    // Answered before its body is in (401, 403, 413…): the rest is dropped, and the connection
    // closes once the client has sent it (see `Server`) instead of being read as the next request.
    if (Body.pending(req)) res.setHeader("Connection", "close")
    Reply.write(res, reply)
    const failure = Either.isLeft(outcome) ? outcome.left : undefined
    const startedAt = (req as Timed)[started]
    log({
      level: Monitoring.logLevel(req.path, reply.status),
      message: `${req.method} ${pathOf(req)} ${reply.status}`,
      annotations: {
        method: req.method,
        path: pathOf(req),
        route: Metrics.routeOf(req),
        status: reply.status,
        requestId: RequestId.get(req),
        ...(startedAt === undefined ? {} : { durationMs: Math.round(performance.now() - startedAt) }),
        ...(failure === undefined ? {} : { fingerprint: failure.fingerprint, errorCodes: failure.codes }),
        ...(failure?.cause === undefined ? {} : { cause: failure.cause })
      }
    })
  }
  const fail = (req: express.Request, res: express.Response, error: ErrorResponse.KnownError) =>
    respond(req, res, Either.left(ErrorResponse.fromError(error)))

  const app = express()
  app.disable("x-powered-by")
  app.set("trust proxy", options.trustProxy ?? false)
  app.set("etag", false)
  // The query string is decoded per route, strictly, from the raw URL.
  app.set("query parser", false)
  app.use(RequestId.middleware)
  app.use(Hardening.middleware)
  const metrics = options.metrics ?? Metrics.make()
  app.use(metrics.middleware)
  // Only for a client that accepts an encoding: compression wraps every answer's writes even when it
  // cannot compress, a cost on each small answer to an API client that never asks for it.
  const compress = compression({ threshold: compressionThreshold })
  app.use((req, res, next) => {
    if (req.headers["accept-encoding"] !== undefined) return compress(req, res, next)
    // What compression would say: the answer depends on Accept-Encoding.
    res.vary("Accept-Encoding")
    next()
  })
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) {
    const handler = cors(corsOptions(options.corsOrigins))
    // Only what a browser sends cross-origin: a plain OPTIONS still answers `Allow` (below).
    app.use((req, res, next) => (req.headers.origin === undefined ? next() : handler(req, res, next)))
  }
  app.use((req, _res, next) => {
    ;(req as Timed)[started] = performance.now()
    next()
  })

  const allowed = new Map<string, Set<string>>()
  /** Paths whose GET changes something: no implicit HEAD. */
  const unsafeGets = new Set<string>()
  const allow = (path: string, method: string) => allowed.set(path, (allowed.get(path) ?? new Set()).add(method))

  Monitoring.mountHealth(app, respond, allow)
  if (options.serveMonitoring !== false) {
    Monitoring.mount(app, { metrics, readiness: options.readiness ?? Monitoring.alwaysReady }, respond, allow)
  }
  app.get("/openapi.json", (req, res) => respond(req, res, Either.right(Reply.json(200, Contract.document))))
  allow("/openapi.json", "GET")
  const served = routes(options.publicUrl ?? defaultPublicUrl)
  // Built once: it depends only on the routes.
  const document = OpenApi.make(served)
  app.get("/openapi/roster.json", (req, res) => respond(req, res, Either.right(Reply.json(200, document))))
  allow("/openapi/roster.json", "GET")

  const context: Handler.Context<E> = { runtime, readBody, respond }
  const signInLimit: NonNullable<Options["signInRateLimit"]> = options.signInRateLimit ?? defaultSignInRateLimit
  const signInLimiter: express.RequestHandler =
    signInLimit === false
      ? (_req, _res, next) => next()
      : RateLimit.middleware(
          { name: "sign-in", limit: signInLimit.limit, windowMs: signInLimit.windowMs },
          signInLimit.counter ?? RateLimit.memory(),
          // Retry-After comes with the error, as for every 429 of the API.
          (req, res, retryAfterSeconds) => fail(req, res, new HttpError.RateLimited({ retryAfterSeconds })),
          log
        )
  for (const route of served) {
    const handler = Handler.make(route, context)
    const path = app.route(route.path)
    switch (route.method) {
      case "GET":
        if (!route.safe) {
          unsafeGets.add(route.path)
          // Before `get`, which would otherwise answer HEAD too.
          path.head((req, res) =>
            fail(req, res, new HttpError.MethodNotAllowed({ method: req.method, path: pathOf(req), allow: ["GET"] }))
          )
        }
        path.get(handler)
        break
      case "POST":
        if (route.guard === "public") path.post(signInLimiter, handler)
        else path.post(handler)
        break
      case "PUT":
        path.put(handler)
        break
      case "DELETE":
        path.delete(handler)
        break
    }
    allow(route.path, route.method)
  }

  // The compatible surfaces' documents, then their routes: other APIs' shapes over the same
  // operations. Documents first, so that a surface's catch-all under its prefix leaves them be.
  for (const { path, document } of SurfaceDocuments.documents) {
    app.get(path, (req, res) => respond(req, res, Either.right(Reply.json(200, document))))
    allow(path, "GET")
  }
  for (const surface of surfaces)
    SurfaceRoute.mount(app, surface, context, options.publicUrl ?? defaultPublicUrl, allow)
  // The API reference pages over those documents (with their own CSP).
  Docs.mount(app, allow)

  if (options.operatorKey !== undefined) {
    OperatorChannel.mount(app, {
      key: options.operatorKey,
      publicUrl: options.publicUrl ?? defaultPublicUrl,
      context,
      backup: options.operatorBackup,
      restore: options.operatorRestore
    })
  }

  // A known path with another method: 405 with the methods it has (OPTIONS just asks for them).
  for (const [path, methods] of allowed) {
    const list = [...methods]
    if (methods.has("GET") && !unsafeGets.has(path)) list.splice(list.indexOf("GET") + 1, 0, "HEAD")
    app.all(path, (req, res) => {
      if (req.method === "OPTIONS") {
        res.status(204).setHeader("Allow", [...list, "OPTIONS"].join(", "))
        res.end()
        return
      }
      fail(req, res, new HttpError.MethodNotAllowed({ method: req.method, path: pathOf(req), allow: list }))
    })
  }

  app.use((req, res) => fail(req, res, new HttpError.RouteNotFound({ method: req.method, path: pathOf(req) })))

  // What escapes the routes: a path parameter that is not valid percent-encoding, or a bug.
  app.use((error: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error)
    const status = (error as { status?: unknown }).status
    if (error instanceof URIError && status === 400) {
      return fail(req, res, ValidationFailed.single("path", "is not valid percent-encoding"))
    }
    respond(req, res, Either.left(ErrorResponse.internal(String((error as Error)?.stack ?? error))))
  })

  return app
}
