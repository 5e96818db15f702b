import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it, layer } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs"
import * as Path from "node:path"
import pg from "pg"
import * as Configuration from "../src/Configuration.js"
import * as Database from "../src/Database.js"
import * as DataDirLock from "../src/DataDirLock.js"
import * as Migrations from "../src/Migrations.js"
import * as Migrator from "../src/Migrator.js"
import * as TestDatabase from "./TestDatabase.js"

/** Read-modify-write of a counter, `times` times on each of two fibers at once. */
const raceIncrements = (options: { readonly times: number; readonly forUpdate: boolean }) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const table = `counter_${Math.random().toString(36).slice(2, 8)}`
    yield* sql`CREATE TABLE ${sql(table)} (id int PRIMARY KEY, value int NOT NULL)`
    yield* sql`INSERT INTO ${sql(table)} ${sql.insert({ id: 1, value: 0 })}`
    const increment = sql.withTransaction(
      Effect.gen(function* () {
        const [row] = yield* sql<{ value: number }>`SELECT value FROM ${sql(table)} WHERE id = 1 ${
          options.forUpdate ? sql`FOR UPDATE` : sql``
        }`
        // Give the other fiber every chance to run between our read and our write.
        yield* Effect.sleep("1 millis")
        yield* sql`UPDATE ${sql(table)} SET value = ${row!.value + 1} WHERE id = 1`
      })
    )
    yield* Effect.all([Effect.repeatN(increment, options.times - 1), Effect.repeatN(increment, options.times - 1)], {
      concurrency: 2
    })
    const [{ value }] = (yield* sql<{ value: number }>`SELECT value FROM ${sql(table)} WHERE id = 1`) as any
    return value as number
  })

for (const driver of TestDatabase.drivers()) {
  layer(driver.layer(), { excludeTestServices: true, timeout: "2 minutes" })(`Database (${driver.name})`, (it) => {
    it.effect("answers queries, with the migrations applied", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        assert.deepStrictEqual(yield* sql`SELECT 1 AS one`, [{ one: 1 }])
        const applied = yield* sql<{ migrationId: number }>`SELECT migration_id FROM ${sql(Migrator.table)}`
        assert.strictEqual(applied.length, Object.keys(Migrations.all).length)
      })
    )

    it.effect("has pg_trgm", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const [row] = yield* sql<{ similarity: number }>`SELECT similarity('abc', 'abd') AS similarity`
        assert.closeTo(row!.similarity, 1 / 3, 1e-6)
      })
    )

    it.effect("returns count(*) and other int8s as numbers, timestamptz as Date, date as text", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE counted (id int)`
        yield* sql`INSERT INTO counted SELECT generate_series(1, 3)`
        const [row] = yield* sql`
          SELECT count(*) AS total, 9007199254740991::int8 AS largest,
                 '2024-05-06T07:08:09Z'::timestamptz AS at, '2024-05-06'::date AS day
          FROM counted`
        assert.deepStrictEqual(row, {
          total: 3,
          largest: Number.MAX_SAFE_INTEGER,
          at: new Date("2024-05-06T07:08:09Z"),
          day: "2024-05-06"
        })
        // Beyond 2^53 a number would silently lose digits: the query fails instead.
        const error = yield* Effect.flip(sql`SELECT 9007199254740993::int8 AS n`)
        assert.include(String(error.cause), "does not fit a JavaScript number")
      })
    )

    it.effect("speaks snake_case to SQL and camelCase to TypeScript; JSON is kept as given", () =>
      Effect.gen(function* () {
        const sql = yield* PgClient.PgClient
        yield* sql`CREATE TABLE named (user_id int, display_name text, payload jsonb)`
        yield* sql`INSERT INTO named ${sql.insert({ userId: 7, displayName: "Ada", payload: sql.json({ firstName: "Ada", ACTIVE: true }) })}`
        const rows = yield* sql`SELECT * FROM named WHERE ${sql("userId")} = 7`
        assert.deepStrictEqual(rows, [{ userId: 7, displayName: "Ada", payload: { firstName: "Ada", ACTIVE: true } }])
      })
    )

    it.effect("a failing statement fails only itself", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const error = yield* Effect.flip(sql`SELECT * FROM no_such_table`)
        assert.strictEqual(error._tag, "SqlError")
        const rolledBack = yield* Effect.flip(sql.withTransaction(Effect.zipRight(sql`SELECT 1`, sql`SELECT 1/0`)))
        assert.strictEqual(rolledBack._tag, "SqlError")
        assert.deepStrictEqual(yield* sql`SELECT 2 AS two`, [{ two: 2 }])
      })
    )

    it.effect("concurrent read-modify-write transactions with FOR UPDATE lose nothing", () =>
      Effect.gen(function* () {
        assert.strictEqual(yield* raceIncrements({ times: 20, forUpdate: true }), 40)
      })
    )

    if (driver.name === "embedded") {
      it.effect("transactions queue on the single PGlite session: even plain read-modify-writes lose nothing", () =>
        Effect.gen(function* () {
          assert.strictEqual(yield* raceIncrements({ times: 20, forUpdate: false }), 40)
        })
      )
    }
  })
}

describe("Database.layerEmbedded", () => {
  it.scopedLive("keeps its data across close and reopen of the same data directory", () =>
    Effect.gen(function* () {
      const dataDir = yield* TestDatabase.tempDataDir
      const open = Migrator.layer(Migrations.all).pipe(Layer.provideMerge(Database.layerEmbedded(dataDir)))
      yield* Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE kept (note text)`
        yield* sql`INSERT INTO kept VALUES ('still here')`
      }).pipe(Effect.provide(open))
      assert.isFalse(Fs.existsSync(Path.join(dataDir, DataDirLock.fileName)), "the lock is released on close")

      const [rows, applied] = yield* Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        return [yield* sql`SELECT note FROM kept`, yield* Migrator.run(Migrations.all)] as const
      }).pipe(Effect.provide(open))
      assert.deepStrictEqual(rows, [{ note: "still here" }])
      assert.deepStrictEqual(applied, [], "nothing left to migrate")
    })
  )

  it.scopedLive("refuses a data directory that is already open", () =>
    Effect.gen(function* () {
      const dataDir = yield* TestDatabase.tempDataDir
      yield* Layer.build(Database.layerEmbedded(dataDir))
      const error = yield* Effect.flip(Effect.scoped(Layer.build(Database.layerEmbedded(dataDir))))
      assert.strictEqual(error._tag, "DataDirectoryLocked")
      assert.include(
        error.message,
        `The data directory ${dataDir} is in use by another Roster process (pid ${process.pid})`
      )
    })
  )
})

describe("Database.layer, on the database the configuration names", () => {
  const configured = (env: Record<string, string>) =>
    Layer.build(
      Database.layer(
        Either.getOrThrow(
          Configuration.read(Configuration.server, ConfigProvider.fromMap(new Map(Object.entries(env))))
        ).storage.database
      )
    )

  it.scopedLive("opens and locks the data directory ROSTER_DATA_DIR names", () =>
    Effect.gen(function* () {
      const dataDir = yield* TestDatabase.tempDataDir
      yield* configured({ ROSTER_DATA_DIR: dataDir })
      assert.isTrue(Fs.existsSync(Path.join(dataDir, DataDirLock.fileName)))
    })
  )

  it.scopedLive("opens PGlite in memory for ROSTER_DATA_DIR=memory://, with no lock or directory", () =>
    Effect.gen(function* () {
      const sql = yield* configured({ ROSTER_DATA_DIR: "memory://" }).pipe(Effect.map(Context.get(SqlClient.SqlClient)))
      assert.deepStrictEqual(yield* sql`SELECT 1 AS one`, [{ one: 1 }])
      assert.isFalse(Fs.existsSync("memory:"))
    })
  )
})

describe("Database.layerServer", () => {
  it.scopedLive(
    "an unreachable server fails with a message naming DATABASE_URL, host and database, not the password",
    () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(
          Layer.build(Database.layerServer("postgres://roster:s3cret@127.0.0.1:1/roster"))
        )
        assert.strictEqual(error._tag, "DatabaseUnavailable")
        assert.include(error.message, "postgres://127.0.0.1:1/roster (DATABASE_URL)")
        assert.include(error.message, "ECONNREFUSED")
        assert.notInclude(error.message, "s3cret")
      })
  )

  it.scopedLive("a URL that is not a PostgreSQL URL fails naming DATABASE_URL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Layer.build(Database.layerServer("mysql://root:s3cret@db/roster")))
      assert.include(error.message, "DATABASE_URL")
      assert.notInclude(error.message, "s3cret")
    })
  )
})

describe.runIf(TestDatabase.serverEnabled())("Database.layerServer on a server", () => {
  it.scopedLive("a database that does not exist fails with the server's reason", () =>
    Effect.gen(function* () {
      const url = new URL(TestDatabase.serverUrl()!)
      url.password = "s3cret"
      url.pathname = "/roster_no_such_database"
      const error = yield* Effect.flip(Layer.build(Database.layerServer(url.toString())))
      assert.include(error.message, `${url.host}/roster_no_such_database (DATABASE_URL)`)
      assert.include(error.message, `database "roster_no_such_database" does not exist`)
      assert.notInclude(error.message, "s3cret")
    })
  )

  it.scopedLive("TestDatabase.server drops its database afterwards", () =>
    Effect.gen(function* () {
      const name = yield* Effect.scoped(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const [row] = yield* sql<{ name: string }>`SELECT current_database() AS name`
          return row!.name
        }).pipe(Effect.provide(TestDatabase.server()))
      )
      assert.match(name, /^roster_test_[0-9a-f]{12}$/)
      const admin = new pg.Client({ connectionString: TestDatabase.serverUrl() })
      yield* Effect.acquireRelease(
        Effect.promise(() => admin.connect()),
        () => Effect.promise(() => admin.end())
      )
      const { rows } = yield* Effect.promise(() => admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]))
      assert.strictEqual(rows.length, 0)
    })
  )
})
