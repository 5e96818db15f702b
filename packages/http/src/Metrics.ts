/**
 * `/metrics`, in Prometheus's text format (prom-client): how long requests take, by route template
 * and status; how many are in flight; the process's own metrics (CPU, memory, event-loop lag,
 * garbage collection, handles); and whatever the app's caller adds as gauges read at each scrape
 * (the database's pool, members by status). One registry per `make`: nothing is global, so two apps
 * in one process (tests) count apart.
 */
import type express from "express"
import * as Prometheus from "prom-client"

/** A gauge whose values are read when `/metrics` is scraped. */
export interface Gauge {
  readonly name: string
  readonly help: string
  readonly labelNames?: ReadonlyArray<string>
  /**
   * The values right now, one per combination of labels. May reject: the scrape goes on, without
   * its series (NaN for a gauge without labels).
   */
  readonly read: () => Promise<ReadonlyArray<Reading>> | ReadonlyArray<Reading>
}

export interface Reading {
  readonly labels?: Readonly<Record<string, string>>
  readonly value: number
}

export interface Metrics {
  readonly registry: Prometheus.Registry
  /** Times every request: mount it first. */
  readonly middleware: express.RequestHandler
  /** The text a scrape gets. */
  readonly scrape: () => Promise<{ readonly contentType: string; readonly text: string }>
}

/** Seconds; from a health check's milliseconds to a slow sign-in's argon2 and beyond. */
export const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** The route label of a request no route matched: a path per label would be unbounded. */
export const unmatched = "unmatched"

/**
 * The template of the route that served `req` (`/organizations/users/{userId}`), as the OpenAPI
 * document writes it; `unmatched` when none did.
 */
export const routeOf = (req: express.Request): string => {
  const path = (req.route as { path?: unknown } | undefined)?.path
  return typeof path === "string" ? path.replace(/:([A-Za-z0-9_]+)/g, "{$1}") : unmatched
}

export const make = (gauges: ReadonlyArray<Gauge> = []): Metrics => {
  const registry = new Prometheus.Registry()
  Prometheus.collectDefaultMetrics({ register: registry })

  const duration = new Prometheus.Histogram({
    name: "roster_http_request_duration_seconds",
    help: "Time from a request's arrival to the end of its answer, by method, route template and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: durationBuckets,
    registers: [registry]
  })
  const inFlight = new Prometheus.Gauge({
    name: "roster_http_requests_in_flight",
    help: "Requests received and not yet answered",
    registers: [registry]
  })

  for (const gauge of gauges) {
    new Prometheus.Gauge({
      name: gauge.name,
      help: gauge.help,
      labelNames: [...(gauge.labelNames ?? [])],
      registers: [registry],
      async collect() {
        // Read before resetting. A reading that fails leaves its series out, or (a gauge without
        // labels, which always has its one series) says NaN, rather than a stale value or a 0.
        const readings = await Promise.resolve()
          .then(gauge.read)
          .catch((): ReadonlyArray<Reading> => ((gauge.labelNames ?? []).length === 0 ? [{ value: Number.NaN }] : []))
        this.reset()
        for (const { labels, value } of readings) {
          if (labels === undefined) this.set(value)
          else this.set(labels, value)
        }
      }
    })
  }

  const middleware: express.RequestHandler = (req, res, next) => {
    const stop = duration.startTimer()
    inFlight.inc()
    // `close` comes once per response, finished or cut off.
    res.once("close", () => {
      inFlight.dec()
      stop({
        method: req.method,
        route: routeOf(req),
        status: res.writableFinished ? String(res.statusCode) : "aborted"
      })
    })
    next()
  }

  return {
    registry,
    middleware,
    scrape: async () => ({ contentType: registry.contentType, text: await registry.metrics() })
  }
}
