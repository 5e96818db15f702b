/**
 * The built server's request handling as configured: request ids in answers and logs, the sign-in
 * limit's headers, CORS from ROSTER_CORS_ORIGINS, and (on PostgreSQL, when ROSTER_TEST_DATABASE_URL
 * is set) two server processes sharing one sign-in limit.
 */
import * as Crypto from "node:crypto"
import { afterAll, describe, expect, it } from "vitest"
import { admin, adminUrl } from "./Helpers.js"
import * as P from "./Processes.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

const login = (port: number, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${port}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ email: `nobody-${Crypto.randomUUID()}@example.com`, password: "not the password" })
  })

const jsonLines = (text: string) =>
  P.lines(text).flatMap((line) => {
    try {
      return [JSON.parse(line)]
    } catch {
      return []
    }
  })

describe("as configured", () => {
  it("echoes request ids and logs them, says the sign-in limit, and answers the allowed origin's pages", async () => {
    const root = P.tempDir("requests")
    const origin = "https://app.example.com"
    const server = P.startServer(
      P.env({
        PORT: "0",
        ROSTER_DATA_DIR: "memory://",
        LOG_FORMAT: "json",
        ROSTER_SIGN_IN_LIMIT: "2",
        ROSTER_CORS_ORIGINS: `${origin}, http://localhost:5173`
      }),
      root
    )
    const port = await P.listening(server)

    const first = await login(port, { "x-request-id": "client-req-1", origin })
    expect(first.status).toBe(401)
    expect(first.headers.get("x-request-id")).toBe("client-req-1")
    expect((await first.json()).requestId).toBe("client-req-1")
    expect(first.headers.get("ratelimit-policy")).toBe('"sign-in";q=2;w=60')
    expect(first.headers.get("ratelimit")).toMatch(/^"sign-in";r=1;t=\d+$/)
    expect(first.headers.get("access-control-allow-origin")).toBe(origin)
    expect((await login(port)).status).toBe(401)
    const limited = await login(port)
    expect(limited.status).toBe(429)
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/)
    expect((await limited.json()).errors[0].code).toBe("TOO_MANY_REQUESTS")

    const other = await fetch(`http://127.0.0.1:${port}/health`, { headers: { origin: "https://elsewhere.example" } })
    expect(other.headers.get("access-control-allow-origin")).toBeNull()

    expect(await server.stop()).toEqual({ code: 0, signal: null })
    const entry = jsonLines(server.stdout).find((line) => line.annotations?.requestId === "client-req-1")
    expect(entry).toMatchObject({
      message: "POST /auth/login 401",
      annotations: { route: "/auth/login", status: 401, requestId: "client-req-1", durationMs: expect.any(Number) }
    })
  })

  it.each([["*"], ["https://app.example.com/"], ["app.example.com"]])(
    "ROSTER_CORS_ORIGINS=%s stops start-up, naming it",
    async (value) => {
      const server = P.startServer(
        P.env({ PORT: "0", ROSTER_DATA_DIR: "memory://", ROSTER_CORS_ORIGINS: value }),
        P.tempDir("cors")
      )
      expect((await server.waitExit()).code).toBe(1)
      expect(server.stderr).toContain("ROSTER_CORS_ORIGINS: must be comma-separated origins")
    }
  )
})

describe.runIf(adminUrl !== undefined)("two server processes on one PostgreSQL database", () => {
  it("share the sign-in limit: what one counts, the other refuses", async () => {
    const database = `roster_test_${Crypto.randomBytes(6).toString("hex")}`
    await admin(adminUrl!, `CREATE DATABASE ${database}`)
    try {
      const url = new URL(adminUrl!)
      url.pathname = `/${database}`
      // Servers sharing a database share its key (the limit's keys are digests under it).
      const environment = P.env({
        PORT: "0",
        DATABASE_URL: url.toString(),
        ROSTER_SECRET_KEY: Crypto.randomBytes(32).toString("base64"),
        ROSTER_SIGN_IN_LIMIT: "4"
      })
      const a = P.startServer(environment, P.tempDir("shared-a"))
      const b = P.startServer(environment, P.tempDir("shared-b"))
      const ports = { A: await P.listening(a), B: await P.listening(b) }
      const seen: Array<string> = []
      for (const label of ["A", "B", "A", "B", "A", "B"] as const) {
        const response = await login(ports[label])
        seen.push(
          `server ${label} (pid ${label === "A" ? a.pid : b.pid}): ${response.status} ${response.headers.get("ratelimit")}`
        )
      }
      process.stdout.write(`two server processes, ROSTER_SIGN_IN_LIMIT=4:\n  ${seen.join("\n  ")}\n`)
      expect(seen.map((line) => Number(/: (\d{3}) /.exec(line)![1]))).toEqual([401, 401, 401, 401, 429, 429])
      expect(await a.stop()).toEqual({ code: 0, signal: null })
      expect(await b.stop()).toEqual({ code: 0, signal: null })
    } finally {
      await admin(adminUrl!, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    }
  })
})
