/**
 * What every request gets at the edge of the app: an id (X-Request-Id), the sign-in limit's
 * RateLimit headers, CORS for the origins allowed, compression of large answers.
 */
import { InMemory, Services } from "@roster/domain"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Http from "node:http"
import * as Zlib from "node:zlib"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as TestCrypto from "@roster/crypto/test"
import { App, type Log, Server } from "../src/index.js"
import * as RateLimit from "../src/RateLimit.js"
import * as ContractSchemas from "./ContractSchemas.js"

const validator = ContractSchemas.make()
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const start = async (options: App.Options = {}) => {
  const runtime = ManagedRuntime.make(
    Services.fullLayer.pipe(Layer.provide(Layer.merge(InMemory.layer, TestCrypto.layer)))
  )
  const server = await Server.listen(App.make(runtime, { logger: () => {}, ...options }), {
    port: 0,
    host: "127.0.0.1"
  })
  cleanups.push(
    () => runtime.dispose(),
    () => server.close()
  )
  return server
}

/** A raw exchange through node:http: headers as sent, the body undecoded. */
const raw = (url: string, headers: Record<string, string | Array<string>> = {}, method = "GET") =>
  new Promise<{ status: number; headers: Http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = Http.request(url, { method, headers }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on("error", reject)
    req.end()
  })

let attempt = 0
/** A failed sign-in, each for another email (so that the per-account lock never answers first). */
const failedLogin = (url: string) =>
  fetch(`${url}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `nobody-${++attempt}@example.com`, password: "not a password" })
  })

describe("X-Request-Id", () => {
  it("a valid one is echoed, in the header and in an error's body, and logged", async () => {
    const entries: Array<Log.Entry> = []
    const server = await start({ logger: (entry) => entries.push(entry) })
    for (const id of ["abc", "req-1.2_3:4", "A".repeat(128), "0b7d5a1e-9f55-4d5c-8a4e-0c7a1f3e6b21"]) {
      const response = await fetch(`${server.url}/nowhere`, { headers: { "x-request-id": id } })
      expect(response.headers.get("x-request-id")).toBe(id)
      const body = await response.json()
      validator.assert("ErrorResponse", body)
      expect(body.requestId).toBe(id)
      await vi.waitFor(() =>
        expect(entries.find((entry) => entry.annotations.requestId === id)).toMatchObject({
          message: "GET /nowhere 404",
          annotations: { status: 404, route: "unmatched", fingerprint: body.fingerprint }
        })
      )
    }
  })

  it("an invalid one is replaced, never echoed", async () => {
    const entries: Array<Log.Entry> = []
    const server = await start({ logger: (entry) => entries.push(entry) })
    for (const id of ["A".repeat(129), "has space", "semi;colon", 'quote"d', "tot_" + "A".repeat(52) + "/x", "é"]) {
      const response = await raw(`${server.url}/nowhere`, { "x-request-id": id })
      const given = response.headers["x-request-id"] as string
      expect(given).toMatch(uuid)
      expect(JSON.parse(response.body.toString()).requestId).toBe(given)
    }
    // Given twice, it is two values ("a, b"): not one id.
    const twice = await raw(`${server.url}/health`, { "x-request-id": ["a", "b"] })
    expect(twice.headers["x-request-id"]).toMatch(uuid)
    await vi.waitFor(() => expect(entries).toHaveLength(7))
    expect(JSON.stringify(entries)).not.toContain("has space")
    expect(JSON.stringify(entries)).not.toContain("A".repeat(129))
  })

  it("is made when none is sent: on every answer, success or not, and each its own", async () => {
    const server = await start()
    const first = await fetch(`${server.url}/health`)
    const second = await fetch(`${server.url}/health`)
    expect(first.headers.get("x-request-id")).toMatch(uuid)
    expect(second.headers.get("x-request-id")).toMatch(uuid)
    expect(first.headers.get("x-request-id")).not.toBe(second.headers.get("x-request-id"))
    // A success's body is the contract's, untouched.
    expect(await first.json()).toEqual({ status: "ok" })
    const refused = await fetch(`${server.url}/organizations/users`)
    expect(refused.status).toBe(401)
    expect((await refused.json()).requestId).toBe(refused.headers.get("x-request-id"))
  })

  it("a compatible surface's error keeps its own shape; the id is in its header", async () => {
    const server = await start()
    const response = await fetch(`${server.url}/v1/org/x/users`, { headers: { "x-request-id": "surface-1" } })
    expect(response.headers.get("x-request-id")).toBe("surface-1")
    expect(JSON.stringify(await response.json())).not.toContain("surface-1")
  })
})

describe("RateLimit headers on the sign-in routes", () => {
  it("say the policy and what is left, counting failures; other routes have none", async () => {
    const server = await start({ signInRateLimit: { limit: 3, windowMs: 60_000 } })
    const seen: Array<[number, string | null, string | null]> = []
    for (let i = 0; i < 4; i++) {
      const response = await failedLogin(server.url)
      seen.push([response.status, response.headers.get("ratelimit-policy"), response.headers.get("ratelimit")])
    }
    expect(seen.map(([status]) => status)).toEqual([401, 401, 401, 429])
    for (const [, policy] of seen) expect(policy).toBe('"sign-in";q=3;w=60')
    const remaining = seen.map(([, , limit]) => /^"sign-in";r=(\d+);t=(\d+)$/.exec(limit ?? "")!)
    expect(remaining.map((match) => Number(match[1]))).toEqual([2, 1, 0, 0])
    for (const match of remaining) expect(Number(match[2])).toBeGreaterThan(0)
    const other = await fetch(`${server.url}/me`)
    expect(other.headers.get("ratelimit")).toBeNull()
    expect(other.headers.get("ratelimit-policy")).toBeNull()
  })

  it("a counter that fails lets the request through, and says so in the log", async () => {
    const entries: Array<Log.Entry> = []
    const server = await start({
      logger: (entry) => entries.push(entry),
      signInRateLimit: {
        limit: 1,
        windowMs: 60_000,
        counter: {
          hit: () => Promise.reject(new Error("connection refused")),
          release: () => Promise.resolve()
        }
      }
    })
    for (let i = 0; i < 3; i++) expect((await failedLogin(server.url)).status).toBe(401)
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: "Warning",
        message: "The sign-in limit could not be counted; the request goes on: connection refused"
      })
    )
  })
})

describe("RateLimit.memory", () => {
  it("counts per key and window, takes back from its own window only, and sweeps ended windows", async () => {
    let now = 1_000_000
    const counter = RateLimit.memory(() => now)
    const first = await counter.hit("a", 60_000)
    expect(first).toMatchObject({ count: 1, resetSeconds: 60 })
    expect((await counter.hit("a", 60_000)).count).toBe(2)
    expect((await counter.hit("b", 60_000)).count).toBe(1)
    await counter.release(first)
    now += 30_500
    expect(await counter.hit("a", 60_000)).toMatchObject({ count: 2, resetSeconds: 30 })
    now += 30_000
    const fresh = await counter.hit("a", 60_000)
    expect(fresh.count).toBe(1)
    await counter.release(first)
    expect((await counter.hit("a", 60_000)).count).toBe(2)
  })
})

describe("CORS", () => {
  const origin = "https://app.example.com"

  it("is off by default: no answer lets another origin's page read it", async () => {
    const server = await start()
    const response = await fetch(`${server.url}/health`, { headers: { origin } })
    expect(response.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("an allowed origin may read answers, errors included, and their headers", async () => {
    const server = await start({ corsOrigins: [origin, "http://localhost:5173"] })
    const response = await fetch(`${server.url}/organizations/users`, { headers: { origin } })
    expect(response.status).toBe(401)
    expect(response.headers.get("access-control-allow-origin")).toBe(origin)
    expect(response.headers.get("vary")).toContain("Origin")
    expect(response.headers.get("access-control-expose-headers")).toBe(
      "X-Request-Id,Location,Retry-After,RateLimit,RateLimit-Policy,WWW-Authenticate"
    )
    validator.assert("ErrorResponse", await response.json())
  })

  it("answers an allowed origin's preflight with the methods and headers it may send", async () => {
    const server = await start({ corsOrigins: [origin] })
    const response = await raw(
      `${server.url}/organizations/users`,
      {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type"
      },
      "OPTIONS"
    )
    expect(response.status).toBe(204)
    expect(response.headers["access-control-allow-origin"]).toBe(origin)
    expect(response.headers["access-control-allow-methods"]).toBe("GET,HEAD,POST,PUT,DELETE")
    expect(response.headers["access-control-allow-headers"]).toBe(
      "Authorization,Content-Type,X-Organization-Id,X-Request-Id"
    )
    expect(response.headers["access-control-max-age"]).toBe("600")
  })

  it("another origin gets nothing that lets its page read the answer", async () => {
    const server = await start({ corsOrigins: [origin] })
    for (const other of [
      "https://evil.example.com",
      "https://app.example.com.evil.example",
      "http://app.example.com"
    ]) {
      const response = await fetch(`${server.url}/health`, { headers: { origin: other } })
      expect(response.status).toBe(200)
      expect(response.headers.get("access-control-allow-origin")).toBeNull()
      const preflight = await raw(
        `${server.url}/organizations/users`,
        { origin: other, "access-control-request-method": "POST" },
        "OPTIONS"
      )
      expect(preflight.headers["access-control-allow-origin"]).toBeUndefined()
    }
  })

  it("a plain OPTIONS, from no page, still answers Allow", async () => {
    const server = await start({ corsOrigins: [origin] })
    const response = await raw(`${server.url}/organizations/users`, {}, "OPTIONS")
    expect(response.status).toBe(204)
    expect(response.headers.allow).toBe("GET, HEAD, POST, OPTIONS")
  })
})

describe("compression", () => {
  it("compresses a large answer for a client that accepts it, and says so", async () => {
    const server = await start()
    for (const [encoding, decode] of [
      ["gzip", Zlib.gunzipSync],
      ["br", Zlib.brotliDecompressSync]
    ] as const) {
      const response = await raw(`${server.url}/openapi/roster.json`, { "accept-encoding": encoding })
      expect(response.status).toBe(200)
      expect(response.headers["content-encoding"]).toBe(encoding)
      expect(response.headers.vary).toContain("Accept-Encoding")
      const document = JSON.parse(decode(response.body).toString())
      expect(document.openapi).toBe("3.1.0")
      expect(response.body.length).toBeLessThan(JSON.stringify(document).length / 3)
    }
  })

  it("leaves small answers, and clients that accept none, alone", async () => {
    const server = await start()
    const small = await raw(`${server.url}/health`, { "accept-encoding": "gzip" })
    expect(small.headers["content-encoding"]).toBeUndefined()
    expect(JSON.parse(small.body.toString())).toEqual({ status: "ok" })
    const plain = await raw(`${server.url}/openapi/roster.json`)
    expect(plain.headers["content-encoding"]).toBeUndefined()
    expect(Number(plain.headers["content-length"])).toBe(plain.body.length)
  })
})
