/**
 * The SQL client on either driver, one code path: embedded PGlite (the default, in a data
 * directory) or a PostgreSQL server. Both go through `@effect/sql-pg` and node-postgres; PGlite
 * through its node-postgres shim. Queries are written in snake_case and rows arrive in camelCase.
 *
 * On PGlite there is one connection: inside `sql.withTransaction`, a query from a fiber that does
 * not carry the transaction (a daemon fiber, another runtime) waits for it forever. `PgClient`'s
 * `listen`/`notify` open extra connections, which the shim cannot give: use neither there.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { PGlite } from "@electric-sql/pglite"
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm"
import { createPgConfig } from "@electric-sql/pglite/node-postgres"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Str from "effect/String"
import * as Fs from "node:fs"
import * as Path from "node:path"
import pg from "pg"
import * as Archive from "./Archive.js"
import { BackupUnsupported, RestoreFailed } from "./BackupError.js"
import * as DataDirLock from "./DataDirLock.js"
import type * as Location from "./Location.js"
import { isServerUrl, memoryDataDir, serverUrlProblem } from "./Location.js"
import * as Reason from "./internal/reason.js"
import { DatabaseUnavailable, type DataDirectoryLocked } from "./StoreError.js"

/** Which database to open. `Embedded` with a `memory://` data directory is the same as `Memory`. */
export type Options = Location.Options

// Where the data is, said without a driver: declared in `Location`, which the configuration reads.
export { defaultDataDir, isServerUrl, memoryDataDir, serverUrlProblem } from "./Location.js"

/** The services every database layer provides. */
export type Client = PgClient.PgClient | SqlClient.SqlClient

/**
 * Backups of the database a layer opened (`roster db backup`). On PGlite, `archive` is a consistent
 * copy of the whole database (`Archive`): taken while it holds the one connection, so that no
 * transaction is open, after a `CHECKPOINT`. A PostgreSQL server's fails: pg_dump is its tool.
 */
export class Backups extends Context.Tag("@roster/store/Backups")<
  Backups,
  {
    readonly archive: Effect.Effect<Uint8Array, BackupUnsupported | DatabaseUnavailable>
    /** The embedded data directory open here; undefined in memory and on a PostgreSQL server. */
    readonly dataDir: string | undefined
    /**
     * Replaces the open database with the one in `validated` (a sibling directory, loaded and closed
     * cleanly: `Backup.restoreLive`), while the pool's one connection is held: open transactions
     * finish first, new queries wait. The live directory keeps its path, lock and operator key: its
     * contents go aside to `<dataDir>.before-restore-<time>` and `validated`'s take their place;
     * if the new database does not open, the old contents come back and reopen. Answers where the
     * old contents are kept (`keepPrevious`), else removes them.
     */
    readonly replace: (
      validated: string,
      options: { readonly keepPrevious: boolean }
    ) => Effect.Effect<string | undefined, BackupUnsupported | RestoreFailed | DatabaseUnavailable>
  }
>() {}

/** A pool's connections at one moment, as node-postgres counts them. */
export interface PoolStats {
  /** The most connections the pool opens. */
  readonly max: number
  /** Connections open, busy or idle. */
  readonly total: number
  readonly idle: number
  /** Queries waiting for a connection. */
  readonly waiting: number
}

/** The database's connection pool, for metrics. Every database layer provides it beside `Client`. */
export class ConnectionPool extends Context.Tag("@roster/store/ConnectionPool")<
  ConnectionPool,
  { readonly stats: () => PoolStats }
>() {}

const poolOf = (pool: pg.Pool, max: number): ConnectionPool["Type"] =>
  ConnectionPool.of({
    stats: () => ({ max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount })
  })

const int8 = 20
const date = 1082

/**
 * Parsers for both drivers (PGlite's shim honours them too: rows are parsed by node-postgres).
 * `int8` — what `count(*)` and identity columns return — becomes a number instead of a string; a
 * value past 2^53 fails its query rather than lose precision. `date` stays `YYYY-MM-DD`:
 * node-postgres would make it midnight in the process's time zone. `timestamptz` is a `Date`.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (format !== "binary") {
      if (oid === int8) return parseInt8
      if (oid === date) return (value: string) => value
    }
    return pg.types.getTypeParser(oid, format)
  }) as pg.CustomTypesConfig["getTypeParser"]
}

const parseInt8 = (value: string): number => {
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} does not fit a JavaScript number`)
  return parsed
}

const clientOptions = {
  applicationName: "roster",
  transformResultNames: Str.snakeToCamel,
  transformQueryNames: Str.camelToSnake,
  // JSON columns (event payloads) are stored and read as given; only column names change case.
  transformJson: false,
  types
} as const

/** Where a URL points, without its credentials, for messages: `postgres://host:5432/roster`. */
export const describeUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    // `postgres:///roster?host=/var/run/postgresql` names a Unix socket directory instead of a host.
    const host = parsed.host || parsed.searchParams.get("host") || "localhost"
    return `${parsed.protocol}//${host}${parsed.pathname}`
  } catch {
    return "DATABASE_URL"
  }
}

/** Every database layer's services. */
export type Services = Client | ConnectionPool | Backups

const clientContext = (
  client: PgClient.PgClient,
  pool: ConnectionPool["Type"],
  backups: Backups["Type"]
): Context.Context<Services> =>
  Context.make(PgClient.PgClient, client).pipe(
    Context.add(SqlClient.SqlClient, client),
    Context.add(ConnectionPool, pool),
    Context.add(Backups, backups)
  )

/** How Roster opens PGlite, wherever it does (a backup is restored with the same). */
export const pgliteOptions = {
  // Extensions are registered on every open: PGlite does not remember them.
  extensions: { pg_trgm },
  // PGlite's default 128 MB of shared buffers is most of an idle server's memory; one process's
  // embedded database does well with 32 MB (it is PostgreSQL's own default).
  startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"]
}

/** `20261205T103000Z`: a time for a file name. */
export const stampOf = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")

/** `base`, or `base-2`, `base-3`…: the first that does not exist. */
export const unused = (base: string): string => {
  let candidate = base
  for (let n = 2; Fs.existsSync(candidate); n++) candidate = `${base}-${n}`
  return candidate
}

/** What belongs to the process holding a data directory: it stays when the contents are swapped. */
const heldFiles = new Set([DataDirLock.fileName, DataDirLock.operatorKeyFileName])

/** Moves every entry of `from` but the held files into `to` (created), by renames. */
const moveContents = (from: string, to: string) => {
  Fs.mkdirSync(to, { recursive: true, mode: 0o700 })
  for (const name of Fs.readdirSync(from)) {
    if (!heldFiles.has(name)) Fs.renameSync(Path.join(from, name), Path.join(to, name))
  }
}

/** Opens PGlite at `location` and puts a client on it; both are closed with the scope. */
const openPglite = (
  location: string,
  target: string
): Effect.Effect<Context.Context<Services>, DatabaseUnavailable, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function* () {
    const unavailable = (cause: unknown) => new DatabaseUnavailable({ target, reason: Reason.describe(cause) })
    // The open instance: a restore (`replace`) closes it and opens another on the same directory.
    let pglite: PGlite = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => PGlite.create(location, pgliteOptions),
        catch: unavailable
      }),
      (): Effect.Effect<void> =>
        Effect.tryPromise(() => pglite.close()).pipe(
          Effect.catchAll((error) => Effect.logWarning(`Could not close PGlite at ${location}`, error))
        )
    )
    let opened: pg.Pool | undefined
    const client = yield* PgClient.fromPool({
      ...clientOptions,
      acquire: Effect.acquireRelease(
        Effect.sync(() => {
          const pool = new pg.Pool({
            ...createPgConfig(pglite),
            // PGlite is a single session: one connection makes transactions queue, not interleave.
            max: 1,
            // Never retire the connection. The shim shares one connection object among clients, and
            // a retired client's late "end" event would terminate its successor.
            idleTimeoutMillis: 0,
            types
          } as pg.PoolConfig)
          // node-postgres emits an idle client's error on the pool (and drops that client);
          // unhandled, that event would crash the process.
          pool.on("error", () => {})
          opened = pool
          return pool
        }),
        (pool) => Effect.promise(() => pool.end()).pipe(Effect.timeoutOption(Duration.seconds(5)))
      )
    }).pipe(Effect.mapError(unavailable))
    const pool = opened!
    // Holding the pool's one connection, no transaction is open: the files are a committed state.
    const holding = <A, E>(use: (connection: pg.PoolClient) => Effect.Effect<A, E>) =>
      Effect.acquireUseRelease(
        Effect.tryPromise({ try: () => pool.connect(), catch: unavailable }),
        use,
        (connection) => Effect.sync(() => connection.release())
      )
    const archive = holding((connection) =>
      Effect.tryPromise({
        try: async () => {
          await connection.query("CHECKPOINT")
          return new Uint8Array(await (await pglite.dumpDataDir("none")).arrayBuffer())
        },
        catch: unavailable
      })
    ).pipe(Effect.flatMap(Archive.fromDataDir))

    const embedded = !location.startsWith(memoryDataDir)
    const replace: Backups["Type"]["replace"] = (validated, options) =>
      !embedded
        ? Effect.fail(new BackupUnsupported({ database: "a memory:// database" }))
        : Effect.flatMap(Effect.tryPromise({ try: () => pool.connect(), catch: unavailable }), (connection) =>
            Effect.tryPromise({
              try: () => swap(connection, validated, options.keepPrevious),
              catch: (error) =>
                error instanceof RestoreFailed
                  ? error
                  : new RestoreFailed({ dataDir: location, reason: Reason.describe(error) })
            })
          )
    /**
     * Holding `connection`: closes the open instance, swaps the directory's contents, opens the new
     * one (or reopens the old), points the pool at it and destroys the held client, so that the
     * next query opens a connection on the instance now open.
     */
    const swap = async (connection: pg.PoolClient, validated: string, keepPrevious: boolean) => {
      let reopened = false
      const reopen = async () => {
        pglite = await PGlite.create(location, pgliteOptions)
        reopened = true
      }
      try {
        await connection.query("CHECKPOINT")
        await pglite.close()
        const previous = unused(`${location}.before-restore-${stampOf(new Date())}`)
        moveContents(location, previous)
        try {
          moveContents(validated, location)
          Fs.rmSync(validated, { recursive: true, force: true })
          await reopen()
        } catch (error) {
          const why = Reason.describe(error)
          try {
            // Whatever came in goes back; the old contents return and reopen.
            for (const name of Fs.readdirSync(location)) {
              if (!heldFiles.has(name)) Fs.rmSync(Path.join(location, name), { recursive: true, force: true })
            }
            moveContents(previous, location)
            Fs.rmSync(previous, { recursive: true, force: true })
            await reopen()
          } catch (again) {
            throw new RestoreFailed({
              dataDir: location,
              reason: `the restored database did not open (${why}), nor did the previous one again (${Reason.describe(again)}): it is in ${previous}; stop the server and restore it`
            })
          }
          throw new RestoreFailed({
            dataDir: location,
            reason: `the restored database did not open (${why}); the database there is as it was`
          })
        }
        if (!keepPrevious) Fs.rmSync(previous, { recursive: true, force: true })
        return keepPrevious ? previous : undefined
      } catch (error) {
        // Closed before anything moved: reopen it where it is.
        if (!reopened && pglite.closed) await reopen().catch(() => undefined)
        throw error
      } finally {
        // The pool's next connection is on the instance open now; this one is destroyed.
        ;(pool as unknown as { options: { connection: unknown } }).options.connection =
          createPgConfig(pglite).connection
        connection.release(true)
      }
    }
    return clientContext(client, poolOf(pool, 1), {
      archive,
      dataDir: embedded ? location : undefined,
      replace
    })
  })

/** PGlite in memory: nothing is kept, nothing is locked. */
export const layerMemory: Layer.Layer<Services, DatabaseUnavailable> = Layer.scopedContext(
  openPglite(memoryDataDir, memoryDataDir)
).pipe(Layer.provide(Reactivity.layer))

/**
 * PGlite in `dataDir` (created if absent), or in memory for `memory://`. The directory is locked for
 * the life of the layer: taken before PGlite opens, released after it closes.
 */
export const layerEmbedded = (
  dataDir: string,
  /** Where the directory was named, for messages: `ROSTER_DATA_DIR` or `--data-dir`. */
  source = "ROSTER_DATA_DIR"
): Layer.Layer<Services, DataDirectoryLocked | DatabaseUnavailable> => {
  if (dataDir.startsWith(memoryDataDir)) return layerMemory
  const location = Path.resolve(dataDir)
  return Layer.scopedContext(
    // Scope finalizers run in reverse: PGlite closes before the lock is released.
    Effect.zipRight(DataDirLock.acquire(location), openPglite(location, `${location} (${source})`))
  ).pipe(Layer.provide(Reactivity.layer))
}

/** The most connections a server's pool opens. */
export const serverMaxConnections = 10

/**
 * A PostgreSQL server. Connects at once, so a wrong host, database or password stops start-up with
 * a message naming DATABASE_URL and the host and database (never the password). The pool is made
 * here, as `PgClient.make` would make it, so that its counts can be read (`ConnectionPool`).
 */
export const layerServer = (
  url: string,
  /** Where the URL was given, for messages: `DATABASE_URL` or `--database-url`. */
  source = "DATABASE_URL"
): Layer.Layer<Services, DatabaseUnavailable> =>
  Layer.scopedContext(
    Effect.gen(function* () {
      if (!isServerUrl(url)) {
        return yield* new DatabaseUnavailable({ target: source, reason: serverUrlProblem })
      }
      const unavailable = (error: unknown) =>
        new DatabaseUnavailable({ target: `${describeUrl(url)} (${source})`, reason: Reason.describe(error) })
      const connectTimeout = Duration.seconds(10)
      const pool = yield* Effect.acquireRelease(
        Effect.sync(() => {
          const pool = new pg.Pool({
            connectionString: url,
            max: serverMaxConnections,
            idleTimeoutMillis: 60_000,
            connectionTimeoutMillis: Duration.toMillis(connectTimeout),
            application_name: clientOptions.applicationName,
            types
          } as pg.PoolConfig)
          // An idle connection's error (the server restarted) is emitted on the pool: unhandled, it
          // would crash the process; the pool drops that connection.
          pool.on("error", () => {})
          return pool
        }),
        (pool) => Effect.promise(() => pool.end()).pipe(Effect.timeoutOption(Duration.seconds(5)))
      )
      yield* Effect.tryPromise({ try: () => pool.query("SELECT 1"), catch: unavailable }).pipe(
        Effect.timeoutFail({
          duration: connectTimeout,
          onTimeout: () => unavailable(new Error("connection timed out"))
        })
      )
      const client = yield* PgClient.fromPool({ ...clientOptions, acquire: Effect.succeed(pool) }).pipe(
        Effect.mapError(unavailable)
      )
      const unsupported = Effect.fail(
        new BackupUnsupported({ database: `the PostgreSQL server at ${describeUrl(url)} (${source})` })
      )
      return clientContext(client, poolOf(pool, serverMaxConnections), {
        archive: unsupported,
        dataDir: undefined,
        replace: () => unsupported
      })
    })
  ).pipe(Layer.provide(Reactivity.layer))

/** The database `options` name. */
export const layer = (options: Options): Layer.Layer<Services, DataDirectoryLocked | DatabaseUnavailable> => {
  switch (options._tag) {
    case "Embedded":
      return layerEmbedded(options.dataDir, options.source)
    case "Memory":
      return layerMemory
    case "Server":
      return layerServer(options.url, options.source)
  }
}
