/**
 * Two servers on one database share the sign-in limits: the per-address limit (counted in
 * `request_limits`) and the per-account lock (in `login_throttle`). On PostgreSQL, two apps with a
 * runtime and a pool each on one database, as two processes would be; on PGlite, which one process
 * holds, two apps over one runtime.
 */
import { Services } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import * as Crypto from "node:crypto"
import { afterAll, describe, expect, it } from "vitest"
import * as TestCrypto from "@roster/crypto/test"
import { RequestLimits, SqlIdentity, SqlStore, Store } from "@roster/store"
import * as TestDatabase from "@roster/store/test"
import { App, Server } from "../src/index.js"

const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

type Runtime = ManagedRuntime.ManagedRuntime<any, unknown>

/** Every use case, the request limits and the keyed digest over `storage`, as the server composes them. */
const runtimeOn = (storage: Layer.Layer<any, any>): Runtime =>
  ManagedRuntime.make(
    Services.fullLayer.pipe(Layer.provideMerge(storage), Layer.provideMerge(TestCrypto.layer))
  ) as unknown as Runtime

const serve = async (runtime: Runtime, limit: number | false) => {
  const app = App.make(runtime, {
    logger: () => {},
    signInRateLimit: limit === false ? false : { limit, windowMs: 60_000, counter: RequestLimits.counter(runtime) }
  })
  const server = await Server.listen(app, { port: 0, host: "127.0.0.1" })
  cleanups.push(() => server.close())
  return server
}

const login = async (url: string, email: string) => {
  const response = await fetch(`${url}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "not the password" })
  })
  const body = await response.json()
  return { status: response.status, code: body.errors?.[0]?.code as string, limit: response.headers.get("ratelimit") }
}

const sharedLimitTests = (name: string, servers: () => Promise<readonly [string, string]>) =>
  describe(name, () => {
    it("the per-address limit counts the failures both servers see", async () => {
      const [a, b] = await servers()
      const seen: Array<string> = []
      const attempt = async (label: string, url: string) => {
        const result = await login(url, `nobody-${Crypto.randomUUID()}@example.com`)
        seen.push(`server ${label}: ${result.status} ${result.code} RateLimit: ${result.limit}`)
        return result
      }
      // The limit is 4 a minute for one address: two on each server use it up.
      for (const [label, url] of [
        ["A", a],
        ["B", b],
        ["A", a],
        ["B", b]
      ] as const) {
        expect((await attempt(label, url)).status).toBe(401)
      }
      const fromA = await attempt("A", a)
      const fromB = await attempt("B", b)
      process.stdout.write(`${name}, per-address limit 4/min:\n  ${seen.join("\n  ")}\n`)
      expect([fromA.status, fromA.code]).toEqual([429, "TOO_MANY_REQUESTS"])
      expect([fromB.status, fromB.code]).toEqual([429, "TOO_MANY_REQUESTS"])
      expect(seen.map((line) => /r=(\d+)/.exec(line)![1])).toEqual(["3", "2", "1", "0", "0", "0"])
    })
  })

const sharedLockTests = (name: string, servers: () => Promise<readonly [string, string]>) =>
  describe(name, () => {
    it("the per-account lock counts the failures both servers see", async () => {
      const [a, b] = await servers()
      const email = `target-${Crypto.randomUUID()}@example.com`
      const seen: Array<string> = []
      for (let i = 0; i < 6; i++) {
        const [label, url] = i % 2 === 0 ? (["A", a] as const) : (["B", b] as const)
        const result = await login(url, email)
        seen.push(`server ${label}: ${result.status} ${result.code}`)
      }
      process.stdout.write(`${name}, per-account lock (5 failures):\n  ${seen.join("\n  ")}\n`)
      expect(seen).toEqual([
        "server A: 401 INVALID_CREDENTIALS",
        "server B: 401 INVALID_CREDENTIALS",
        "server A: 401 INVALID_CREDENTIALS",
        "server B: 401 INVALID_CREDENTIALS",
        "server A: 401 INVALID_CREDENTIALS",
        "server B: 429 TOO_MANY_ATTEMPTS"
      ])
      expect((await login(a, email)).status).toBe(429)
    })
  })

/** PGlite: one process holds the database, so both apps go through one runtime (one pool). */
const onPglite = (() => {
  let made: Promise<Runtime> | undefined
  return () =>
    (made ??= (async () => {
      const database = TestDatabase.memory()
      const runtime = runtimeOn(
        Layer.mergeAll(SqlStore.layer, SqlIdentity.layer, RequestLimits.layer).pipe(Layer.provideMerge(database))
      )
      cleanups.push(() => runtime.dispose())
      return runtime
    })())
})()

sharedLimitTests("two apps over one PGlite runtime", async () => {
  const runtime = await onPglite()
  return [(await serve(runtime, 4)).url, (await serve(runtime, 4)).url] as const
})
sharedLockTests("two apps over one PGlite runtime", async () => {
  const runtime = await onPglite()
  return [(await serve(runtime, false)).url, (await serve(runtime, false)).url] as const
})

const adminUrl = TestDatabase.serverUrl()

describe.runIf(adminUrl !== undefined)("on one PostgreSQL database", () => {
  /** Two runtimes, each with its own pool, on one fresh database: what two server processes have. */
  const onServer = (() => {
    let made: Promise<readonly [Runtime, Runtime]> | undefined
    return () =>
      (made ??= (async () => {
        const scope = Effect.runSync(Scope.make())
        cleanups.push(() => Effect.runPromise(Scope.close(scope, Exit.void)))
        const url = await Effect.runPromise(Scope.extend(TestDatabase.serverDatabase(), scope))
        const runtimes = [1, 2].map(() => {
          const runtime = runtimeOn(Store.layer({ _tag: "Server", url }))
          cleanups.push(() => runtime.dispose())
          return runtime
        })
        return [runtimes[0]!, runtimes[1]!] as const
      })())
  })()

  sharedLimitTests("two servers on one PostgreSQL database", async () => {
    const [first, second] = await onServer()
    return [(await serve(first, 4)).url, (await serve(second, 4)).url] as const
  })
  sharedLockTests("two servers on one PostgreSQL database", async () => {
    const [first, second] = await onServer()
    return [(await serve(first, false)).url, (await serve(second, false)).url] as const
  })
})
