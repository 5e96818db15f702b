import * as SqlClient from "@effect/sql/SqlClient"
import { PGlite } from "@electric-sql/pglite"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Zlib from "node:zlib"
import * as Archive from "../src/Archive.js"
import * as Backup from "../src/Backup.js"
import * as Database from "../src/Database.js"
import * as DataDirLock from "../src/DataDirLock.js"
import * as Tar from "../src/internal/tar.js"
import * as Migrations from "../src/Migrations.js"
import * as Migrator from "../src/Migrator.js"
import * as TestDatabase from "./TestDatabase.js"

/** The data directory `dataDir`, open and migrated, with its backups. */
const opened = (dataDir: string) => Migrations.layer.pipe(Layer.provideMerge(Database.layerEmbedded(dataDir)))

const addOrganizations = (names: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    for (const name of names) {
      yield* sql`INSERT INTO organizations ${sql.insert({ id: Crypto.randomUUID(), name, createdAt: new Date() })}`
    }
  })

const organizationsIn = (dataDir: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ name: string }>`SELECT name FROM organizations ORDER BY name`
    return rows.map((row) => row.name)
  }).pipe(Effect.provide(opened(dataDir)))

/** A migrated data directory holding `names`, and a backup of it taken while it was open. */
const seeded = (names: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const dataDir = yield* TestDatabase.tempDataDir
    const archive = yield* Effect.gen(function* () {
      yield* addOrganizations(names)
      return yield* Effect.flatMap(Database.Backups, (backups) => backups.archive)
    }).pipe(Effect.provide(opened(dataDir)))
    return { dataDir, archive }
  })

/** Every name in a directory, and each file's bytes' digest: what "nothing changed" compares. */
const snapshot = (dir: string): Record<string, string> =>
  Object.fromEntries(
    (Fs.readdirSync(dir, { recursive: true }) as Array<string>).sort().map((name) => {
      const file = Path.join(dir, name)
      const digest = Fs.statSync(file).isFile()
        ? Crypto.createHash("sha256").update(Fs.readFileSync(file)).digest("hex")
        : "dir"
      return [name, digest]
    })
  )

const namesIn = (archive: Uint8Array) => Tar.entries(Zlib.gunzipSync(archive)).map((entry) => entry.name)

const siblings = (dataDir: string) => Fs.readdirSync(Path.dirname(dataDir)).sort()

describe("Backups of the embedded database", () => {
  it.effect("the embedded PostgreSQL is the version a backup must hold", () =>
    Effect.promise(async () => {
      const db = await PGlite.create()
      const { rows } = await db.query<{ version: string }>("SELECT current_setting('server_version_num') AS version")
      await db.close()
      assert.strictEqual(String(Math.floor(Number(rows[0]!.version) / 10_000)), Archive.postgresVersion)
    })
  )

  // Live: the transaction really takes its time.
  it.scopedLive(
    "a running database's backup waits for a transaction in flight, and leaves out the lock and the key",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* TestDatabase.tempDataDir
        const archive = yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          Fs.writeFileSync(Path.join(dataDir, DataDirLock.operatorKeyFileName), "rop_secret\n", { mode: 0o600 })
          // A transaction that takes its time: the backup starts while it is open.
          const slow = yield* Effect.fork(
            sql.withTransaction(Effect.zipRight(addOrganizations(["Acme"]), Effect.sleep("300 millis")))
          )
          yield* Effect.sleep("50 millis")
          const archive = yield* Effect.flatMap(Database.Backups, (backups) => backups.archive)
          yield* slow.await
          return archive
        }).pipe(Effect.provide(opened(dataDir)))
        const names = namesIn(archive)
        assert.include(names, "/PG_VERSION")
        assert.notInclude(names, `/${DataDirLock.fileName}`)
        assert.notInclude(names, `/${DataDirLock.operatorKeyFileName}`)

        const restored = Path.join(Path.dirname(dataDir), "restored")
        const result = yield* Backup.restore(restored, archive)
        assert.deepStrictEqual(result, { dataDir: restored, previous: undefined, organizations: 1, memberships: 0 })
        assert.deepStrictEqual(yield* organizationsIn(restored), ["Acme"])
        // Only the restored directory: nothing staged or set aside is left behind.
        assert.deepStrictEqual(siblings(dataDir), ["data", "restored"])
      })
  )

  // Live: the transaction really takes its time.
  it.scopedLive("a running database is restored in place: the lock and key stay, queries wait and go on", () =>
    Effect.gen(function* () {
      const { dataDir, archive } = yield* seeded(["Acme", "Globex"])
      yield* Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        Fs.writeFileSync(Path.join(dataDir, DataDirLock.operatorKeyFileName), "rop_secret\n", { mode: 0o600 })
        const lock = Fs.readFileSync(Path.join(dataDir, DataDirLock.fileName), "utf8")
        yield* sql`DELETE FROM organizations WHERE name = 'Globex'`
        yield* addOrganizations(["Initech"])
        const invalid = yield* Effect.flip(Backup.restoreLive(new Uint8Array([1, 2, 3])))
        assert.strictEqual(invalid._tag, "InvalidBackup")
        // A transaction in flight finishes first; a query sent meanwhile waits and answers after.
        const slow = yield* Effect.fork(
          sql.withTransaction(Effect.zipRight(addOrganizations(["Umbrella"]), Effect.sleep("300 millis")))
        )
        yield* Effect.sleep("50 millis")
        const restoring = yield* Effect.fork(Backup.restoreLive(archive))
        yield* Effect.sleep("20 millis")
        const during = yield* Effect.fork(sql<{ name: string }>`SELECT name FROM organizations ORDER BY name`)
        const restored = yield* Fiber.join(restoring)
        yield* slow.await
        assert.deepStrictEqual(restored, { dataDir, previous: undefined, organizations: 2, memberships: 0 })
        // Queued before or after the swap (the backup loads first): answered either way.
        const seen = (yield* Fiber.join(during)).map((row) => row.name).join()
        assert.oneOf(seen, ["Acme,Globex", "Acme,Initech,Umbrella"])
        const after = yield* sql<{ name: string }>`SELECT name FROM organizations ORDER BY name`
        assert.deepStrictEqual(
          after.map((row) => row.name),
          ["Acme", "Globex"]
        )
        assert.strictEqual(Fs.readFileSync(Path.join(dataDir, DataDirLock.fileName), "utf8"), lock)
        assert.strictEqual(Fs.readFileSync(Path.join(dataDir, DataDirLock.operatorKeyFileName), "utf8"), "rop_secret\n")
        assert.deepStrictEqual(siblings(dataDir), ["data"])
      }).pipe(Effect.provide(opened(dataDir)))
      assert.deepStrictEqual(yield* organizationsIn(dataDir), ["Acme", "Globex"])
    })
  )

  it.scoped("a directory no process holds is backed up under its lock; a directory without a database is not", () =>
    Effect.gen(function* () {
      const { dataDir } = yield* seeded(["Acme", "Globex"])
      const archive = yield* Backup.take(dataDir)
      assert.isFalse(Fs.existsSync(Path.join(dataDir, DataDirLock.fileName)))
      const restored = Path.join(Path.dirname(dataDir), "restored")
      yield* Backup.restore(restored, archive)
      assert.deepStrictEqual(yield* organizationsIn(restored), ["Acme", "Globex"])

      const nowhere = Path.join(Path.dirname(dataDir), "nowhere")
      const error = yield* Effect.flip(Backup.take(nowhere))
      assert.strictEqual(error._tag, "DatabaseUnavailable")
      assert.include(error.message, "there is no embedded database there")
      assert.isFalse(Fs.existsSync(nowhere))
    })
  )

  it.scoped("restoring over a database replaces it, keeping the previous one aside only when asked", () =>
    Effect.gen(function* () {
      const { archive } = yield* seeded(["Acme"])
      const { dataDir } = yield* seeded(["Initech"])
      const kept = yield* Backup.restore(dataDir, archive, { keepPrevious: true })
      assert.match(kept.previous!, /\/data\.before-restore-\d{8}T\d{6}Z$/)
      assert.deepStrictEqual(yield* organizationsIn(dataDir), ["Acme"])
      assert.deepStrictEqual(yield* organizationsIn(kept.previous!), ["Initech"])
      assert.isFalse(Fs.existsSync(Path.join(kept.previous!, DataDirLock.fileName)))

      const replaced = yield* Backup.restore(dataDir, archive)
      assert.isUndefined(replaced.previous)
      assert.deepStrictEqual(siblings(dataDir), ["data", Path.basename(kept.previous!)])
    })
  )

  it.scoped("a file that is not a backup this release restores is refused, and nothing is changed", () =>
    Effect.gen(function* () {
      const { dataDir, archive } = yield* seeded(["Acme"])
      const before = snapshot(dataDir)
      const tarball = Zlib.gunzipSync(archive)
      const version = Tar.entries(tarball).find((entry) => entry.name === "/PG_VERSION")!
      const older = new Uint8Array(tarball)
      older.set(new TextEncoder().encode("17"), version.offset + 512)
      // Whole, but its control file is noise.
      const control = Tar.entries(tarball).find((entry) => entry.name === "/global/pg_control")!
      const corrupted = new Uint8Array(tarball)
      corrupted.set(Crypto.randomBytes(control.size), control.offset + 512)

      const refusals: Array<readonly [Uint8Array, string]> = [
        [new Uint8Array(0), "the file is empty"],
        [Crypto.randomBytes(70_000), "it is not a gzipped tarball of a data directory"],
        [Zlib.gzipSync(Crypto.randomBytes(70_000)), "it is not a gzipped tarball of a data directory"],
        [archive.subarray(0, archive.length / 2), "it is not a whole gzip file"],
        [
          Zlib.gzipSync(tarball.subarray(0, tarball.length / 2)),
          "it is not a whole tar archive: it ends inside an entry"
        ],
        [Zlib.gzipSync(older), "PostgreSQL 17 data directory; this Roster's embedded database is PostgreSQL 18"],
        [Zlib.gzipSync(corrupted), "its database does not open"]
      ]
      for (const [file, reason] of refusals) {
        const error = yield* Effect.flip(Backup.restore(dataDir, file))
        assert.strictEqual(error._tag, "InvalidBackup")
        assert.include(error.message, reason)
        assert.include(error.message, "Nothing was changed")
      }
      assert.deepStrictEqual(snapshot(dataDir), before)
      assert.deepStrictEqual(siblings(dataDir), ["data"])
    })
  )

  it.scoped("a PostgreSQL data directory that is not Roster's, or that a newer Roster migrated, is refused", () =>
    Effect.gen(function* () {
      const { dataDir, archive } = yield* seeded([])
      const plain = yield* Effect.promise(async () => {
        const db = await PGlite.create()
        const dump = await db.dumpDataDir("gzip")
        await db.close()
        return new Uint8Array(await dump.arrayBuffer())
      })
      const target = Path.join(Path.dirname(dataDir), "target")
      const notRoster = yield* Effect.flip(Backup.restore(target, plain))
      assert.include(notRoster.message, "its database is not a Roster database")

      const newer = yield* Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`INSERT INTO ${sql(Migrator.table)} (migration_id, name) VALUES (9999, 'from_the_future')`
        return yield* Effect.flatMap(Database.Backups, (backups) => backups.archive)
      }).pipe(Effect.provide(opened(dataDir)))
      const error = yield* Effect.flip(Backup.restore(target, newer))
      assert.include(error.message, "a newer Roster made it (migration(s) 9999 unknown to this release)")
      assert.isFalse(Fs.existsSync(target))
      assert.deepStrictEqual(siblings(dataDir), ["data"])
      assert.isAbove(archive.length, 0)
    })
  )

  it.scoped("a directory a process holds, or one that holds other files, is not restored into", () =>
    Effect.gen(function* () {
      const { dataDir, archive } = yield* seeded(["Acme"])
      const locked = yield* Effect.flip(Backup.restore(dataDir, archive).pipe(Effect.provide(opened(dataDir))))
      assert.strictEqual(locked._tag, "DataDirectoryLocked")

      const documents = Path.join(Path.dirname(dataDir), "documents")
      Fs.mkdirSync(documents)
      Fs.writeFileSync(Path.join(documents, "letter.txt"), "Dear Ada")
      const error = yield* Effect.flip(Backup.restore(documents, archive))
      assert.include(error.message, "it holds files but no database (letter.txt)")
      assert.deepStrictEqual(Fs.readdirSync(documents), ["letter.txt"])
      assert.deepStrictEqual(siblings(dataDir), ["data", "documents"])
    })
  )
})

describe.runIf(TestDatabase.serverEnabled())("Backups of a PostgreSQL server", () => {
  it.scopedLive("are pg_dump's: the store says so, naming where the server is and never its password", () =>
    Effect.gen(function* () {
      const url = new URL(TestDatabase.serverUrl()!)
      const error = yield* Effect.flip(Backup.current.pipe(Effect.provide(Database.layerServer(url.toString()))))
      assert.strictEqual(error._tag, "BackupUnsupported")
      assert.include(error.message, `the PostgreSQL server at postgres://${url.host}${url.pathname} (DATABASE_URL)`)
      assert.include(error.message, "backed up with pg_dump and restored with pg_restore")
    })
  )
})
