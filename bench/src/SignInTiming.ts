/**
 * `signin-timing`: whether a refused sign-in takes longer for an email that has an account than for
 * one that has none. Either difference tells an attacker which emails are members.
 *
 * The real HTTP app, with real cryptography (argon2id at its production parameters), on PGlite in a
 * temporary data directory and, when `ROSTER_TEST_DATABASE_URL` is set, on a scratch PostgreSQL
 * database. Each sample pair is one `POST /auth/login` with an existing email and a wrong password
 * and one with an unknown email, in random order, from one client, one after another; each existing
 * email is tried once (a sixth failure would be refused by the lock, a different path).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Crypto from "@roster/crypto"
import { Actor, Organizations, Services, UserInput, Users, randomUuid } from "@roster/domain"
import { App, Server } from "@roster/http"
import * as TestDatabase from "@roster/store/test"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { randomBytes } from "node:crypto"
import { median, percentile, rankSumZ } from "./Statistics.js"

export interface Options {
  /** Timed pairs per storage. */
  readonly samples: number
  /** Untimed pairs first: the JIT, the connection, the database's caches. */
  readonly warmup: number
}

export interface Result {
  readonly storage: string
  /** Milliseconds per refusal, in the order taken. */
  readonly known: ReadonlyArray<number>
  readonly unknown: ReadonlyArray<number>
}

/** What the samples say: medians, p90s, and the rank-sum z of known against unknown. */
export const summarize = (result: Result) => ({
  storage: result.storage,
  samples: Math.min(result.known.length, result.unknown.length),
  knownMedian: median(result.known),
  unknownMedian: median(result.unknown),
  knownP90: percentile(result.known, 90),
  unknownP90: percentile(result.unknown, 90),
  z: rankSumZ(result.known, result.unknown)
})

/** Beyond this |z|, the two kinds of refusal are told apart: the benchmark fails. */
export const zLimit = 3

const decodeAddUser = Schema.decodeUnknownSync(UserInput.AddUser)

const wrongPassword = "not the password at all"

/** The storages to run on: PGlite always, PostgreSQL when the tests' server variable is set. */
export const storages = (): ReadonlyArray<{ readonly name: string; readonly driver: TestDatabase.Driver }> =>
  TestDatabase.drivers().map((driver) => ({
    name: driver.name === "embedded" ? "PGlite (embedded)" : "PostgreSQL (server)",
    driver
  }))

/** Runs the benchmark on one storage; returns the timings and the database's version. */
export const run = async (
  storage: { readonly name: string; readonly driver: TestDatabase.Driver },
  options: Options
): Promise<Result & { readonly version: string }> => {
  const key = Redacted.make(new Uint8Array(randomBytes(32)))
  const runtime = ManagedRuntime.make(
    Services.fullLayer.pipe(
      Layer.provideMerge(Layer.merge(TestDatabase.ports(storage.driver.layer()), Crypto.layer({ _tag: "Given", key })))
    )
  )
  try {
    await runtime.runtime()
    const server = await Server.listen(
      App.make(runtime, { logger: () => {}, signInRateLimit: false, publicUrl: "http://127.0.0.1" }),
      { port: 0, host: "127.0.0.1" }
    )
    try {
      const version = await runtime.runPromise(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ readonly version: string }>`SELECT version()`)
      )
      const tag = randomUuid().slice(0, 8)
      const pairs = options.warmup + options.samples
      const { organization } = await runtime.runPromise(
        Effect.flatMap(Organizations, (organizations) => organizations.create(Actor.operator, `Bench ${tag}`))
      )
      const access = { actor: Actor.operator, organizationId: organization.id }
      const members = Array.from({ length: pairs }, (_, i) => `member-${i}-${tag}@example.com`)
      await runtime.runPromise(
        Effect.flatMap(Users, (users) =>
          Effect.forEach(
            members,
            (email) => users.add(access, decodeAddUser({ email, password: `password of ${email}` })),
            { concurrency: 2, discard: true }
          )
        )
      )

      const refuse = async (email: string): Promise<number> => {
        const start = performance.now()
        const response = await fetch(`${server.url}/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password: wrongPassword })
        })
        const body = await response.text()
        const elapsed = performance.now() - start
        if (response.status !== 401) throw new Error(`expected 401 for ${email}, got ${response.status}: ${body}`)
        return elapsed
      }

      const known: Array<number> = []
      const unknown: Array<number> = []
      for (let i = 0; i < pairs; i++) {
        const member = members[i]!
        const stranger = `stranger-${i}-${tag}@example.com`
        // Random order within the pair, so that neither kind always follows the other.
        const knownFirst = Math.random() < 0.5
        const first = await refuse(knownFirst ? member : stranger)
        const second = await refuse(knownFirst ? stranger : member)
        if (i < options.warmup) continue
        known.push(knownFirst ? first : second)
        unknown.push(knownFirst ? second : first)
      }
      return { storage: storage.name, version: version[0]!.version.split(" on ")[0]!, known, unknown }
    } finally {
      await server.close()
    }
  } finally {
    await runtime.dispose()
  }
}
