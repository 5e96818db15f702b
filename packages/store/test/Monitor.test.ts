/** What operators watch of the database: readiness, the pool, members by status; on both drivers. */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import { assert, describe, it, layer } from "@effect/vitest"
import { Actor, Organizations, Services, type UserInput, Users } from "@roster/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Net from "node:net"
import pg from "pg"
import * as Database from "../src/Database.js"
import * as Migrations from "../src/Migrations.js"
import * as Monitor from "../src/Monitor.js"
import * as TestDatabase from "./TestDatabase.js"

const monitored = (database: Layer.Layer<TestDatabase.Opened, TestDatabase.Failure>) =>
  Layer.mergeAll(Monitor.layer, Services.layer.pipe(Layer.provide(TestDatabase.ports(database)))).pipe(
    Layer.provideMerge(database)
  )

for (const driver of TestDatabase.drivers()) {
  layer(monitored(driver.layer()), { excludeTestServices: true, timeout: "2 minutes" })(
    `Monitor (${driver.name})`,
    (it) => {
      it.effect("a migrated database that answers is ready", () =>
        Effect.gen(function* () {
          const readiness = yield* (yield* Monitor.Monitor).readiness
          assert.isTrue(readiness.ready)
          assert.strictEqual(readiness.checks.database.status, "ok")
          assert.strictEqual(readiness.checks.migrations.status, "ok")
          assert.isAtLeast(readiness.checks.database.durationMs, 0)
        })
      )

      it.effect("a migration this release knows but the database lacks, or one it does not know, fails readiness", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const ahead = yield* Monitor.make({ ...Migrations.all, "9998_not_yet": Effect.void })
          const lacking = yield* ahead.readiness
          assert.isFalse(lacking.ready)
          assert.strictEqual(lacking.checks.database.status, "ok")
          assert.deepInclude(lacking.checks.migrations, { status: "failing", message: "migration(s) 9998 not applied" })

          yield* sql`INSERT INTO effect_sql_migrations (migration_id, name) VALUES (9999, 'from_the_future')`
          const newer = yield* (yield* Monitor.Monitor).readiness
          yield* sql`DELETE FROM effect_sql_migrations WHERE migration_id = 9999`
          assert.isFalse(newer.ready)
          assert.match(newer.checks.migrations.message ?? "", /9999 unknown to this release/)
        })
      )

      it.effect("counts every organization's members in every status, zeros included", () =>
        Effect.gen(function* () {
          const { organization } = yield* (yield* Organizations).create(Actor.operator, `Counted ${Date.now()}`)
          const access = { actor: Actor.operator, organizationId: organization.id }
          const users = yield* Users
          const add = (email: string, status: "ACTIVE" | "INACTIVE") =>
            users.add(access, { email, status } as UserInput.AddUser)
          yield* add("a@example.com", "ACTIVE")
          yield* add("b@example.com", "INACTIVE")
          const c = yield* add("c@example.com", "ACTIVE")
          yield* users.terminate(access, c.user.id)
          // A fresh Monitor: the layer's counts may be cached from another test.
          const counts = yield* (yield* Monitor.make()).memberCounts
          const mine = Object.fromEntries(
            counts.filter((row) => row.organizationId === organization.id).map((row) => [row.status, row.count])
          )
          assert.deepStrictEqual(mine, { ACTIVE: 1, INACTIVE: 1, TERMINATED: 1, REMOVED: 0, FORGOTTEN: 0 })
        })
      )

      it.effect("reads the pool's counts", () =>
        Effect.gen(function* () {
          const stats = (yield* Monitor.Monitor).pool()
          assert.strictEqual(stats.max, driver.name === "server" ? Database.serverMaxConnections : 1)
          assert.isAtLeast(stats.total, 1)
          assert.isAtMost(stats.idle, stats.total)
          assert.strictEqual(stats.waiting, 0)
        })
      )
    }
  )
}

/** A client on a pool whose server is `url`, made without the connect check start-up does. */
const clientOn = (url: string) =>
  Layer.scopedContext(
    Effect.gen(function* () {
      const pool = yield* Effect.acquireRelease(
        Effect.sync(() => {
          const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 10_000 })
          pool.on("error", () => {})
          return pool
        }),
        (pool) => Effect.promise(() => pool.end()).pipe(Effect.timeoutOption(1000))
      )
      const client = yield* PgClient.fromPool({ acquire: Effect.succeed(pool) })
      return Context.make(SqlClient.SqlClient, client).pipe(
        Context.add(Database.ConnectionPool, { stats: () => ({ max: 10, total: 0, idle: 0, waiting: 0 }) })
      )
    })
  ).pipe(Layer.provide(Reactivity.layer))

describe("Monitor on a database that does not answer", () => {
  it.scopedLive("a refused connection fails readiness, saying why, without failing itself", () =>
    Effect.gen(function* () {
      const monitor = yield* Monitor.make().pipe(
        Effect.provide(yield* Layer.build(clientOn("postgres://roster:s3cret@127.0.0.1:1/roster")))
      )
      const readiness = yield* monitor.readiness
      assert.isFalse(readiness.ready)
      assert.strictEqual(readiness.checks.database.status, "failing")
      assert.include(readiness.checks.database.message, "ECONNREFUSED")
      assert.notInclude(JSON.stringify(readiness), "s3cret")
      assert.strictEqual(readiness.checks.migrations.status, "failing")
    })
  )

  it.scopedLive("a database that never answers fails readiness after the check's timeout", () =>
    Effect.gen(function* () {
      // Accepts connections and says nothing.
      const sockets = new Set<Net.Socket>()
      const silent = yield* Effect.acquireRelease(
        Effect.async<Net.Server>((resume) => {
          const server = Net.createServer((socket) => sockets.add(socket))
          server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
        }),
        (server) =>
          Effect.async<void>((resume) => {
            server.close(() => resume(Effect.void))
            for (const socket of sockets) socket.destroy()
          })
      )
      const { port } = silent.address() as Net.AddressInfo
      const monitor = yield* Monitor.make().pipe(
        Effect.provide(yield* Layer.build(clientOn(`postgres://roster@127.0.0.1:${port}/roster`)))
      )
      const started = Date.now()
      const readiness = yield* monitor.readiness
      assert.isFalse(readiness.ready)
      assert.deepInclude(readiness.checks.database, { status: "failing", message: "no answer within 2s" })
      assert.isBelow(Date.now() - started, 6_000)
    })
  )
})
