/**
 * The server's readiness checks and gauges, read from the store's `Monitor` through the runtime:
 * `/health/ready` is ready while the database answers, holds every migration this release knows and
 * the server is not stopping; `/metrics` adds the connection pool and the members in each status,
 * by organization on the private admin port only (a grouped count, at most every 15 s: see
 * `Monitor.memberCountsTtl`).
 */
import type { Metrics, Monitoring } from "@roster/http"
import { Monitor } from "@roster/store"
import * as Effect from "effect/Effect"
import type * as ManagedRuntime from "effect/ManagedRuntime"

export interface Probes {
  readonly readiness: Monitoring.Probe
  readonly gauges: ReadonlyArray<Metrics.Gauge>
}

export const probes = <E>(
  runtime: ManagedRuntime.ManagedRuntime<Monitor.Monitor, E>,
  /** True once the server is stopping: a load balancer should send it nothing new. */
  stopping: () => boolean,
  /**
   * Whether `/metrics` may name organizations: only on ROSTER_ADMIN_PORT, which the operator keeps
   * private. On the public port, where anyone may scrape it, members are counted by status alone:
   * which organizations exist, and how big each is, is nobody's business there.
   */
  byOrganization: boolean
): Probes => {
  const memberCounts = () => runtime.runPromise(Effect.flatMap(Monitor.Monitor, (monitor) => monitor.memberCounts))
  const pool = () => runtime.runSync(Effect.map(Monitor.Monitor, (monitor) => monitor.pool()))
  return {
    readiness: async () => {
      if (stopping()) {
        return {
          ready: false,
          checks: { server: { status: "failing", message: "stopping: finishing requests in flight" } }
        }
      }
      return runtime.runPromise(Effect.flatMap(Monitor.Monitor, (monitor) => monitor.readiness))
    },
    gauges: [
      {
        name: "roster_db_pool_connections",
        help: "Database connections open, by state (busy: running a query or a transaction)",
        labelNames: ["state"],
        read: () => {
          const { total, idle } = pool()
          return [
            { labels: { state: "idle" }, value: idle },
            { labels: { state: "busy" }, value: total - idle }
          ]
        }
      },
      {
        name: "roster_db_pool_max_connections",
        help: "The most database connections the pool opens (1 for the embedded database)",
        read: () => [{ value: pool().max }]
      },
      {
        name: "roster_db_pool_waiting_queries",
        help: "Queries waiting for a database connection",
        read: () => [{ value: pool().waiting }]
      },
      byOrganization
        ? {
            name: "roster_members",
            help: "Members of each organization in each membership status, counted at most every 15 seconds",
            labelNames: ["organization_id", "status"],
            read: async () =>
              (await memberCounts()).map(({ organizationId, status, count }) => ({
                labels: { organization_id: organizationId, status },
                value: count
              }))
          }
        : {
            name: "roster_members",
            help: "Members of all organizations in each membership status, counted at most every 15 seconds (by organization on ROSTER_ADMIN_PORT)",
            labelNames: ["status"],
            read: async () => {
              const totals = new Map<string, number>()
              for (const { status, count } of await memberCounts())
                totals.set(status, (totals.get(status) ?? 0) + count)
              return [...totals].map(([status, value]) => ({ labels: { status }, value }))
            }
          }
    ]
  }
}
