/**
 * Backing up and restoring an embedded data directory that no process holds (`roster db backup`
 * and `roster db restore` when no server runs on it). A running server takes its own backups
 * (`Database.Backups`, through its operator channel) and restores them (`restoreLive`): the
 * backup is checked and loaded beside the directory exactly as here, then swapped in under the
 * server's pool's one connection.
 *
 * A restore never changes the data directory until the backup has been read whole, loaded into a
 * sibling directory and opened there as a Roster database this release knows. Only then, under the
 * directory's lock, is the old directory renamed aside (`<dataDir>.before-restore-<time>`) and the
 * new one renamed into its place; the old one is removed once that has succeeded, unless asked to
 * keep it.
 */
import { PGlite } from "@electric-sql/pglite"
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Archive from "./Archive.js"
import { BackupUnsupported, InvalidBackup, RestoreFailed } from "./BackupError.js"
import * as Database from "./Database.js"
import * as DataDirLock from "./DataDirLock.js"
import * as Reason from "./internal/reason.js"
import * as Migrations from "./Migrations.js"
import { table as migrationsTable } from "./Migrator.js"
import { DatabaseUnavailable, DataDirectoryLocked } from "./StoreError.js"

const holdsDatabase = (dir: string) => Fs.existsSync(Path.join(dir, "PG_VERSION"))

/** A consistent backup of the database open here: a server's, taken while it serves. */
export const current: Effect.Effect<Uint8Array, BackupUnsupported | DatabaseUnavailable, Database.Backups> =
  Effect.flatMap(Database.Backups, (backups) => backups.archive)

/** A consistent backup of the database in `dataDir`, opened under its lock and closed again. */
export const take = (
  dataDir: string,
  /** Where the directory was named, for messages: `ROSTER_DATA_DIR` or `--data-dir`. */
  source = "ROSTER_DATA_DIR"
): Effect.Effect<Uint8Array, DataDirectoryLocked | DatabaseUnavailable | BackupUnsupported> => {
  const location = Path.resolve(dataDir)
  // Never open it: that would create an empty database and back that up.
  if (!holdsDatabase(location)) {
    return Effect.fail(
      new DatabaseUnavailable({ target: `${location} (${source})`, reason: "there is no embedded database there" })
    )
  }
  return current.pipe(Effect.provide(Database.layerEmbedded(location, source)))
}

/** What a restore did. */
export interface Restored {
  readonly dataDir: string
  /** Where the database it replaced is kept (asked to keep it); undefined when removed or when there was none. */
  readonly previous: string | undefined
  /** What the restored database holds. */
  readonly organizations: number
  readonly memberships: number
}

const { stampOf, unused } = Database

const removeDir = (dir: string) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))

const knownMigrations = new Set(Object.keys(Migrations.all).map((key) => Number(key.split("_", 1)[0])))

interface Contents {
  readonly organizations: number
  readonly memberships: number
}

/** What a loaded database holds, or why it is not one to restore (a reason for `InvalidBackup`). */
const contents = async (db: PGlite, live: boolean): Promise<Contents | string> => {
  const present = await db.query<{ found: boolean }>(
    `SELECT to_regclass('public.${migrationsTable}') IS NOT NULL AS found`
  )
  if (present.rows[0]?.found !== true) return "its database is not a Roster database"
  const applied = await db.query<{ id: number }>(`SELECT migration_id AS id FROM ${migrationsTable}`)
  const unknown = applied.rows.map((row) => row.id).filter((id) => !knownMigrations.has(id))
  if (unknown.length > 0) {
    return `a newer Roster made it (migration(s) ${unknown.join(", ")} unknown to this release): restore it with that release`
  }
  // A running server migrates nothing after start: an earlier release's backup waits for one.
  const missing = [...knownMigrations].filter((id) => !applied.rows.some((row) => row.id === id))
  if (live && missing.length > 0) {
    return "an earlier Roster made it, and a running server does not migrate it: stop the server, restore it, then start the server (which migrates it)"
  }
  const counts = await db.query<Contents>(
    "SELECT (SELECT count(*) FROM organizations)::int AS organizations, (SELECT count(*) FROM memberships)::int AS memberships"
  )
  return counts.rows[0]!
}

/**
 * Loads `checked` into `staging` (a new directory) and opens it: a Roster database this release
 * knows, or `InvalidBackup`. Closed again (cleanly, so that it opens without recovery) either way.
 */
const load = (staging: string, checked: Archive.Checked, live = false) =>
  Effect.acquireUseRelease(
    Effect.tryPromise({
      try: () =>
        PGlite.create(staging, {
          ...Database.pgliteOptions,
          // A copy: a Blob takes bytes of an ArrayBuffer of their own.
          loadDataDir: new Blob([new Uint8Array(checked.tarball)], { type: "application/x-tar" })
        }),
      catch: (error) => new InvalidBackup({ reason: `its database does not open (${Reason.describe(error)})` })
    }),
    (db) =>
      Effect.tryPromise({
        try: () => contents(db, live),
        catch: (error) => new InvalidBackup({ reason: `its database cannot be read (${Reason.describe(error)})` })
      }).pipe(
        Effect.filterOrFail(
          (found): found is Contents => typeof found !== "string",
          (reason) => new InvalidBackup({ reason })
        )
      ),
    (db) => Effect.promise(() => db.close()).pipe(Effect.ignore)
  )

/**
 * Replaces the database in `dataDir` (created when absent) with the backup `file`. Fails, having
 * changed nothing, when `file` is not a backup this release restores (`InvalidBackup`), when a
 * process holds the directory (`DataDirectoryLocked`), or when `dataDir` is a directory that holds
 * something else than a database.
 */
export const restore = (
  dataDir: string,
  file: Uint8Array,
  options: { readonly keepPrevious?: boolean; readonly source?: string } = {}
): Effect.Effect<Restored, InvalidBackup | DataDirectoryLocked | DatabaseUnavailable | RestoreFailed> =>
  Effect.scoped(
    Effect.gen(function* () {
      const checked = yield* Archive.check(file)
      const location = Path.resolve(dataDir)
      const target = `${location} (${options.source ?? "ROSTER_DATA_DIR"})`
      const holder = DataDirLock.server(location)
      if (holder !== undefined) return yield* new DataDirectoryLocked({ dataDir: location, pid: holder.pid })
      const others =
        Fs.existsSync(location) && !holdsDatabase(location)
          ? Fs.readdirSync(location).filter((name) => name !== DataDirLock.fileName)
          : []
      if (others.length > 0) {
        return yield* new DatabaseUnavailable({
          target,
          reason: `it holds files but no database (${others.slice(0, 3).join(", ")}${others.length > 3 ? ", …" : ""}): restore into a data directory, or a new or empty directory`
        })
      }

      const stamp = stampOf(new Date())
      yield* Effect.try({
        try: () => Fs.mkdirSync(Path.dirname(location), { recursive: true }),
        catch: (error) => new DatabaseUnavailable({ target, reason: Reason.describe(error) })
      })
      const staging = `${location}.restoring-${stamp}-${Crypto.randomBytes(3).toString("hex")}`
      const found = yield* load(staging, checked).pipe(Effect.tapError(() => removeDir(staging)))

      // From here on the directory is ours: no server or CLI opens it while it is swapped.
      const existed = Fs.existsSync(location)
      yield* DataDirLock.acquire(location).pipe(Effect.tapError(() => removeDir(staging)))
      const hadDatabase = holdsDatabase(location)
      // The restored directory is as open to others as the one it replaces (or only ours, when new).
      Fs.chmodSync(staging, existed ? Fs.statSync(location).mode & 0o777 : 0o700)
      const previous = unused(`${location}.before-restore-${stamp}`)
      yield* Effect.try({
        try: () => Fs.renameSync(location, previous),
        catch: (error) =>
          new RestoreFailed({
            dataDir: location,
            reason: `cannot move the current directory aside (${Reason.describe(error)}); nothing was changed`
          })
      }).pipe(Effect.tapError(() => removeDir(staging)))
      yield* Effect.try({
        try: () => Fs.renameSync(staging, location),
        catch: (error) => {
          const why = Reason.describe(error)
          try {
            Fs.renameSync(previous, location)
            Fs.rmSync(staging, { recursive: true, force: true })
            return new RestoreFailed({
              dataDir: location,
              reason: `cannot move the restored database into place (${why}); the database there is as it was`
            })
          } catch {
            return new RestoreFailed({
              dataDir: location,
              reason: `cannot move the restored database into place (${why}): the previous database is in ${previous}, the restored one in ${staging}`
            })
          }
        }
      })
      // Our lock went aside with the old directory: it locks nothing there.
      Fs.rmSync(Path.join(previous, DataDirLock.fileName), { force: true })
      const keep = hadDatabase && options.keepPrevious === true
      if (!keep) yield* removeDir(previous)
      return { dataDir: location, previous: keep ? previous : undefined, ...found }
    })
  )

/**
 * Replaces the database this process holds open (a running server's) with the backup `file`: read
 * and checked, loaded and opened beside the data directory as `restore` does, then swapped in by
 * `Database.Backups.replace` while queries wait. Fails, having changed nothing, when `file` is not a
 * backup this release restores (`InvalidBackup`).
 */
export const restoreLive = (
  file: Uint8Array,
  options: { readonly keepPrevious?: boolean } = {}
): Effect.Effect<Restored, InvalidBackup | BackupUnsupported | DatabaseUnavailable | RestoreFailed, Database.Backups> =>
  Effect.gen(function* () {
    const backups = yield* Database.Backups
    const checked = yield* Archive.check(file)
    const location = backups.dataDir
    if (location === undefined) {
      return yield* new BackupUnsupported({
        database: "the database this server holds (not an embedded data directory)"
      })
    }
    const staging = `${location}.restoring-${stampOf(new Date())}-${Crypto.randomBytes(3).toString("hex")}`
    const found = yield* load(staging, checked, true).pipe(Effect.tapError(() => removeDir(staging)))
    const previous = yield* backups
      .replace(staging, { keepPrevious: options.keepPrevious === true })
      .pipe(Effect.ensuring(removeDir(staging)))
    return { dataDir: location, previous, ...found }
  })
