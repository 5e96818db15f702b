/** Health checks and metrics over real HTTP: on the app's own port, and on an admin app of their own. */
import { InMemory, Services } from "@roster/domain"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Http from "node:http"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as TestCrypto from "@roster/crypto/test"
import { App, type Log, Metrics, Monitoring, Server } from "../src/index.js"
import * as ContractSchemas from "./ContractSchemas.js"

const validator = ContractSchemas.make()
const someToken = "tot_" + "A".repeat(52)

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const listen = async (app: Http.RequestListener) => {
  const server = await Server.listen(app, { port: 0, host: "127.0.0.1" })
  cleanups.push(() => server.close())
  return server
}

const start = async (options: App.Options = {}) => {
  const runtime = ManagedRuntime.make(
    Services.fullLayer.pipe(Layer.provide(Layer.merge(InMemory.layer, TestCrypto.layer)))
  )
  cleanups.push(() => runtime.dispose())
  return listen(App.make(runtime, options))
}

const ready: Monitoring.Probe = async () => ({
  ready: true,
  checks: { database: { status: "ok", durationMs: 1 }, migrations: { status: "ok", durationMs: 1 } }
})
const notReady: Monitoring.Probe = async () => ({
  ready: false,
  checks: {
    database: { status: "ok", durationMs: 1 },
    migrations: { status: "failing", message: "migration(s) 8 not applied", durationMs: 1 }
  }
})

/** The value of `name{labels}` in a scrape, or undefined. */
const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null || match[1] !== name) continue
    const found = Object.fromEntries([...(match[2] ?? "").matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]))
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3])
  }
  return undefined
}

const scrape = async (url: string) => {
  const response = await fetch(`${url}/metrics`)
  expect(response.status).toBe(200)
  expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8")
  expect(response.headers.get("cache-control")).toBe("no-store")
  return response.text()
}

describe("health checks", () => {
  it("/health and /health/live answer 200 while the process is up, whatever readiness says", async () => {
    const server = await start({ readiness: notReady })
    for (const path of ["/health", "/health/live"]) {
      const response = await fetch(`${server.url}${path}`)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ status: "ok" })
      expect(response.headers.get("x-content-type-options")).toBe("nosniff")
    }
  })

  it("/health/ready is 200 with each check when every check passes", async () => {
    const server = await start({ readiness: ready })
    const response = await fetch(`${server.url}/health/ready`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      status: "ready",
      checks: { database: { status: "ok", durationMs: 1 }, migrations: { status: "ok", durationMs: 1 } }
    })
  })

  it("/health/ready is 503 naming the check that failed, and why", async () => {
    const server = await start({ readiness: notReady })
    const response = await fetch(`${server.url}/health/ready`)
    expect(response.status).toBe(503)
    expect(response.headers.get("content-type")).toBe("application/json;charset=UTF-8")
    expect(await response.json()).toEqual({
      status: "unavailable",
      checks: {
        database: { status: "ok", durationMs: 1 },
        migrations: { status: "failing", message: "migration(s) 8 not applied", durationMs: 1 }
      }
    })
  })

  it("a readiness probe that throws is 503 too, its message masked of secrets", async () => {
    const server = await start({
      readiness: async () => {
        throw new Error(`the pool is gone (${someToken})`)
      }
    })
    const response = await fetch(`${server.url}/health/ready`)
    expect(response.status).toBe(503)
    const body = await response.json()
    expect(body).toEqual({
      status: "unavailable",
      checks: { readiness: { status: "failing", message: "the pool is gone (tot_[redacted])" } }
    })
  })

  it("without checks the app is ready while it answers", async () => {
    const server = await start()
    const response = await fetch(`${server.url}/health/ready`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: "ready", checks: {} })
  })

  it("other methods are 405 with Allow, in the API's error shape", async () => {
    const server = await start()
    for (const path of ["/health/live", "/health/ready", "/metrics"]) {
      const response = await fetch(`${server.url}${path}`, { method: "POST" })
      expect(response.status).toBe(405)
      expect(response.headers.get("allow")).toBe("GET, HEAD")
      const body = await response.json()
      validator.assert("ErrorResponse", body)
      expect(body.errors[0].code).toBe("METHOD_NOT_ALLOWED")
    }
  })

  it("probes are logged at Debug, a failing one at Warning", async () => {
    const entries: Array<Log.Entry> = []
    const server = await start({ readiness: notReady, logger: (entry) => entries.push(entry) })
    await fetch(`${server.url}/health/live`)
    await fetch(`${server.url}/health/ready`)
    await fetch(`${server.url}/metrics`)
    await vi.waitFor(() => expect(entries).toHaveLength(3))
    expect(entries.map((entry) => [entry.message, entry.level])).toEqual([
      ["GET /health/live 200", "Debug"],
      ["GET /health/ready 503", "Warning"],
      ["GET /metrics 200", "Debug"]
    ])
  })
})

describe("/metrics", () => {
  it("times requests by method, route template and status; a path no route serves is 'unmatched'", async () => {
    const server = await start({ logger: () => {} })
    const userId = "0b7d5a1e-9f55-4d5c-8a4e-0c7a1f3e6b21"
    await fetch(`${server.url}/organizations/users/${userId}`, { headers: { authorization: someToken } })
    await fetch(`${server.url}/organizations/users/${userId}`, { headers: { authorization: someToken } })
    await fetch(`${server.url}/nowhere/${userId}`)
    await fetch(`${server.url}/health`)
    const text = await scrape(server.url)
    const user = { method: "GET", route: "/organizations/users/{userId}", status: "401" }
    expect(sample(text, "roster_http_request_duration_seconds_count", user)).toBe(2)
    expect(sample(text, "roster_http_request_duration_seconds_bucket", { ...user, le: "+Inf" })).toBe(2)
    expect(sample(text, "roster_http_request_duration_seconds_count", { route: "unmatched", status: "404" })).toBe(1)
    expect(sample(text, "roster_http_request_duration_seconds_count", { route: "/health", status: "200" })).toBe(1)
    // No path holds an id: one series per route, whatever the ids.
    expect(text).not.toContain(userId)
  })

  it("counts requests in flight", async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const server = await start({
      logger: () => {},
      readiness: async () => {
        await held
        return { ready: true, checks: {} }
      }
    })
    const pending = fetch(`${server.url}/health/ready`)
    await vi.waitFor(async () => expect(sample(await scrape(server.url), "roster_http_requests_in_flight")).toBe(2))
    release()
    expect((await pending).status).toBe(200)
    // The scrape itself is the one in flight.
    expect(sample(await scrape(server.url), "roster_http_requests_in_flight")).toBe(1)
  })

  it("has the process's metrics: CPU, memory, event-loop lag, heap", async () => {
    const server = await start()
    const text = await scrape(server.url)
    for (const name of [
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
      "nodejs_eventloop_lag_p99_seconds",
      "nodejs_heap_size_used_bytes",
      "nodejs_active_handles_total"
    ]) {
      expect(sample(text, name), name).toBeGreaterThanOrEqual(0)
    }
  })

  it("reads the caller's gauges at each scrape; one that fails says NaN or is left out, the scrape goes on", async () => {
    let members = 3
    const metrics = Metrics.make([
      {
        name: "roster_members",
        help: "members",
        labelNames: ["organization_id", "status"],
        read: async () => [{ labels: { organization_id: "acme", status: "ACTIVE" }, value: members }]
      },
      { name: "roster_db_pool_max_connections", help: "max", read: () => [{ value: 10 }] },
      {
        name: "roster_broken",
        help: "fails",
        read: async () => {
          throw new Error("no database")
        }
      },
      {
        name: "roster_broken_by_label",
        help: "fails",
        labelNames: ["state"],
        read: () => {
          throw new Error("no database")
        }
      }
    ])
    const server = await start({ metrics })
    let text = await scrape(server.url)
    expect(sample(text, "roster_members", { organization_id: "acme", status: "ACTIVE" })).toBe(3)
    expect(sample(text, "roster_db_pool_max_connections")).toBe(10)
    expect(sample(text, "roster_broken")).toBeNaN()
    expect(sample(text, "roster_broken_by_label")).toBeUndefined()
    members = 4
    text = await scrape(server.url)
    expect(sample(text, "roster_members", { organization_id: "acme", status: "ACTIVE" })).toBe(4)
  })

  it("two apps in one process count apart", async () => {
    const first = await start({ logger: () => {} })
    const second = await start({ logger: () => {} })
    await fetch(`${first.url}/health`)
    expect(sample(await scrape(first.url), "roster_http_request_duration_seconds_count", { route: "/health" })).toBe(1)
    expect(sample(await scrape(second.url), "roster_http_request_duration_seconds_count", { route: "/health" })).toBe(
      undefined
    )
  })
})

describe("on an admin port of their own", () => {
  it("the app keeps /health and leaves the rest to the admin app, which counts the app's requests", async () => {
    const metrics = Metrics.make()
    const api = await start({ metrics, readiness: notReady, serveMonitoring: false, logger: () => {} })
    const logs: Array<Log.Entry> = []
    const admin = await listen(
      Monitoring.adminApp({ metrics, readiness: notReady, logger: (entry) => logs.push(entry) })
    )

    expect((await fetch(`${api.url}/health`)).status).toBe(200)
    for (const path of ["/health/live", "/health/ready", "/metrics"]) {
      const response = await fetch(`${api.url}${path}`)
      expect(response.status, path).toBe(404)
      validator.assert("ErrorResponse", await response.json())
    }

    expect((await fetch(`${admin.url}/health`)).status).toBe(200)
    expect((await fetch(`${admin.url}/health/live`)).status).toBe(200)
    const readiness = await fetch(`${admin.url}/health/ready`)
    expect(readiness.status).toBe(503)
    expect((await readiness.json()).checks.migrations.status).toBe("failing")
    const text = await scrape(admin.url)
    expect(sample(text, "roster_http_request_duration_seconds_count", { route: "/health", status: "200" })).toBe(1)
    expect(sample(text, "roster_http_request_duration_seconds_count", { route: "unmatched", status: "404" })).toBe(3)
    expect(logs.map((entry) => entry.message)).toContain("GET /health/ready 503")
  })

  it("the admin app answers nothing else: 404 and 405 in the API's error shape, with the hardening headers", async () => {
    const admin = await listen(Monitoring.adminApp({ metrics: Metrics.make(), readiness: ready, logger: () => {} }))
    const missing = await fetch(`${admin.url}/organizations/users`, { headers: { authorization: someToken } })
    expect(missing.status).toBe(404)
    expect(missing.headers.get("content-type")).toBe("application/json")
    expect(missing.headers.get("cache-control")).toBe("no-store")
    const body = await missing.json()
    validator.assert("ErrorResponse", body)
    expect(body.errors[0].code).toBe("NOT_FOUND")
    const wrong = await fetch(`${admin.url}/metrics`, { method: "DELETE" })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get("allow")).toBe("GET, HEAD")
    expect((await fetch(`${admin.url}/health/ready`)).status).toBe(200)
  })
})
