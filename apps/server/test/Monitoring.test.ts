/**
 * The built server's health checks and metrics: on its port, or on ROSTER_ADMIN_PORT; readiness
 * failing when the database does not answer or lacks a migration (on a PostgreSQL server, when
 * ROSTER_TEST_DATABASE_URL is set).
 */
import * as Crypto from "node:crypto"
import * as Net from "node:net"
import { afterAll, describe, expect, it } from "vitest"
import { admin, adminUrl } from "./Helpers.js"
import * as P from "./Processes.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

const curlLine = /curl -H "Authorization: (tot_[0-9A-Za-z]+)" \S+\/organizations\/users/
const adminLine = /Health checks and metrics are on http:\/\/localhost:(\d+)/

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

const get = (port: number, path: string, token?: string) =>
  fetch(`http://127.0.0.1:${port}${path}`, token === undefined ? {} : { headers: { authorization: token } })

describe("on the server's own port", () => {
  it("/health/ready checks the database and its migrations; /metrics counts requests, the pool and members", async () => {
    const root = P.tempDir("monitoring")
    const server = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: "memory://" }), root)
    const port = await P.listening(server)
    const token = (await server.waitFor("stdout", curlLine))[1]!

    const ready = await get(port, "/health/ready")
    expect(ready.status).toBe(200)
    const readiness = await ready.json()
    expect(readiness).toMatchObject({
      status: "ready",
      checks: { database: { status: "ok" }, migrations: { status: "ok" } }
    })
    process.stdout.write(`GET /health/ready → ${ready.status}\n${JSON.stringify(readiness, null, 2)}\n`)
    expect((await get(port, "/health/live")).status).toBe(200)
    expect((await get(port, "/health")).status).toBe(200)

    const added = await fetch(`http://127.0.0.1:${port}/organizations/users`, {
      method: "POST",
      headers: { authorization: token, "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@example.com", firstName: "Ada" })
    })
    expect(added.status).toBe(201)
    const { id: userId } = await added.json()
    expect((await get(port, `/organizations/users/${userId}`, token)).status).toBe(200)

    const metrics = await get(port, "/metrics")
    expect(metrics.status).toBe(200)
    expect(metrics.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8")
    const text = await metrics.text()
    process.stdout.write(`GET /metrics → ${metrics.status}\n${text}\n`)
    expect(
      sample(text, "roster_http_request_duration_seconds_count", {
        method: "GET",
        route: "/organizations/users/{userId}",
        status: "200"
      })
    ).toBe(1)
    expect(sample(text, "roster_http_request_duration_seconds_count", { method: "POST", status: "201" })).toBe(1)
    expect(sample(text, "roster_http_requests_in_flight")).toBe(1)
    expect(sample(text, "roster_db_pool_max_connections")).toBe(1)
    expect(sample(text, "roster_db_pool_connections", { state: "idle" })).toBeGreaterThanOrEqual(0)
    expect(sample(text, "roster_db_pool_waiting_queries")).toBe(0)
    // On the public port, members by status only: no organization is named to whoever scrapes it.
    expect(text).not.toContain("organization_id")
    expect(sample(text, "roster_members", { status: "ACTIVE" })).toBe(1)
    expect(sample(text, "roster_members", { status: "TERMINATED" })).toBe(0)
    expect(sample(text, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0)
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0)
    expect(text).not.toMatch(/tot_[0-9A-Za-z]/)
    expect(await server.stop()).toEqual({ code: 0, signal: null })
  })
})

describe("on ROSTER_ADMIN_PORT", () => {
  it("serves health checks and metrics there only; /health stays on both", async () => {
    const root = P.tempDir("admin-port")
    const server = P.startServer(P.env({ PORT: "0", ROSTER_ADMIN_PORT: "0", ROSTER_DATA_DIR: "memory://" }), root)
    const port = await P.listening(server)
    const adminPort = Number((await server.waitFor("stdout", adminLine))[1])
    expect(adminPort).not.toBe(port)

    expect((await get(port, "/health")).status).toBe(200)
    for (const path of ["/health/live", "/health/ready", "/metrics"]) expect((await get(port, path)).status).toBe(404)
    expect((await get(adminPort, "/health")).status).toBe(200)
    expect((await get(adminPort, "/health/live")).status).toBe(200)
    expect((await get(adminPort, "/health/ready")).status).toBe(200)
    const text = await (await get(adminPort, "/metrics")).text()
    expect(sample(text, "roster_http_request_duration_seconds_count", { route: "/health", status: "200" })).toBe(1)
    // The private port names each organization: the first run's, the only one.
    const organizations = new Set([...text.matchAll(/^roster_members\{organization_id="([^"]+)"/gm)].map((m) => m[1]))
    expect(organizations.size).toBe(1)
    const [organizationId] = [...organizations] as [string]
    expect(sample(text, "roster_members", { organization_id: organizationId, status: "ACTIVE" })).toBe(0)
    expect(sample(text, "roster_members", { organization_id: organizationId, status: "TERMINATED" })).toBe(0)
    expect((await get(adminPort, "/organizations/users")).status).toBe(404)
    expect(await server.stop()).toEqual({ code: 0, signal: null })
  })

  it("a ROSTER_ADMIN_PORT in use stops start-up, naming it, and gives the data directory back", async () => {
    const taken = Net.createServer()
    await new Promise<void>((resolve) => taken.listen(0, resolve))
    const busy = (taken.address() as Net.AddressInfo).port
    try {
      const root = P.tempDir("admin-busy")
      const server = P.startServer(
        P.env({ PORT: "0", ROSTER_ADMIN_PORT: String(busy), ROSTER_DATA_DIR: `${root}/data` }),
        root
      )
      const exit = await server.waitExit()
      expect(exit.code, server.describe()).toBe(1)
      expect(server.stderr).toContain(`ROSTER_ADMIN_PORT ${busy} is already in use`)
      // Restarting on the same directory works: nothing held it.
      const again = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: `${root}/data` }), root)
      await P.listening(again)
      expect(await again.stop()).toEqual({ code: 0, signal: null })
    } finally {
      taken.close()
    }
  })

  it.each([
    ["3000", "3000"],
    ["0", "metrics"]
  ])("PORT=%s ROSTER_ADMIN_PORT=%s stops start-up naming ROSTER_ADMIN_PORT", async (portValue, adminValue) => {
    const root = P.tempDir("admin-config")
    const server = P.startServer(
      P.env({ PORT: portValue, ROSTER_ADMIN_PORT: adminValue, ROSTER_DATA_DIR: "memory://" }),
      root
    )
    const exit = await server.waitExit()
    expect(exit.code).toBe(1)
    expect(server.stderr).toContain("ROSTER_ADMIN_PORT: must be a whole number from 0 to 65535, other than PORT")
  })
})

describe.runIf(adminUrl !== undefined)("on a PostgreSQL server", () => {
  it("readiness fails while a migration is missing, or the database refuses connections, and recovers", async () => {
    const database = `roster_test_${Crypto.randomBytes(6).toString("hex")}`
    await admin(adminUrl!, `CREATE DATABASE ${database}`)
    try {
      const url = new URL(adminUrl!)
      url.pathname = `/${database}`
      const root = P.tempDir("ready-pg")
      const server = P.startServer(P.env({ PORT: "0", DATABASE_URL: url.toString() }), root)
      const port = await P.listening(server)
      const readiness = async () => {
        const response = await get(port, "/health/ready")
        return { status: response.status, body: await response.json() }
      }
      expect((await readiness()).status).toBe(200)

      await admin(url.toString(), "DELETE FROM effect_sql_migrations WHERE migration_id = 1")
      const lacking = await readiness()
      expect(lacking.status).toBe(503)
      expect(lacking.body).toMatchObject({
        status: "unavailable",
        checks: { database: { status: "ok" }, migrations: { status: "failing", message: "migration(s) 1 not applied" } }
      })
      await admin(url.toString(), "INSERT INTO effect_sql_migrations (migration_id, name) VALUES (1, 'initial')")
      expect((await readiness()).status).toBe(200)

      // The database stops taking connections, and those the server had are cut.
      await admin(adminUrl!, `ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`)
      await admin(adminUrl!, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`)
      const down = await readiness()
      expect(down.status).toBe(503)
      expect(down.body.checks.database.status).toBe("failing")
      expect(down.body.checks.database.message).toMatch(/not currently accepting connections|terminat/)
      expect((await get(port, "/health/live")).status).toBe(200)
      expect((await get(port, "/health")).status).toBe(200)

      await admin(adminUrl!, `ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`)
      expect((await readiness()).status).toBe(200)
      expect(await server.stop()).toEqual({ code: 0, signal: null })
    } finally {
      await admin(adminUrl!, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    }
  })
})
