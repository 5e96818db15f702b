/**
 * An exclusive lock on an embedded data directory. PGlite is one process's database: two processes
 * opening the same directory would corrupt it, so every open takes this lock first.
 *
 * The lock is `<dataDir>/roster.lock` holding `{ pid, hostname, startedAt, kernelStart }`. A lock
 * whose process is gone (a crash, a reboot, a container restarted with the same pid) is stale and
 * taken over. A pid alone cannot say so: after `kill -9` the kernel may give it to any process. So
 * on Linux the holder is the pid *and* its start as the kernel counts it (`kernelStart`: the boot id
 * and field 22 of `/proc/<pid>/stat`), and a lock is live only while that very process runs. Without
 * /proc (macOS), and for a lock an earlier version wrote without `kernelStart`, the pid decides: a
 * live process with that pid holds the lock.
 *
 * A server on an embedded database also records, once it listens, where it answers (`url`) and a
 * key beside the lock (`operator.key`, mode 0600) with which the `roster` CLI on this machine acts
 * as the operator through it (`recordServer`, `server`): whoever may read the data directory may
 * already do anything to the database, so the key gives no one more than they have.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { DatabaseUnavailable, DataDirectoryLocked } from "./StoreError.js"

/** The lock file's name inside the data directory. */
export const fileName = "roster.lock"

/** The operator key's file, beside the lock, while a server holds the directory. */
export const operatorKeyFileName = "operator.key"

/** What a lock file holds, as JSON. */
export const Holder = Schema.Struct({
  // pid ≤ 0 would make `process.kill` signal a process group: such a file is garbage.
  pid: Schema.Int.pipe(Schema.positive()),
  hostname: Schema.String,
  /** ISO 8601; tells a stale lock of an earlier process with the same pid from a live one. */
  startedAt: Schema.String.pipe(Schema.filter((text) => !Number.isNaN(Date.parse(text)))),
  /** Absent where there is no /proc (macOS), and in lock files written before it was recorded. */
  kernelStart: Schema.optional(
    Schema.Struct({
      /** `/proc/sys/kernel/random/boot_id`: a new one at every boot. */
      bootId: Schema.String,
      /** `starttime` in `/proc/<pid>/stat`: clock ticks from boot to the process's start. */
      ticks: Schema.Int.pipe(Schema.nonNegative())
    })
  ),
  /** Where the holder answers, when it is a server that listens: written once it does. */
  url: Schema.optional(Schema.String)
})
export type Holder = typeof Holder.Type

/**
 * Takes the lock on `dataDir` (created if absent) for the life of the scope. Fails with
 * `DataDirectoryLocked` while another live process holds it, and with `DatabaseUnavailable` when
 * the directory cannot be used at all. Releasing removes the file only if it is still ours.
 */
export const acquire = (dataDir: string): Effect.Effect<void, DataDirectoryLocked | DatabaseUnavailable, Scope.Scope> =>
  Effect.acquireRelease(lock(Path.resolve(dataDir)), release).pipe(Effect.asVoid)

/** A lock file that stays unparsable for this long is not a holder caught mid-write: it is garbage. */
const garbageGrace = Duration.millis(100)

/**
 * How long a takeover waits before checking that its lock file survived. Two processes taking over
 * the same stale lock both rename onto it; the last rename wins, and the earlier one sees that here.
 */
const takeoverSettle = Duration.millis(100)

/** Bounds the retries when locks come and go under us; each pass normally ends the loop. */
const maxAttempts = 20

interface Held {
  readonly file: string
  readonly content: string
}

const lock = (dataDir: string): Effect.Effect<Held, DataDirectoryLocked | DatabaseUnavailable> =>
  Effect.gen(function* () {
    const fsStep = <A>(what: string, f: () => A) =>
      Effect.try({
        try: f,
        catch: (cause) =>
          new DatabaseUnavailable({
            target: `${dataDir} (ROSTER_DATA_DIR)`,
            reason: `${what}: ${errorMessage(cause)}`
          })
      })

    yield* fsStep("cannot create the directory", () => Fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }))
    // The database holds password hashes and personal data, and PGlite writes its files readable by
    // everyone (0666): the directory is what keeps other local users out, so it is its owner's alone.
    yield* fsStep("cannot make the directory private (chmod 700)", () => {
      if ((Fs.statSync(dataDir).mode & 0o077) !== 0) Fs.chmodSync(dataDir, 0o700)
    })
    const file = Path.join(dataDir, fileName)
    const content = JSON.stringify({
      pid: process.pid,
      hostname: Os.hostname(),
      startedAt: new Date().toISOString(),
      kernelStart: kernelStart(process.pid)
    } satisfies Holder)
    const held: Held = { file, content }

    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (yield* fsStep("cannot create the lock file", () => createExclusive(file, content))) return held

      const current = yield* fsStep("cannot read the lock file", () => readIfExists(file))
      if (current === undefined) continue // released between our create and our read

      const holder = parseHolder(current)
      if (holder === undefined) {
        // Its creator may be between creating and writing it; only garbage that stays is stale.
        yield* Effect.sleep(garbageGrace)
        if ((yield* fsStep("cannot read the lock file", () => readIfExists(file))) !== current) continue
      } else {
        const state = holderState(holder)
        if (state === "alive") return yield* new DataDirectoryLocked({ dataDir, pid: holder.pid })
        if (state === "elsewhere") {
          // Such a lock never goes stale by itself, so the message says how to clear it.
          return yield* new DatabaseUnavailable({
            target: `${dataDir} (ROSTER_DATA_DIR)`,
            reason: `it is in use by a Roster process on another host (${holder.hostname}, pid ${holder.pid}). Stop that process, or if it is no longer running, delete ${file}`
          })
        }
      }

      const replaced = yield* fsStep("cannot replace the stale lock file", () =>
        replaceIfUnchanged(file, current, content)
      )
      if (!replaced) continue
      yield* Effect.sleep(takeoverSettle)
      if ((yield* fsStep("cannot read the lock file", () => readIfExists(file))) === content) return held
      // Another process took it over at the same time and renamed last: the next pass reports it.
    }
    // Locks kept changing hands under us: someone else is busy with this directory.
    const last = parseHolder((yield* fsStep("cannot read the lock file", () => readIfExists(file))) ?? "")
    return yield* new DataDirectoryLocked({ dataDir, pid: last?.pid ?? 0 })
  })

const release = ({ content, file }: Held): Effect.Effect<void> =>
  Effect.sync(() => {
    // Never remove a lock that is no longer ours (e.g. taken over after we were judged dead); ours
    // may since have gained the server's address.
    if (isOurs(readIfExists(file), content)) {
      Fs.rmSync(Path.join(Path.dirname(file), operatorKeyFileName), { force: true })
      Fs.unlinkSync(file)
    }
  }).pipe(
    Effect.catchAllDefect((cause) =>
      Effect.logWarning(`Could not remove the lock file ${file}: ${errorMessage(cause)}`)
    )
  )

/** Whether a lock file's `current` content names the holder we wrote as `ours` (with or without an address). */
const isOurs = (current: string | undefined, ours: string): boolean => {
  if (current === ours) return true
  const found = current === undefined ? undefined : parseHolder(current)
  const mine = parseHolder(ours)
  return (
    found !== undefined &&
    mine !== undefined &&
    found.pid === mine.pid &&
    found.hostname === mine.hostname &&
    found.startedAt === mine.startedAt
  )
}

/** A running server that holds a data directory, as the lock and the key beside it say. */
export interface Server {
  readonly pid: number
  /** Where it answers; absent while it starts, and for a holder that does not listen. */
  readonly url: string | undefined
  /** The operator key, when this process may read it. */
  readonly operatorKey: string | undefined
}

/**
 * Records, in the lock this process holds on `dataDir`, where its server answers, and writes the
 * operator key beside it (mode 0600). Does nothing for a lock that is not this process's (a
 * `memory://` database has none). A failure is logged: the CLI then reports the directory as
 * locked, as before.
 */
export const recordServer = (
  dataDir: string,
  server: { readonly url: string; readonly operatorKey?: string | undefined }
): Effect.Effect<void> =>
  Effect.sync(() => {
    const file = Path.join(Path.resolve(dataDir), fileName)
    const current = readIfExists(file)
    const holder = current === undefined ? undefined : parseHolder(current)
    if (holder === undefined || holder.pid !== process.pid || holder.hostname !== Os.hostname()) return
    if (server.operatorKey !== undefined) {
      writeAtomically(Path.join(Path.dirname(file), operatorKeyFileName), `${server.operatorKey}\n`, 0o600)
    }
    writeAtomically(file, JSON.stringify({ ...holder, url: server.url } satisfies Holder))
  }).pipe(
    Effect.catchAllDefect((cause) =>
      Effect.logWarning(`Could not record the server's address in ${dataDir}: ${errorMessage(cause)}`)
    )
  )

/**
 * The live server holding `dataDir`, if any: its pid, where it answers, and the operator key when
 * this process may read it. `undefined` when no live process holds the directory.
 */
export const server = (dataDir: string): Server | undefined => {
  const dir = Path.resolve(dataDir)
  let current: string | undefined
  try {
    current = readIfExists(Path.join(dir, fileName))
  } catch {
    return undefined
  }
  const holder = current === undefined ? undefined : parseHolder(current)
  if (holder === undefined || holderState(holder) !== "alive") return undefined
  let operatorKey: string | undefined
  try {
    operatorKey = readIfExists(Path.join(dir, operatorKeyFileName))?.trim() || undefined
  } catch {
    // Another user's server: its key is not ours to read.
  }
  return { pid: holder.pid, url: holder.url, operatorKey }
}

/** Writes `content` to `file` through a complete temporary file renamed over it: no reader sees half of it. */
const writeAtomically = (file: string, content: string, mode?: number) => {
  const temp = `${file}.${process.pid}.${Crypto.randomBytes(6).toString("hex")}.tmp`
  Fs.writeFileSync(temp, content, { flag: "wx", ...(mode === undefined ? {} : { mode }) })
  try {
    Fs.renameSync(temp, file)
  } finally {
    Fs.rmSync(temp, { force: true })
  }
}

/** `true` if we created the file (with our content), `false` if it already exists. */
const createExclusive = (file: string, content: string): boolean => {
  let fd: number
  try {
    fd = Fs.openSync(file, "wx")
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false
    throw error
  }
  try {
    Fs.writeSync(fd, content)
    Fs.fsyncSync(fd)
  } finally {
    Fs.closeSync(fd)
  }
  return true
}

/**
 * Replaces a stale lock file by an atomic rename of a complete new one, so nobody ever reads a half
 * written lock. Checked just before renaming so a takeover that already happened is not undone.
 */
const replaceIfUnchanged = (file: string, expected: string, content: string): boolean => {
  const temp = `${file}.${process.pid}.${Crypto.randomBytes(6).toString("hex")}.tmp`
  Fs.writeFileSync(temp, content, { flag: "wx" })
  try {
    if (readIfExists(file) !== expected) return false
    Fs.renameSync(temp, file)
    return true
  } finally {
    Fs.rmSync(temp, { force: true })
  }
}

const readIfExists = (file: string): string | undefined => {
  try {
    return Fs.readFileSync(file, "utf8")
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined
    throw error
  }
}

const decodeHolder = Schema.decodeUnknownOption(Schema.parseJson(Holder))

/** The holder a lock file names; `undefined` for anything else (not JSON, or not a holder: garbage). */
const parseHolder = (content: string): Holder | undefined => Option.getOrUndefined(decodeHolder(content))

/** Clocks and `uptime` are coarse; a lock must predate a start by this much to be called older. */
const startSlackMillis = 2_000

/**
 * `alive`: a running process on this host holds it. `stale`: it cannot be held any more.
 * `elsewhere`: written on another host (a shared volume) whose processes we cannot see.
 */
const holderState = (holder: Holder): "alive" | "stale" | "elsewhere" => {
  if (holder.hostname !== Os.hostname()) return "elsewhere"
  const startedAt = Date.parse(holder.startedAt)
  const now = Date.now()
  // Written before this machine booted: whatever has that pid now is not its writer.
  if (startedAt < now - Os.uptime() * 1000 - startSlackMillis) return "stale"
  const bootId = readBootId()
  if (holder.kernelStart !== undefined && bootId !== undefined) {
    if (holder.kernelStart.bootId !== bootId) return "stale" // written before a reboot
    const stat = processStat(holder.pid)
    // A process that exited but is not yet reaped (a zombie) holds nothing. No stat at all means no
    // such process, or one /proc hides from us (mounted with hidepid): the pid check below decides.
    if (stat !== undefined) return stat.ticks === holder.kernelStart.ticks && !stat.exited ? "alive" : "stale"
  }
  if (holder.pid === process.pid) {
    // Our pid but written before we started: an earlier process (a restarted container is pid 1 again).
    return startedAt < now - process.uptime() * 1000 - startSlackMillis ? "stale" : "alive"
  }
  try {
    process.kill(holder.pid, 0)
    return "alive"
  } catch (error) {
    // EPERM: it exists but belongs to another user. Anything but "no such process" counts as alive.
    return errorCode(error) === "ESRCH" ? "stale" : "alive"
  }
}

/** Where the kernel says process `pid` started; `undefined` without /proc (macOS). */
const kernelStart = (pid: number): Holder["kernelStart"] => {
  const bootId = readBootId()
  const stat = processStat(pid)
  return bootId === undefined || stat === undefined ? undefined : { bootId, ticks: stat.ticks }
}

const readBootId = (): string | undefined => readProc("/proc/sys/kernel/random/boot_id")?.trim() || undefined

/**
 * Fields 3 (`state`) and 22 (`starttime`) of `/proc/<pid>/stat`; `undefined` if it cannot be read.
 * Field 2, the command name, is in parentheses and may itself hold spaces and parentheses (any
 * process may name itself so), so fields are counted from the last ")".
 */
const processStat = (pid: number): { readonly ticks: number; readonly exited: boolean } | undefined => {
  const stat = readProc(`/proc/${pid}/stat`)
  const commEnd = stat?.lastIndexOf(")") ?? -1
  if (stat === undefined || commEnd < 0) return undefined
  const [state, ...rest] = stat
    .slice(commEnd + 1)
    .trim()
    .split(" ")
  const ticks = Number(rest[18])
  if (state === undefined || !Number.isSafeInteger(ticks) || ticks < 0) return undefined
  return { ticks, exited: state === "Z" || state === "X" || state === "x" }
}

/** A file under /proc, or `undefined`: no /proc, no such process, or not ours to see. */
const readProc = (file: string): string | undefined => {
  try {
    return Fs.readFileSync(file, "utf8")
  } catch {
    return undefined
  }
}

const errorCode = (error: unknown): unknown =>
  typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))
