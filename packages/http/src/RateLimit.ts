/**
 * A limit on requests per client address and window, for the sign-in routes: each request is
 * counted when it arrives and taken back once it succeeds (status < 400), so that only failures
 * count; past the limit the request is refused before it is read. The count lives where the caller
 * says (`Counter`): in the database, shared by every server on it (the server's choice), or in this
 * process (`memory`, the default). Every answer of a limited route says where the client stands,
 * in the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers):
 * `RateLimit-Policy: "sign-in";q=60;w=60` and `RateLimit: "sign-in";r=57;t=42`.
 */
import type express from "express"
import type * as Log from "./Log.js"

/** A request counted: how many the window holds (this one included) and when it ends. */
export interface Hit {
  readonly key: string
  readonly count: number
  /** Whole seconds until the window ends (at least 1). */
  readonly resetSeconds: number
  /** Which window it was counted in, for `release`. */
  readonly window: number
}

/** Where requests are counted. */
export interface Counter {
  /** Counts one request under `key` in the current window of `windowMs`. */
  readonly hit: (key: string, windowMs: number) => Promise<Hit>
  /** Takes back a request `hit` counted (it succeeded), unless its window is over. */
  readonly release: (hit: Hit) => Promise<void>
}

export interface Policy {
  /** The policy's name in the headers. */
  readonly name: string
  readonly limit: number
  readonly windowMs: number
}

/** Counts in this process: several servers count apart. Expired windows are swept once a window. */
export const memory = (now: () => number = Date.now): Counter => {
  const windows = new Map<string, { start: number; end: number; count: number }>()
  let swept = now()
  return {
    hit: async (key, windowMs) => {
      const at = now()
      if (at - swept >= windowMs) {
        for (const [name, { end }] of windows) if (end <= at) windows.delete(name)
        swept = at
      }
      const current = windows.get(key)
      const window = current === undefined || current.end <= at ? { start: at, end: at + windowMs, count: 0 } : current
      window.count += 1
      windows.set(key, window)
      return {
        key,
        count: window.count,
        resetSeconds: Math.max(1, Math.ceil((window.end - at) / 1000)),
        window: window.start
      }
    },
    release: async ({ key, window }) => {
      const current = windows.get(key)
      if (current !== undefined && current.start === window && current.count > 0) current.count -= 1
    }
  }
}

/** The `RateLimit-Policy` field's value. */
export const policyHeader = (policy: Policy): string =>
  `"${policy.name}";q=${policy.limit};w=${Math.ceil(policy.windowMs / 1000)}`

/** The `RateLimit` field's value after `hit`. */
export const limitHeader = (policy: Policy, hit: Hit): string =>
  `"${policy.name}";r=${Math.max(0, policy.limit - hit.count)};t=${hit.resetSeconds}`

/**
 * The limit as express middleware, keyed by the client's address (`req.ip`: see `trust proxy`).
 * `refuse` answers a request over the limit (429 with `Retry-After`). When the counter fails (the
 * database is unreachable) the request goes on, and the failure is logged: the per-account lock
 * still holds, and the request would fail on its own.
 */
export const middleware =
  (
    policy: Policy,
    counter: Counter,
    refuse: (req: express.Request, res: express.Response, retryAfterSeconds: number) => void,
    log: Log.Logger
  ): express.RequestHandler =>
  (req, res, next) => {
    counter.hit(req.ip ?? "unknown", policy.windowMs).then(
      (hit) => {
        res.setHeader("RateLimit-Policy", policyHeader(policy))
        res.setHeader("RateLimit", limitHeader(policy, hit))
        if (hit.count > policy.limit) return refuse(req, res, hit.resetSeconds)
        res.once("finish", () => {
          if (res.statusCode < 400) counter.release(hit).catch(() => undefined)
        })
        next()
      },
      (error: unknown) => {
        log({
          level: "Warning",
          message: `The ${policy.name} limit could not be counted; the request goes on: ${String((error as Error)?.message ?? error)}`,
          annotations: { policy: policy.name }
        })
        next()
      }
    )
  }
