/**
 * `roster db backup FILE` and `roster db restore FILE`: the embedded database, copied whole into a
 * file and back. A backup goes through the server that holds the data directory when one runs (its
 * operator channel sends the archive), else it opens the directory itself; either way FILE is
 * written through a temporary file beside it, mode 0600 (it holds password hashes and personal
 * data), and an existing FILE is replaced only with `--force`. A restore too goes through the
 * running server (its operator channel swaps its database while requests wait), else it replaces
 * the directory itself. A PostgreSQL
 * server is backed up with its own tools (pg_dump, pg_restore), which the refusal names.
 */
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { CliError } from "./CliError.js"
import type { Database, Environment } from "./Connection.js"
import * as ExitCode from "./ExitCode.js"
import type { Storage } from "./Io.js"
import type { CommandLine, Output } from "./Plan.js"
import * as Remote from "./Remote.js"

/** What a restore did, as the store reports it. */
export interface Restored {
  readonly dataDir: string
  /** Where the database it replaced is kept (`--keep-previous`); undefined when removed, or when there was none. */
  readonly previous: string | undefined
  readonly organizations: number
  readonly memberships: number
}

/**
 * The embedded database's files on this machine, when no server holds them: what the app gives
 * (`Io.embedded`), loaded only for these commands. Failures are the store's (`InvalidBackup`,
 * `DataDirectoryLocked`, …).
 */
export interface Files {
  /** Reads `archive` as a backup, touching nothing: fails with `InvalidBackup` saying why it is not one. */
  readonly check: (archive: Uint8Array) => Effect.Effect<unknown, unknown>
  /** A consistent backup of the database in `dataDir`, opened under its lock. */
  readonly backup: (dataDir: string, source: string) => Effect.Effect<Uint8Array, unknown>
  /** Replaces the database in `dataDir` with the backup `archive`. */
  readonly restore: (
    dataDir: string,
    archive: Uint8Array,
    options: { readonly keepPrevious: boolean; readonly source: string }
  ) => Effect.Effect<Restored, unknown>
}

/** A `roster db` command, parsed. */
export interface Request {
  readonly command: "backup" | "restore"
  readonly file: string
  readonly storage: Storage
  /** `--force`, `--yes`, `--keep-previous`, and the terminal to ask on. */
  readonly line: CommandLine
}

const fail = (code: string, reason: string, exitCode: number) => Effect.fail(new CliError({ code, reason, exitCode }))

/** The embedded data directory the command names, or why there is none to back up. */
const embeddedDir = (request: Request, environment: Environment) =>
  Effect.gen(function* () {
    const database: Database = yield* Effect.try({
      try: () => environment.database(request.storage),
      catch: (error) => error
    })
    const tool = request.command === "backup" ? "pg_dump" : "pg_restore"
    switch (database._tag) {
      case "Server":
        return yield* fail(
          "BACKUP_UNSUPPORTED",
          `roster db ${request.command} works on the embedded database; a PostgreSQL server (--database-url, DATABASE_URL) is backed up with pg_dump and restored with pg_restore: see "Backups" in Roster's README (e.g. ${tool === "pg_dump" ? "pg_dump --format=custom --file=roster.dump $DATABASE_URL" : "pg_restore --clean --if-exists --dbname=$DATABASE_URL roster.dump"})`,
          ExitCode.usage
        )
      case "Memory":
        return yield* fail(
          "BACKUP_UNSUPPORTED",
          `roster db ${request.command} works on an embedded data directory; a memory:// database keeps nothing`,
          ExitCode.usage
        )
      case "Embedded":
        return Path.resolve(database.dataDir)
    }
  })

/** Where the data directory was named, for the store's messages. */
const sourceOf = (storage: Storage) => (storage.dataDir === undefined ? "ROSTER_DATA_DIR" : "--data-dir")

const filesOf = (files: (() => Promise<Files>) | undefined) =>
  files === undefined
    ? fail("BACKUP_UNSUPPORTED", "this roster cannot open an embedded database", ExitCode.unexpected)
    : Effect.promise(files)

/** The store's refusal of a file, as the command line reports bad input. */
const invalidBackup = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "InvalidBackup"
    ? new CliError({ code: "INVALID_BACKUP", reason: (error as Error).message, exitCode: ExitCode.usage })
    : error

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`

export const run = (
  request: Request,
  environment: Environment,
  files: (() => Promise<Files>) | undefined
): Effect.Effect<Output, unknown> => (request.command === "backup" ? backup : restore)(request, environment, files)

const backup = (request: Request, environment: Environment, files: (() => Promise<Files>) | undefined) =>
  Effect.gen(function* () {
    const dataDir = yield* embeddedDir(request, environment)
    const file = Path.resolve(request.file)
    const force = request.line.flag("force")
    const existing = statOf(file)
    if (existing?.isDirectory() === true) {
      return yield* fail("USAGE", `${request.file} is a directory: name the backup file to write`, ExitCode.usage)
    }
    if (existing !== undefined && !force) {
      return yield* fail("FILE_EXISTS", `${request.file} exists: pass --force to replace it`, ExitCode.conflict)
    }
    if (statOf(Path.dirname(file))?.isDirectory() !== true) {
      return yield* fail(
        "USAGE",
        `cannot write ${request.file}: there is no directory ${Path.dirname(file)}`,
        ExitCode.usage
      )
    }
    const server = environment.server(dataDir)
    let through: string
    let bytes: number
    if (server?.url !== undefined) {
      if (server.operatorKey === undefined) {
        return yield* fail(
          "DATA_DIRECTORY_LOCKED",
          `The data directory ${dataDir} is in use by the Roster server at ${server.url} (pid ${server.pid}), whose operator key this user cannot read: run roster db backup as the user who runs the server`,
          ExitCode.unexpected
        )
      }
      bytes = yield* fromServer(server.url, server.operatorKey, environment.fetch, file, force, request.file)
      through = server.url
    } else {
      const archive = yield* Effect.flatMap(filesOf(files), (local) => local.backup(dataDir, sourceOf(request.storage)))
      bytes = yield* writeFile(file, force, request.file, single(archive))
      through = "the database"
    }
    return {
      json: { file, bytes, dataDir, through },
      text: () =>
        `Backed up the embedded database in ${dataDir} to ${file} (${size(bytes)})${
          through === "the database" ? "" : `, through the server at ${through}`
        }.`
    } satisfies Output
  })

const restore = (request: Request, environment: Environment, files: (() => Promise<Files>) | undefined) =>
  Effect.gen(function* () {
    const dataDir = yield* embeddedDir(request, environment)
    const { line } = request
    const ask = !line.flag("yes")
    // Asked only once the command line is right; off a terminal nobody can answer.
    if (ask && line.terminal?.interactive !== true) {
      return yield* fail(
        "CONFIRMATION_REQUIRED",
        `db restore replaces the database in ${dataDir}, and nobody can answer here (not a terminal): pass --yes to go ahead`,
        ExitCode.usage
      )
    }
    const file = Path.resolve(request.file)
    const archive = yield* Effect.try({
      try: () => new Uint8Array(Fs.readFileSync(file)),
      catch: (error) =>
        errorCode(error) === "ENOENT"
          ? new CliError({
              code: "FILE_NOT_FOUND",
              reason: `${request.file} does not exist`,
              exitCode: ExitCode.notFound
            })
          : new CliError({
              code: "USAGE",
              reason: `cannot read ${request.file}: ${(error as Error).message}`,
              exitCode: ExitCode.usage
            })
    })
    const local = yield* filesOf(files)
    // The file first: a file that is no backup is refused whatever else holds.
    yield* Effect.mapError(local.check(archive), invalidBackup)
    const server = environment.server(dataDir)
    if (server !== undefined) {
      if (server.url === undefined) {
        return yield* fail(
          "DATA_DIRECTORY_LOCKED",
          `The data directory ${dataDir} is in use by another Roster process (pid ${server.pid}): stop it, then run roster db restore again`,
          ExitCode.unexpected
        )
      }
      if (server.operatorKey === undefined) {
        return yield* fail(
          "DATA_DIRECTORY_LOCKED",
          `The data directory ${dataDir} is in use by the Roster server at ${server.url} (pid ${server.pid}), whose operator key this user cannot read: run roster db restore as the user who runs the server`,
          ExitCode.unexpected
        )
      }
    }
    const keepPrevious = line.flag("keepPrevious")
    if (ask) {
      const answered = yield* Effect.promise(() =>
        line.terminal!.line(
          `Replace the database in ${dataDir} with the backup ${request.file}? ${
            keepPrevious ? "The database there now is kept aside." : "The database there now is deleted."
          } [y/N] `
        )
      )
      if (!/^\s*y(es)?\s*$/i.test(answered)) {
        return yield* fail("CANCELLED", "Nothing was done", ExitCode.unexpected)
      }
    }
    // A running server swaps its own database (its operator channel), while its requests wait.
    const restored: Restored =
      server?.url !== undefined && server.operatorKey !== undefined
        ? yield* throughServer(server.url, server.operatorKey, environment.fetch, archive, keepPrevious)
        : yield* Effect.mapError(
            local.restore(dataDir, archive, { keepPrevious, source: sourceOf(request.storage) }),
            invalidBackup
          )
    return {
      json: { file, ...restored, previous: restored.previous ?? null },
      text: () =>
        `Restored the database in ${restored.dataDir} from ${file}: ${restored.organizations} organization(s), ${
          restored.memberships
        } membership(s).${restored.previous === undefined ? "" : ` The database it replaced is in ${restored.previous}.`}`
    } satisfies Output
  })

/** The server's operator channel takes the archive and answers what the restored database holds. */
const throughServer = (
  url: string,
  key: string,
  fetch: typeof globalThis.fetch | undefined,
  archive: Uint8Array,
  keepPrevious: boolean
) =>
  Effect.gen(function* () {
    const response = yield* Effect.tryPromise({
      try: () =>
        (fetch ?? globalThis.fetch)(
          `${url.replace(/\/+$/, "")}/operator/restore${keepPrevious ? "?keepPrevious=true" : ""}`,
          {
            method: "POST",
            headers: { authorization: `Operator ${key}`, "content-type": "application/gzip" },
            body: archive as Uint8Array<ArrayBuffer>
          }
        ),
      catch: Remote.fromThrown(url)
    })
    const body = yield* Effect.promise(() => response.json().catch(() => null) as Promise<unknown>)
    if (!response.ok) {
      const errors = (body as { errors?: unknown } | null)?.errors
      const details = Array.isArray(errors) ? (errors as Array<{ code: string; message: string }>) : []
      if (response.status === 404) {
        return yield* fail(
          "DATA_DIRECTORY_LOCKED",
          `The Roster server at ${url} restores no backups (an earlier version): stop the server, run roster db restore again, then start it`,
          ExitCode.unexpected
        )
      }
      if (details[0]?.code === "INVALID_BACKUP") {
        return yield* fail("INVALID_BACKUP", details[0].message, ExitCode.usage)
      }
      return yield* Effect.fail(Remote.fromAnswer(response.status, details))
    }
    const answer = body as {
      dataDir: string
      previous: string | null
      organizations: number
      memberships: number
    }
    return { ...answer, previous: answer.previous ?? undefined } satisfies Restored
  })

/** The server's operator channel sends the archive; it is written to `file` as it arrives. */
const fromServer = (
  url: string,
  key: string,
  fetch: typeof globalThis.fetch | undefined,
  file: string,
  force: boolean,
  typed: string
) =>
  Effect.gen(function* () {
    const response = yield* Effect.tryPromise({
      try: () =>
        (fetch ?? globalThis.fetch)(`${url.replace(/\/+$/, "")}/operator/backup`, {
          method: "POST",
          headers: { authorization: `Operator ${key}` }
        }),
      catch: Remote.fromThrown(url)
    })
    if (!response.ok || response.body === null) {
      const body = yield* Effect.promise(() => response.json().catch(() => null) as Promise<unknown>)
      const errors = (body as { errors?: unknown } | null)?.errors
      if (response.status === 404) {
        return yield* fail(
          "BACKUP_UNSUPPORTED",
          `The Roster server at ${url} takes no backups (an earlier version): stop it, then run roster db backup again`,
          ExitCode.unexpected
        )
      }
      return yield* Effect.fail(
        Remote.fromAnswer(
          response.status,
          Array.isArray(errors) ? (errors as Array<{ code: string; message: string }>) : []
        )
      )
    }
    return yield* writeFile(file, force, typed, chunksOf(response.body))
  })

async function* single(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes
}

async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    yield value
  }
}

/**
 * Writes `chunks` to `file`, mode 0600, through a temporary file beside it: a reader never sees
 * half a backup, and a failure leaves no file. Without `force` an existing `file` is never
 * replaced, even one that appeared meanwhile. Answers the bytes written.
 */
const writeFile = (file: string, force: boolean, typed: string, chunks: AsyncIterable<Uint8Array>) =>
  Effect.tryPromise({
    try: async () => {
      const temp = Path.join(
        Path.dirname(file),
        `.${Path.basename(file)}.${Crypto.randomBytes(4).toString("hex")}.part`
      )
      let written = 0
      try {
        const handle = await Fs.promises.open(temp, "wx", 0o600)
        try {
          for await (const chunk of chunks) {
            await handle.write(chunk)
            written += chunk.byteLength
          }
          // The umask may only have narrowed it; the mode is exactly this.
          await handle.chmod(0o600)
          await handle.sync()
        } finally {
          await handle.close()
        }
        if (force) Fs.renameSync(temp, file)
        else placeNew(temp, file)
        return written
      } finally {
        Fs.rmSync(temp, { force: true })
      }
    },
    catch: (error) => {
      const code = errorCode(error)
      const message = error instanceof Error ? error.message : String(error)
      if (code === "EEXIST") {
        return new CliError({
          code: "FILE_EXISTS",
          reason: `${typed} exists: pass --force to replace it`,
          exitCode: ExitCode.conflict
        })
      }
      // The file system's refusal (no such directory, no permission), or the archive cut short.
      return typeof code === "string" && code.startsWith("E")
        ? new CliError({ code: "USAGE", reason: `cannot write ${typed}: ${message}`, exitCode: ExitCode.usage })
        : new CliError({
            code: "BACKUP_FAILED",
            reason: `the backup stopped before it was whole (${message}); ${typed} was not written`,
            exitCode: ExitCode.unexpected
          })
    }
  })

/** Puts `temp` at `file` unless `file` exists: a hard link fails rather than replace. */
const placeNew = (temp: string, file: string) => {
  try {
    Fs.linkSync(temp, file)
  } catch (error) {
    const code = errorCode(error)
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV") throw error
    // A file system without hard links: checked, then renamed.
    if (Fs.existsSync(file)) throw Object.assign(new Error("exists"), { code: "EEXIST" })
    Fs.renameSync(temp, file)
  }
}

const statOf = (file: string) => {
  try {
    return Fs.statSync(file)
  } catch {
    return undefined
  }
}

const errorCode = (error: unknown): unknown =>
  typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined
