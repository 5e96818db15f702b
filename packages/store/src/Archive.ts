/**
 * A backup of the embedded database: PGlite's data directory as a gzipped tarball, as PGlite's own
 * `dumpDataDir` makes it (`tar tzf` lists it), without what belongs to the process that held the
 * directory: its lock and its operator key. Reading one checks that it is whole (every header's
 * checksum, every entry's length) and holds a data directory of the PostgreSQL this Roster embeds,
 * before anything is opened or touched. Nothing here loads PGlite.
 */
import * as Effect from "effect/Effect"
import { promisify } from "node:util"
import * as Zlib from "node:zlib"
import { InvalidBackup } from "./BackupError.js"
import * as DataDirLock from "./DataDirLock.js"
import * as Reason from "./internal/reason.js"
import * as Tar from "./internal/tar.js"

/**
 * The PostgreSQL major version of the embedded database (PGlite 0.5: PostgreSQL 18). A data
 * directory opens only in the major version that wrote it; a test holds this to PGlite's own.
 */
export const postgresVersion = "18"

/** What a backup's file name usually ends with. */
export const extension = ".tar.gz"

/** The archive's media type, as the operator channel sends it. */
export const contentType = "application/gzip"

/** Files of a data directory that belong to the process holding it, never to its data. */
const transient = new Set([DataDirLock.fileName, DataDirLock.operatorKeyFileName])

/** An entry's path inside the data directory: PGlite's start with "/", tar's own with "./" or nothing. */
const pathOf = (entry: Tar.Entry): string => entry.name.replace(/^\.?\/+/, "").replace(/\/+$/, "")

const gzip = promisify(Zlib.gzip)
const gunzip = promisify(Zlib.gunzip)

const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b

/** A backup of the data directory PGlite archived as `tarball` (`dumpDataDir("none")`). */
export const fromDataDir = (tarball: Uint8Array): Effect.Effect<Uint8Array> =>
  Effect.promise(async () => {
    const data = Tar.without(tarball, (entry) => transient.has(pathOf(entry)))
    return new Uint8Array(await gzip(data))
  })

/** A backup that was read whole and holds a data directory this Roster's PostgreSQL opens. */
export interface Checked {
  /** The data directory as an uncompressed tarball, as PGlite loads it. */
  readonly tarball: Uint8Array
  /** Files and directories in it. */
  readonly entries: number
}

/** Reads `file` as a backup; `InvalidBackup` says why it is not one. */
export const check = (file: Uint8Array): Effect.Effect<Checked, InvalidBackup> =>
  Effect.gen(function* () {
    const invalid = (reason: string) => new InvalidBackup({ reason })
    if (file.length === 0) return yield* invalid("the file is empty")
    const tarball = isGzip(file)
      ? yield* Effect.tryPromise({
          try: async () => new Uint8Array(await gunzip(file)),
          catch: (error) =>
            invalid(`it is not a whole gzip file (${error instanceof Error ? error.message : String(error)})`)
        })
      : file
    if (!Tar.begins(tarball)) return yield* invalid("it is not a gzipped tarball of a data directory")
    const all = yield* Effect.try({
      try: () => Tar.entries(tarball),
      catch: (error) => invalid(`it is not a whole tar archive: ${Reason.describe(error)}`)
    })
    const byPath = new Map(all.map((entry) => [pathOf(entry), entry]))
    const outside = all.find((entry) => pathOf(entry).split("/").includes(".."))
    if (outside !== undefined) return yield* invalid(`it names a file outside the data directory (${outside.name})`)
    const version = byPath.get("PG_VERSION")
    if (version === undefined || version.type !== "0") {
      return yield* invalid("it holds no PostgreSQL data directory (no PG_VERSION at its top)")
    }
    const found = new TextDecoder().decode(Tar.data(tarball, version)).trim()
    if (found !== postgresVersion) {
      return yield* invalid(
        `it holds a PostgreSQL ${found || "(unknown)"} data directory; this Roster's embedded database is PostgreSQL ${postgresVersion}`
      )
    }
    for (const required of ["global/pg_control", "base"]) {
      if (!byPath.has(required)) return yield* invalid(`its data directory has no ${required}`)
    }
    const isTransient = (entry: Tar.Entry) => transient.has(pathOf(entry))
    return { tarball: Tar.without(tarball, isTransient), entries: all.filter((entry) => !isTransient(entry)).length }
  })
