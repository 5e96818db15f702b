/**
 * Fresh, migrated databases for tests, on both drivers; exported as `@roster/store/test` so every
 * package's tests share them. Each layer makes its own database and removes it when it closes.
 *
 * The PostgreSQL server suite runs when `ROSTER_TEST_DATABASE_URL` names an admin connection
 * (e.g. `postgres://postgres@127.0.0.1:5432/postgres`). Under `CI` it must run: an unset variable
 * throws, and an unreachable server fails the tests instead of skipping them.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { PGlite } from "@electric-sql/pglite"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as ChildProcess from "node:child_process"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Os from "node:os"
import * as Path from "node:path"
import pg from "pg"
import type { InMemory } from "@roster/domain"
import * as Database from "../src/Database.js"
import type { MigrationFailed } from "../src/MigrationError.js"
import * as Migrations from "../src/Migrations.js"
import * as Migrator from "../src/Migrator.js"
import * as SqlIdentity from "../src/SqlIdentity.js"
import * as SqlStore from "../src/SqlStore.js"
import { DatabaseUnavailable, type DataDirectoryLocked } from "../src/StoreError.js"

export interface Options {
  /** Defaults to the store's own schema, `Migrations.all`. */
  readonly migrations?: Migrator.Migrations | undefined
}

export type Failure = DataDirectoryLocked | DatabaseUnavailable | MigrationFailed

/** What an opened test database provides: the client, and its pool's counts. */
export type Opened = Database.Client | Database.ConnectionPool

/** `database` with `migrations` applied before anything uses it. */
const migrated = <E>(database: Layer.Layer<Opened, E>, options: Options): Layer.Layer<Opened, E | MigrationFailed> =>
  Migrator.layer(options.migrations ?? Migrations.all).pipe(Layer.provideMerge(database))

/**
 * A fresh embedded data directory, `<temp>/data`, holding a pristine (not yet migrated) cluster;
 * removed when the scope closes. For tests that open, close and reopen PGlite themselves, or run
 * an app with `--data-dir`.
 */
export const tempDataDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => freshDataDir()),
  (root) => Effect.sync(() => Fs.rmSync(root, { recursive: true, force: true }))
).pipe(Effect.map((root) => Path.join(root, "data")))

/**
 * Like `tempDataDir`, but the cluster in it already has the store's schema (`Migrations.all`): a
 * copy of one migrated once per process, since migrating costs more than copying.
 */
const tempMigratedDataDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => migratedCluster().then(freshDataDir)),
  (root) => Effect.sync(() => Fs.rmSync(root, { recursive: true, force: true }))
).pipe(Effect.map((root) => Path.join(root, "data")))

/**
 * PGlite in a fresh temporary data directory (so the lock and the file system are exercised as in
 * production), removed when the layer closes.
 */
export const embeddedTemp = (options: Options = {}): Layer.Layer<Opened, Failure> =>
  Layer.scopedContext(
    Effect.gen(function* () {
      // With the store's own schema, start from a migrated copy; the migrator then finds nothing to do.
      const dataDir = yield* options.migrations === undefined ? tempMigratedDataDir : tempDataDir
      // Built in this scope after the directory, so it closes (PGlite, then the lock) before removal.
      return yield* Layer.build(migrated(Database.layerEmbedded(dataDir), options))
    })
  )

/** PGlite in memory: the cheapest database for a test that does not care about files. */
export const memory = (options: Options = {}): Layer.Layer<Opened, DatabaseUnavailable | MigrationFailed> =>
  migrated(Database.layerMemory, options)

/**
 * A fresh database `roster_test_<random>` on the server at `url` (default
 * `ROSTER_TEST_DATABASE_URL`), created through that admin connection and dropped, with any
 * connection still open to it, when the layer closes.
 */
export const server = (options: Options & { readonly url?: string | undefined } = {}): Layer.Layer<Opened, Failure> =>
  Layer.scopedContext(
    Effect.gen(function* () {
      const url = yield* serverDatabase(options.url)
      return yield* Layer.build(migrated(Database.layerServer(url), options))
    })
  )

/**
 * A fresh, empty database on the server at `adminUrl` (default `ROSTER_TEST_DATABASE_URL`): its
 * URL, for tests that open it more than once, as several servers would. Dropped, with any
 * connection still open to it, when the scope closes.
 */
export const serverDatabase = (
  adminUrl: string | undefined = serverUrl()
): Effect.Effect<string, DatabaseUnavailable, Scope.Scope> =>
  Effect.gen(function* () {
    if (adminUrl === undefined) {
      return yield* new DatabaseUnavailable({ target: "ROSTER_TEST_DATABASE_URL", reason: "it is not set" })
    }
    const name = `roster_test_${Crypto.randomBytes(6).toString("hex")}`
    yield* Effect.acquireRelease(admin(adminUrl, `CREATE DATABASE ${name}`), () =>
      // A database left behind is a failure too, so this one is loud.
      admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).pipe(Effect.orDie)
    )
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    return url.toString()
  })

/** Runs one statement on its own admin connection (CREATE/DROP DATABASE cannot run in a transaction). */
const admin = (url: string, statement: string): Effect.Effect<void, DatabaseUnavailable> =>
  Effect.tryPromise({
    try: async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
      client.on("error", () => {})
      try {
        await client.connect()
        await client.query(statement)
      } finally {
        await client.end().catch(() => {})
      }
    },
    catch: (cause) =>
      new DatabaseUnavailable({
        target: `${Database.describeUrl(url)} (ROSTER_TEST_DATABASE_URL)`,
        reason: cause instanceof Error && cause.message !== "" ? cause.message : String(cause)
      })
  })

const isSet = (value: string | undefined) =>
  value !== undefined && !["", "0", "false"].includes(value.trim().toLowerCase())

/**
 * The server suite's admin URL, or `undefined` to skip that suite. Throws under `CI` when it is not
 * set: CI must not pass by silently skipping PostgreSQL.
 */
export const serverUrl = (): string | undefined => {
  const url = process.env.ROSTER_TEST_DATABASE_URL?.trim()
  if (url) return url
  if (isSet(process.env.CI)) {
    throw new Error(
      "CI is set but ROSTER_TEST_DATABASE_URL is not: the PostgreSQL suite must run in CI. Set it to an admin connection, e.g. ROSTER_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres"
    )
  }
  return undefined
}

/** Whether the PostgreSQL server suite runs (see `serverUrl`). */
export const serverEnabled = (): boolean => serverUrl() !== undefined

/**
 * Every domain port, wired as `Store.layer` wires them, on `database` (one of the layers above):
 * what an app gets, on a test database. The client stays in the context too, for `empty`.
 */
export const ports = <E>(database: Layer.Layer<Database.Client, E>): Layer.Layer<InMemory.Ports | Database.Client, E> =>
  Layer.mergeAll(SqlStore.layer, SqlIdentity.layer).pipe(Layer.provideMerge(database))

/**
 * Deletes every row of every table but the migrations' own: the database is as freshly migrated,
 * for a fraction of the cost of a new one (about a second on PGlite). Tables go after the tables
 * that reference them, so no foreign key objects. (`TRUNCATE` is slower on small tables: it
 * replaces the files of every table and index.)
 */
export const empty: Effect.Effect<void, SqlError, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ readonly name: string }>`
    SELECT tablename AS name FROM pg_tables
    WHERE schemaname = current_schema() AND tablename <> ${Migrator.table}`
  const references = yield* sql<{ readonly from: string; readonly to: string }>`
    SELECT conrelid::regclass::text AS from, confrelid::regclass::text AS to FROM pg_constraint
    WHERE contype = 'f' AND conrelid <> confrelid`
  const remaining = new Set(tables.map((t) => t.name))
  while (remaining.size > 0) {
    // The tables no remaining table references.
    const free = [...remaining].filter((name) => !references.some((r) => r.to === name && remaining.has(r.from)))
    if (free.length === 0) return yield* Effect.dieMessage(`A cycle of foreign keys among ${[...remaining]}`)
    for (const name of free) {
      yield* sql`DELETE FROM ${sql(name)}`
      remaining.delete(name)
    }
  }
})

/**
 * Every row of every table of the schema (the migrations' own included), each as PostgreSQL's text
 * of the whole row, prefixed by its table: what a test searches for data that must be gone.
 */
export const dump: Effect.Effect<ReadonlyArray<string>, SqlError, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ readonly name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`
  const rows: Array<string> = []
  for (const { name } of tables) {
    const found = yield* sql<{ readonly row: string }>`SELECT t::text AS row FROM ${sql(name)} t`
    for (const { row } of found) rows.push(`${name}: ${row}`)
  }
  return rows
})

/** A driver a suite runs against. */
export interface Driver {
  readonly name: "embedded" | "server"
  readonly layer: (options?: Options) => Layer.Layer<Opened, Failure>
}

/**
 * The drivers to run a suite against: embedded always, the server when enabled. Write the suite
 * once: `for (const driver of TestDatabase.drivers()) describe(driver.name, () => …)`.
 */
export const drivers = (): ReadonlyArray<Driver> => [
  { name: "embedded", layer: embeddedTemp },
  ...(serverEnabled() ? [{ name: "server" as const, layer: (options?: Options) => server(options) }] : [])
]

/**
 * A new temporary root with a cluster in `data`, copied from `template`. Running initdb costs
 * seconds, so a pristine cluster is made once per PGlite version into the OS temp directory.
 */
const freshDataDir = async (template?: string): Promise<string> => {
  template ??= await pristineCluster()
  const root = Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-test-"))
  copyDirectory(template, Path.join(root, "data"))
  return root
}

/** `cp -R` where there is one: about ten times faster than `fs.cpSync` on a cluster's ~1000 files. */
const copyDirectory = (from: string, to: string) => {
  if (process.platform !== "win32" && ChildProcess.spawnSync("cp", ["-R", from, to]).status === 0) return
  Fs.rmSync(to, { recursive: true, force: true })
  Fs.cpSync(from, to, { recursive: true })
}

let migrated_: Promise<string> | undefined

const migratedPrefix = "roster-pglite-migrated-"

/**
 * A cluster with `Migrations.all` applied, made once per process (the schema is this process's),
 * in `<temp>/roster-pglite-migrated-<pid>-…`. A test runner may kill its workers before they can
 * clean up, so each new one also removes those of processes that are gone.
 */
const migratedCluster = (): Promise<string> => {
  migrated_ ??= (async () => {
    removeOrphanedClusters()
    const root = Fs.mkdtempSync(Path.join(Os.tmpdir(), `${migratedPrefix}${process.pid}-`))
    process.once("exit", () => Fs.rmSync(root, { recursive: true, force: true }))
    const dataDir = Path.join(root, "data")
    copyDirectory(await pristineCluster(), dataDir)
    await Effect.runPromise(Effect.scoped(Layer.build(migrated(Database.layerEmbedded(dataDir), {}))))
    return dataDir
  })().catch((error) => {
    migrated_ = undefined
    throw error
  })
  return migrated_
}

const removeOrphanedClusters = () => {
  const pattern = new RegExp(`^${migratedPrefix}(\\d+)-`)
  for (const name of Fs.readdirSync(Os.tmpdir())) {
    const pid = pattern.exec(name)?.[1]
    if (pid !== undefined && !isAlive(Number(pid))) {
      Fs.rmSync(Path.join(Os.tmpdir(), name), { recursive: true, force: true })
    }
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, as someone else's.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const pristineCluster = async (): Promise<string> => {
  const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite")
  const version = Crypto.createHash("sha256").update(Fs.realpathSync(pglite)).digest("hex").slice(0, 12)
  const template = Path.join(Os.tmpdir(), `roster-pglite-template-${version}`)
  if (Fs.existsSync(template)) return template
  // Built aside and renamed into place, so a template that exists is complete, even when several
  // test processes build one at once (the first rename wins; the others discard theirs).
  const build = Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-pglite-build-"))
  try {
    const db = await PGlite.create(Path.join(build, "data"))
    await db.close()
    try {
      Fs.renameSync(Path.join(build, "data"), template)
    } catch (error) {
      if (!Fs.existsSync(template)) throw error
    }
  } finally {
    Fs.rmSync(build, { recursive: true, force: true })
  }
  return template
}
