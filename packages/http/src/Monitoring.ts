/**
 * What a process supervisor, a load balancer and Prometheus ask: `/health` and `/health/live` (the
 * process answers), `/health/ready` (it can serve: each of the caller's checks passes, else 503
 * naming the one that failed) and `/metrics`. Served by the app itself, or by an app of their own
 * on another port (`adminApp`, the server's `ROSTER_ADMIN_PORT`), which keeps them off the public one.
 */
import compression from "compression"
import * as Either from "effect/Either"
import express from "express"
import * as ErrorResponse from "./ErrorResponse.js"
import type * as Handler from "./Handler.js"
import * as Hardening from "./Hardening.js"
import * as HttpError from "./HttpError.js"
import * as Log from "./Log.js"
import * as Metrics from "./Metrics.js"
import * as Reply from "./Reply.js"
import * as RequestId from "./RequestId.js"

/** One check of readiness. */
export interface Check {
  readonly status: "ok" | "failing"
  /** What is wrong, when failing. */
  readonly message?: string
  readonly durationMs?: number
}

export interface Readiness {
  readonly ready: boolean
  readonly checks: Readonly<Record<string, Check>>
}

/** Runs the readiness checks. It should not reject; if it does, the answer is 503 all the same. */
export type Probe = () => Promise<Readiness>

/** No checks: ready while the process answers. */
export const alwaysReady: Probe = async () => ({ ready: true, checks: {} })

export interface Options {
  readonly metrics: Metrics.Metrics
  readonly readiness: Probe
}

const paths: ReadonlyArray<string> = ["/health", "/health/live", "/health/ready", "/metrics"]

/**
 * The level a request's log line takes: probes and scrapes come every few seconds, so theirs is
 * Debug, or Warning when not ready; any other 5xx is an Error.
 */
export const logLevel = (path: string, status: number): Log.Level =>
  paths.includes(path) ? (status >= 500 ? "Warning" : "Debug") : status >= 500 ? "Error" : "Info"

/** `/health`, which the app always serves, whether or not the rest is served elsewhere. */
export const mountHealth = (
  app: express.Express,
  respond: Handler.Respond,
  allow: (path: string, method: string) => void
) => {
  app.get("/health", (req, res) => respond(req, res, Either.right(Reply.json(200, { status: "ok" }))))
  allow("/health", "GET")
}

const readinessReply = async (probe: Probe): Promise<Reply.Reply> => {
  const readiness = await probe().catch(
    (error: unknown): Readiness => ({
      ready: false,
      checks: { readiness: { status: "failing", message: Log.redact(String((error as Error)?.message ?? error)) } }
    })
  )
  return Reply.json(readiness.ready ? 200 : 503, {
    status: readiness.ready ? "ready" : "unavailable",
    checks: readiness.checks
  })
}

/** `/health/live`, `/health/ready` and `/metrics`. */
export const mount = (
  app: express.Express,
  options: Options,
  respond: Handler.Respond,
  allow: (path: string, method: string) => void
) => {
  app.get("/health/live", (req, res) => respond(req, res, Either.right(Reply.json(200, { status: "ok" }))))
  allow("/health/live", "GET")
  app.get("/health/ready", (req, res) => {
    void readinessReply(options.readiness).then((reply) => respond(req, res, Either.right(reply)))
  })
  allow("/health/ready", "GET")
  app.get("/metrics", (req, res) => {
    void options.metrics.scrape().then(
      ({ text, contentType }) => respond(req, res, Either.right(Reply.text(200, text, contentType))),
      (error: unknown) =>
        respond(req, res, Either.left(ErrorResponse.internal(String((error as Error)?.stack ?? error))))
    )
  })
  allow("/metrics", "GET")
}

/**
 * An app of its own for `mountHealth` and `mount`, for a second port: the same hardening headers,
 * 404 and 405 in the API's error shape, and its requests logged through `logger` (not counted in
 * the metrics: they are the scrapes themselves).
 */
export const adminApp = (options: Options & { readonly logger: Log.Logger }): express.Express => {
  const app = express()
  app.disable("x-powered-by")
  app.set("etag", false)
  app.set("query parser", false)
  app.use(RequestId.middleware)
  app.use(Hardening.middleware)
  app.use(compression({ threshold: 1024 }))
  const respond: Handler.Respond = (req, res, outcome) => {
    if (res.headersSent) return
    const reply = Either.isRight(outcome)
      ? outcome.right
      : ErrorResponse.withRequestId(outcome.left, RequestId.get(req))
    Reply.write(res, reply)
    const failure = Either.isLeft(outcome) ? outcome.left : undefined
    options.logger({
      level: logLevel(req.path, reply.status),
      message: `${req.method} ${Log.redact(req.path)} ${reply.status}`,
      annotations: {
        method: req.method,
        route: Metrics.routeOf(req),
        status: reply.status,
        requestId: RequestId.get(req),
        ...(failure === undefined ? {} : { fingerprint: failure.fingerprint, errorCodes: failure.codes }),
        ...(failure?.cause === undefined ? {} : { cause: failure.cause })
      }
    })
  }
  const fail = (req: express.Request, res: express.Response, error: ErrorResponse.KnownError) =>
    respond(req, res, Either.left(ErrorResponse.fromError(error)))
  const allowed = new Map<string, Array<string>>()
  const allow = (path: string, method: string) => allowed.set(path, [...(allowed.get(path) ?? []), method])
  mountHealth(app, respond, allow)
  mount(app, options, respond, allow)
  for (const [path, methods] of allowed) {
    const list = methods.includes("GET") ? [...methods, "HEAD"] : methods
    app.all(path, (req, res) =>
      fail(req, res, new HttpError.MethodNotAllowed({ method: req.method, path: Log.redact(req.path), allow: list }))
    )
  }
  app.use((req, res) => fail(req, res, new HttpError.RouteNotFound({ method: req.method, path: Log.redact(req.path) })))
  return app
}
