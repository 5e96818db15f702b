/** What the HTTP suite cannot reach on a healthy store: failures of the server itself, and logging. */
import { Actor, InMemory, Platform, Services, TokenRepository } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Http from "node:http"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as TestCrypto from "@roster/crypto/test"
import { App, ErrorResponse, type Route, Server } from "../src/index.js"
import * as ContractSchemas from "./ContractSchemas.js"
import * as Upload from "./Upload.js"

const validator = ContractSchemas.make()
const someToken = "tot_" + "A".repeat(52)

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Every use case over `ports`, with real (cheap) crypto. */
const useCases = <E>(ports: Layer.Layer<InMemory.Ports, E>) =>
  Services.fullLayer.pipe(Layer.provide(Layer.merge(ports, TestCrypto.layer)))

const start = async <E>(layer: Layer.Layer<Route.UseCases, E>, options: App.Options = {}) => {
  const runtime = ManagedRuntime.make(layer)
  const server = await Server.listen(App.make(runtime, options), { port: 0, host: "127.0.0.1" })
  cleanups.push(
    () => runtime.dispose(),
    () => server.close()
  )
  return server
}

/** In-memory storage whose token look-up fails as a lost database connection would. */
const brokenStore = Layer.merge(
  InMemory.layer,
  Layer.succeed(
    TokenRepository,
    TokenRepository.of({
      insert: () => Effect.void,
      use: () => Effect.die(new Error("connect ECONNREFUSED 10.1.2.3:5432 (password=hunter2)")),
      findById: () => Effect.dieMessage("unused"),
      list: () => Effect.dieMessage("unused"),
      page: () => Effect.dieMessage("unused"),
      update: () => Effect.dieMessage("unused")
    })
  )
)

describe("App", () => {
  it("a defect is 500 INTERNAL: nothing of it in the response, all of it (with the fingerprint) in the log", async () => {
    const logs: Array<any> = []
    const server = await start(useCases(brokenStore), { logger: (entry) => logs.push(entry) })
    const response = await fetch(`${server.url}/organizations/users`, { headers: { authorization: someToken } })
    expect(response.status).toBe(500)
    expect(response.headers.get("content-type")).toBe("application/json")
    const body = await response.json()
    validator.assert("ErrorResponse", body)
    expect(body.errors).toEqual([{ code: "INTERNAL", message: expect.stringContaining(body.fingerprint) }])
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|hunter2|Error/)
    const entry = logs.find((e) => e.annotations.fingerprint === body.fingerprint)
    expect(entry).toMatchObject({ level: "Error", annotations: { status: 500, errorCodes: ["INTERNAL"] } })
    expect(entry.annotations.cause).toContain("ECONNREFUSED 10.1.2.3")
    expect(JSON.stringify(logs)).not.toContain(someToken)
  })

  it("a runtime whose layer fails to build answers 500 INTERNAL", async () => {
    const server = await start(Layer.fail("no database") as Layer.Layer<Route.UseCases, string>, {
      logger: () => {}
    })
    const response = await fetch(`${server.url}/organizations/users`, { headers: { authorization: someToken } })
    expect(response.status).toBe(500)
    const body = await response.json()
    validator.assert("ErrorResponse", body)
    expect(body.errors[0].code).toBe("INTERNAL")
    expect(JSON.stringify(body)).not.toContain("no database")
    // Routes that need no storage still answer.
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
  })

  it("logs through the runtime's Effect logger by default, one entry per request", async () => {
    const entries: Array<{ level: string; message: string; annotations: Record<string, unknown> }> = []
    const capture = Logger.make(({ logLevel, message, annotations }) =>
      entries.push({
        level: logLevel.label,
        message: String(Array.isArray(message) ? message[0] : message),
        annotations: Object.fromEntries(HashMap.toEntries(annotations))
      })
    )
    const server = await start(Layer.merge(useCases(InMemory.layer), Logger.replace(Logger.defaultLogger, capture)))
    const response = await fetch(`${server.url}/nowhere`, { headers: { authorization: someToken } })
    const body = await response.json()
    // The entry is written after the response is sent; wait for it rather than for a fixed time.
    await vi.waitFor(() =>
      expect(entries).toContainEqual({
        level: "INFO",
        message: "GET /nowhere 404",
        annotations: expect.objectContaining({ status: 404, fingerprint: body.fingerprint, errorCodes: ["NOT_FOUND"] })
      })
    )
    expect(JSON.stringify(entries)).not.toContain(someToken)
  })

  it("trusts no proxy headers unless told to", async () => {
    const app = App.make(ManagedRuntime.make(useCases(InMemory.layer)))
    expect(app.get("trust proxy")).toBe(false)
    expect(app.get("x-powered-by")).toBe(false)
  })
})

describe("the sign-in rate limit", () => {
  let attempt = 0
  /** A failed sign-in, each for another email (so that the per-email lock never answers first). */
  const login = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ email: `nobody-${++attempt}@example.com`, password: "not a password" })
    })

  it("answers 429 TOO_MANY_REQUESTS with Retry-After once one address passes the limit; other routes go on", async () => {
    const server = await start(useCases(InMemory.layer), { signInRateLimit: { limit: 3, windowMs: 60_000 } })
    for (let i = 0; i < 3; i++) expect((await login(server.url)).status).toBe(401)
    const limited = await login(server.url)
    expect(limited.status).toBe(429)
    expect(limited.headers.get("content-type")).toBe("application/json")
    const retryAfter = Number(limited.headers.get("retry-after"))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    const body = await limited.json()
    validator.assert("ErrorResponse", body)
    expect(body.errors[0]).toMatchObject({ code: "TOO_MANY_REQUESTS" })
    expect(body.errors[0].message).toMatch(/^Too many sign-in requests from your address; try again in \d+ seconds$/)
    // The other sign-in routes share the count; the rest of the API is not limited.
    const link = await fetch(`${server.url}/auth/magic-link`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "mlt_x" })
    })
    expect(link.status).toBe(429)
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    expect((await fetch(`${server.url}/me`)).status).toBe(401)
  })

  it("counts failures only: people who sign in are never held up", async () => {
    const runtime = ManagedRuntime.make(useCases(InMemory.layer))
    const server = await Server.listen(App.make(runtime, { signInRateLimit: { limit: 2, windowMs: 60_000 } }), {
      port: 0,
      host: "127.0.0.1"
    })
    cleanups.push(
      () => runtime.dispose(),
      () => server.close()
    )
    const password = "a passphrase to sign in with"
    await runtime.runPromise(
      Effect.flatMap(Platform, (platform) =>
        platform.bootstrapAdmin(Actor.operator, { email: "root@example.com" as any, password: password as any })
      )
    )
    const signIn = () =>
      fetch(`${server.url}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "root@example.com", password })
      })
    for (let i = 0; i < 5; i++) expect((await signIn()).status).toBe(200)
    expect((await login(server.url)).status).toBe(401)
    expect((await login(server.url)).status).toBe(401)
    expect((await login(server.url)).status).toBe(429)
  })

  it("counts each address apart (behind a trusted proxy, the forwarded one)", async () => {
    const server = await start(useCases(InMemory.layer), {
      signInRateLimit: { limit: 1, windowMs: 60_000 },
      trustProxy: true
    })
    expect((await login(server.url, { "x-forwarded-for": "203.0.113.1" })).status).toBe(401)
    expect((await login(server.url, { "x-forwarded-for": "203.0.113.1" })).status).toBe(429)
    expect((await login(server.url, { "x-forwarded-for": "203.0.113.2" })).status).toBe(401)
  })

  it("is off with signInRateLimit: false", async () => {
    const server = await start(useCases(InMemory.layer), { signInRateLimit: false })
    for (let i = 0; i < 40; i++) expect((await login(server.url)).status).toBe(401)
  })
})

describe("a body over the limit", () => {
  const twoMegabytes = 2 * 1024 * 1024

  /** The hardening headers every answer carries. */
  const expectHardened = (headers: Headers | Http.IncomingHttpHeaders) => {
    const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name])
    expect(get("content-type")).toBe("application/json")
    expect(get("x-content-type-options")).toBe("nosniff")
    expect(get("content-security-policy")).toContain("default-src 'none'")
    expect(get("strict-transport-security")).toContain("max-age=")
    expect(get("cache-control")).toBe("no-store")
  }

  const expectTooLarge = (body: any) => {
    validator.assert("ErrorResponse", body)
    expect(body.errors).toEqual([
      { code: "PAYLOAD_TOO_LARGE", message: "The request body is larger than the 1 MB limit" }
    ])
  }

  it("a 2 MB body sent with fetch is 413 PAYLOAD_TOO_LARGE as JSON, with the hardening headers", async () => {
    const server = await start(useCases(InMemory.layer), { logger: () => {} })
    const response = await fetch(`${server.url}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@example.com", password: "x".repeat(twoMegabytes) })
    })
    expect(response.status).toBe(413)
    expectHardened(response.headers)
    expectTooLarge(await response.json())
  })

  // With a Content-Length over the limit the 413 comes at once, after the first chunk; chunked, the
  // body parser reads the body to its end before answering.
  for (const [name, headers, answeredAfter] of [
    [
      "a client still sending its 2 MB body when the 413 comes sends it all, then reads the 413",
      { "content-length": twoMegabytes },
      1
    ],
    ["…also when it asked to close the connection", { "content-length": twoMegabytes, connection: "close" }, 1],
    ["a 2 MB chunked body is answered 413 once it is in", {}, undefined],
    ["…also when the client asked to close the connection", { connection: "close" }, undefined]
  ] as const) {
    it(name, async () => {
      const server = await start(useCases(InMemory.layer), { logger: () => {} })
      // One connection, kept alive if the server keeps it.
      const agent = new Http.Agent({ keepAlive: true, maxSockets: 1 })
      cleanups.push(async () => agent.destroy())
      const reply = await Upload.send({
        url: `${server.url}/auth/login`,
        headers: { "content-type": "application/json", ...headers },
        agent,
        bytes: twoMegabytes,
        ...(answeredAfter === undefined ? {} : { answeredAfter })
      })
      expect(reply.status).toBe(413)
      expectHardened(reply.headers)
      expectTooLarge(JSON.parse(reply.text))
      // Whether the connection went on or closed, the next request is answered.
      const next = await new Promise<number>((resolve, reject) =>
        Http.get(`${server.url}/health`, { agent }, (response) => {
          response.resume()
          resolve(response.statusCode!)
        }).on("error", reject)
      )
      expect(next).toBe(200)
    })
  }
})

describe("ErrorResponse", () => {
  it("maps every error to the status the design gives its code", () => {
    const byCode = Object.fromEntries(
      Object.entries(ErrorResponse.codes).map(([tag, code]) => [
        code,
        ErrorResponse.statuses[tag as keyof typeof ErrorResponse.statuses]
      ])
    )
    expect(byCode).toMatchObject({
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      VALIDATION_FAILED: 400,
      USER_NOT_FOUND: 404,
      ROLE_NOT_FOUND: 400,
      NOT_FOUND: 404,
      METHOD_NOT_ALLOWED: 405,
      INVALID_STATUS_TRANSITION: 409,
      LAST_MANAGER: 409,
      ALREADY_MEMBER: 409,
      ROLE_ESCALATION: 403,
      OUTRANKED: 403,
      TOKEN_NOT_FOUND: 404,
      PAYLOAD_TOO_LARGE: 413
    })
  })
})
