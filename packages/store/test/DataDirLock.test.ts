import { assert, describe, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as DataDirLock from "../src/DataDirLock.js"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const holderScript = fileURLToPath(new URL("fixtures/lock-holder.ts", import.meta.url))

/** A fresh directory (not created: the lock must create it), removed afterwards. */
const tempDataDir = Effect.acquireRelease(
  Effect.sync(() => Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-lock-")), "nested", "data")),
  (dir) => Effect.sync(() => Fs.rmSync(Path.dirname(Path.dirname(dir)), { recursive: true, force: true }))
)

const lockFile = (dir: string) => Path.join(dir, DataDirLock.fileName)

const readLock = (dir: string) => JSON.parse(Fs.readFileSync(lockFile(dir), "utf8")) as DataDirLock.Holder

const writeLock = (dir: string, content: string) => {
  Fs.mkdirSync(dir, { recursive: true })
  Fs.writeFileSync(lockFile(dir), content)
}

/** The pid of a process that has exited (pids are not reused that quickly). */
const deadPid = () => ChildProcess.spawnSync(process.execPath, ["-e", ""]).pid

/** Linux's /proc, where the lock records its holder's start; absent on macOS (the lock falls back to the pid). */
const hasProc = Fs.existsSync("/proc/self/stat")

const bootId = () => Fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim()

/** Fields 3… of /proc/<pid>/stat: field 2, the command name, may hold spaces and parentheses. */
const statFields = (pid: number) => {
  const stat = Fs.readFileSync(`/proc/${pid}/stat`, "utf8")
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")
}

/** Field 22, `starttime`: clock ticks from boot to the process's start. */
const startTicks = (pid: number) => Number(statFields(pid)[19])

/** A live process that has nothing to do with Roster, as when a dead holder's pid is given to another. */
const spawnUnrelated = Effect.acquireRelease(
  Effect.sync(() => ChildProcess.spawn("sleep", ["30"], { stdio: "ignore" })),
  (child) => Effect.sync(() => child.kill("SIGKILL"))
)

/** The pid of a process that exited but that its parent (`sleep 30`) never reaps: `kill(pid, 0)` still finds it. */
const spawnZombie = Effect.acquireRelease(
  Effect.async<{ readonly parent: ChildProcess.ChildProcess; readonly pid: number }>((resume) => {
    const parent = ChildProcess.spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 30"], {
      stdio: ["ignore", "pipe", "ignore"]
    })
    parent.stdout.once("data", (chunk) => resume(Effect.succeed({ parent, pid: Number(String(chunk).trim()) })))
  }),
  ({ parent }) => Effect.sync(() => parent.kill("SIGKILL"))
).pipe(
  Effect.tap(({ pid }) => Effect.promise(() => vi.waitFor(() => assert.strictEqual(statFields(pid)[0], "Z")))),
  Effect.map(({ pid }) => pid)
)

const lockedMessage = (dir: string, pid: number) =>
  `The data directory ${dir} is in use by another Roster process (pid ${pid}). Stop that process, or share one PostgreSQL server through DATABASE_URL.`

interface Holder {
  readonly pid: number
  /** Resolves once it waits for the go file (when given one). */
  readonly ready: Promise<void>
  /** Resolves true once it holds the lock, false if it exited without. */
  readonly locked: Promise<boolean>
  readonly exited: Promise<{ readonly code: number | null; readonly stderr: string }>
  /** Closing stdin asks it to release the lock and exit normally. */
  readonly stop: () => void
  readonly kill: () => void
}

/** Runs test/fixtures/lock-holder.ts in its own process; killed at the end of the scope. */
const spawnHolder = (dataDir: string, goFile?: string, server?: { readonly url: string; readonly key: string }) =>
  Effect.acquireRelease(
    Effect.sync((): Holder => {
      const child = ChildProcess.spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          holderScript,
          dataDir,
          ...(goFile === undefined && server === undefined ? [] : [goFile ?? "-"]),
          ...(server === undefined ? [] : [server.url, server.key])
        ],
        { cwd: packageDir, stdio: ["pipe", "pipe", "pipe"] }
      )
      let stdout = ""
      let stderr = ""
      child.stderr.on("data", (chunk) => (stderr += chunk))
      const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.on("exit", (code) => resolve({ code, stderr }))
      )
      let onReady = () => {}
      let onLocked = (_: boolean) => {}
      const ready = new Promise<void>((resolve) => (onReady = resolve))
      const locked = new Promise<boolean>((resolve) => (onLocked = resolve))
      child.stdout.on("data", (chunk) => {
        stdout += chunk
        if (stdout.includes("ready")) onReady()
        if (stdout.includes("locked")) onLocked(true)
      })
      void exited.then(() => onLocked(false))
      return {
        pid: child.pid!,
        ready,
        locked,
        exited,
        stop: () => child.stdin.end(),
        kill: () => child.kill("SIGKILL")
      }
    }),
    (holder) => Effect.sync(holder.kill)
  )

describe("DataDirLock", () => {
  it.scopedLive("creates the directory and takes the lock for the life of the scope", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* DataDirLock.acquire(dir)
          const holder = readLock(dir)
          assert.strictEqual(holder.pid, process.pid)
          assert.strictEqual(holder.hostname, Os.hostname())
          assert.isFalse(Number.isNaN(Date.parse(holder.startedAt)))
          if (hasProc) assert.deepStrictEqual(holder.kernelStart, { bootId: bootId(), ticks: startTicks(process.pid) })
        })
      )
      assert.isFalse(Fs.existsSync(lockFile(dir)), "released when the scope closed")
      // …and can be taken again.
      yield* Effect.scoped(DataDirLock.acquire(dir))
    })
  )

  it.scopedLive("keeps the directory its owner's alone (700), new or found open to others", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      yield* Effect.scoped(DataDirLock.acquire(dir))
      assert.strictEqual(Fs.statSync(dir).mode & 0o777, 0o700, "created private")
      Fs.chmodSync(dir, 0o755)
      yield* Effect.scoped(DataDirLock.acquire(dir))
      assert.strictEqual(Fs.statSync(dir).mode & 0o777, 0o700, "made private when found readable by others")
    })
  )

  it.scopedLive("refuses a second holder with a message that says what to do", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      yield* DataDirLock.acquire(dir)
      const error = yield* Effect.flip(Effect.scoped(DataDirLock.acquire(dir)))
      assert.strictEqual(error._tag, "DataDirectoryLocked")
      assert.strictEqual(error.message, lockedMessage(dir, process.pid))
      assert.strictEqual(readLock(dir).pid, process.pid, "the holder's lock is untouched")
    })
  )

  it.scopedLive("resolves a relative directory to an absolute one", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      yield* DataDirLock.acquire(dir)
      const error = yield* Effect.flip(Effect.scoped(DataDirLock.acquire(Path.relative(process.cwd(), dir))))
      assert.include(error.message, `The data directory ${dir} is in use`)
    })
  )

  it.scopedLive("takes over a stale lock left by a process that died", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      const pid = deadPid()
      writeLock(dir, JSON.stringify({ pid, hostname: Os.hostname(), startedAt: new Date().toISOString() }))
      yield* DataDirLock.acquire(dir)
      assert.strictEqual(readLock(dir).pid, process.pid)
    })
  )

  it.scopedLive.runIf(hasProc)("takes over a lock whose pid now belongs to an unrelated process (a reused pid)", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      const pid = (yield* spawnUnrelated).pid!
      // The holder that died started before whatever has its pid now.
      const kernelStart = { bootId: bootId(), ticks: startTicks(pid) - 1 }
      writeLock(dir, JSON.stringify({ pid, hostname: Os.hostname(), startedAt: new Date().toISOString(), kernelStart }))
      yield* DataDirLock.acquire(dir)
      assert.strictEqual(readLock(dir).pid, process.pid)
    })
  )

  it.scopedLive.runIf(hasProc)("takes over a lock written before a reboot (another boot id) whose pid is alive", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      const pid = (yield* spawnUnrelated).pid!
      const kernelStart = { bootId: "00000000-0000-4000-8000-000000000000", ticks: startTicks(pid) }
      writeLock(dir, JSON.stringify({ pid, hostname: Os.hostname(), startedAt: new Date().toISOString(), kernelStart }))
      yield* DataDirLock.acquire(dir)
      assert.strictEqual(readLock(dir).pid, process.pid)
    })
  )

  it.scopedLive.runIf(hasProc)("takes over a lock whose process has exited but not been reaped (a zombie)", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      const pid = yield* spawnZombie
      const kernelStart = { bootId: bootId(), ticks: startTicks(pid) }
      writeLock(dir, JSON.stringify({ pid, hostname: Os.hostname(), startedAt: new Date().toISOString(), kernelStart }))
      yield* DataDirLock.acquire(dir)
      assert.strictEqual(readLock(dir).pid, process.pid)
    })
  )

  it.scopedLive("refuses a lock from an earlier version (no start time recorded) whose pid is alive", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      const pid = (yield* spawnUnrelated).pid!
      writeLock(dir, JSON.stringify({ pid, hostname: Os.hostname(), startedAt: new Date().toISOString() }))
      const error = yield* Effect.flip(Effect.scoped(DataDirLock.acquire(dir)))
      assert.strictEqual(error.message, lockedMessage(dir, pid))
    })
  )

  it.scopedLive("takes over a lock with its own pid written before it started (a restarted container)", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      const beforeStart = new Date(Date.now() - process.uptime() * 1000 - 60_000).toISOString()
      writeLock(dir, JSON.stringify({ pid: process.pid, hostname: Os.hostname(), startedAt: beforeStart }))
      yield* DataDirLock.acquire(dir)
      assert.notStrictEqual(readLock(dir).startedAt, beforeStart)
    })
  )

  it.scopedLive("treats a lock file that is not a lock (garbage, empty, bad pid) as stale", () =>
    Effect.gen(function* () {
      for (const content of ["garbage", "", JSON.stringify({ pid: 0, hostname: Os.hostname(), startedAt: "x" })]) {
        const dir = yield* tempDataDir
        writeLock(dir, content)
        yield* Effect.scoped(DataDirLock.acquire(dir))
        assert.isFalse(Fs.existsSync(lockFile(dir)))
      }
    })
  )

  it.scopedLive("refuses a lock held on another host, and says how to clear it", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      writeLock(dir, JSON.stringify({ pid: 4242, hostname: "elsewhere.example", startedAt: new Date().toISOString() }))
      const error = yield* Effect.flip(Effect.scoped(DataDirLock.acquire(dir)))
      assert.strictEqual(error._tag, "DatabaseUnavailable")
      assert.include(error.message, "another host (elsewhere.example, pid 4242)")
      assert.include(error.message, `delete ${lockFile(dir)}`)
    })
  )

  it.scopedLive("leaves a lock that is no longer its own in place on release", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      const other = JSON.stringify({ pid: 4242, hostname: Os.hostname(), startedAt: new Date().toISOString() })
      yield* Effect.scoped(
        Effect.zipRight(
          DataDirLock.acquire(dir),
          Effect.sync(() => writeLock(dir, other))
        )
      )
      assert.strictEqual(Fs.readFileSync(lockFile(dir), "utf8"), other)
    })
  )

  it.scopedLive("reports a directory it cannot create", () =>
    Effect.gen(function* () {
      const dir = yield* tempDataDir
      Fs.mkdirSync(Path.dirname(dir), { recursive: true })
      Fs.writeFileSync(dir, "a file where the directory should be")
      const error = yield* Effect.flip(Effect.scoped(DataDirLock.acquire(dir)))
      assert.strictEqual(error._tag, "DatabaseUnavailable")
      assert.include(error.message, `${dir} (ROSTER_DATA_DIR)`)
    })
  )

  describe("across processes", () => {
    it.scopedLive("another process is refused while this one holds the lock", () =>
      Effect.gen(function* () {
        const dir = yield* tempDataDir
        yield* DataDirLock.acquire(dir)
        const other = yield* spawnHolder(dir)
        const { code, stderr } = yield* Effect.promise(() => other.exited)
        assert.strictEqual(code, 3)
        assert.strictEqual(stderr.trim(), lockedMessage(dir, process.pid))
      })
    )

    it.scopedLive("this process is refused while another holds it, then takes over once that one is killed", () =>
      Effect.gen(function* () {
        const dir = yield* tempDataDir
        const other = yield* spawnHolder(dir)
        assert.isTrue(yield* Effect.promise(() => other.locked))

        if (hasProc) {
          // Its command name holds ") R 1 (": read from the last parenthesis, its start time is still right.
          const kernelStart = { bootId: bootId(), ticks: startTicks(other.pid) }
          assert.deepStrictEqual(readLock(dir).kernelStart, kernelStart)
        }

        const error = yield* Effect.flip(Effect.scoped(DataDirLock.acquire(dir)))
        assert.strictEqual(error._tag, "DataDirectoryLocked")
        assert.strictEqual(error.message, lockedMessage(dir, other.pid))

        other.kill() // a crash: its lock file stays behind
        yield* Effect.promise(() => other.exited)
        assert.strictEqual(readLock(dir).pid, other.pid)
        yield* DataDirLock.acquire(dir)
        assert.strictEqual(readLock(dir).pid, process.pid)
      })
    )

    it.scopedLive("a process that exits normally releases the lock", () =>
      Effect.gen(function* () {
        const dir = yield* tempDataDir
        const other = yield* spawnHolder(dir)
        assert.isTrue(yield* Effect.promise(() => other.locked))
        other.stop()
        assert.strictEqual((yield* Effect.promise(() => other.exited)).code, 0)
        assert.isFalse(Fs.existsSync(lockFile(dir)))
      })
    )

    it.scopedLive("of several processes taking over one stale lock at once, exactly one wins", () =>
      Effect.gen(function* () {
        const dir = yield* tempDataDir
        writeLock(dir, JSON.stringify({ pid: deadPid(), hostname: Os.hostname(), startedAt: new Date().toISOString() }))
        const go = Path.join(Path.dirname(dir), "go")
        const racers = yield* Effect.forEach([1, 2, 3, 4], () => spawnHolder(dir, go))
        yield* Effect.promise(() => Promise.all(racers.map((_) => _.ready)))
        Fs.writeFileSync(go, "")
        const locked = yield* Effect.promise(() => Promise.all(racers.map((_) => _.locked)))
        const winners = racers.filter((_, i) => locked[i])
        assert.strictEqual(winners.length, 1)
        for (const loser of racers.filter((_, i) => !locked[i])) {
          const { code, stderr } = yield* Effect.promise(() => loser.exited)
          assert.strictEqual(code, 3)
          assert.include(stderr, `(pid ${winners[0]!.pid})`)
        }
        assert.strictEqual(readLock(dir).pid, winners[0]!.pid)
      })
    )
  })

  describe("a server's address and operator key", () => {
    const keyFile = (dir: string) => Path.join(dir, DataDirLock.operatorKeyFileName)

    it.scopedLive("are recorded in this process's lock (the key 0600), found by server(), and removed on release", () =>
      Effect.gen(function* () {
        const dir = yield* tempDataDir
        yield* Effect.scoped(
          Effect.gen(function* () {
            yield* DataDirLock.acquire(dir)
            const before = readLock(dir)
            assert.deepStrictEqual(DataDirLock.server(dir), {
              pid: process.pid,
              url: undefined,
              operatorKey: undefined
            })
            yield* DataDirLock.recordServer(dir, { url: "http://localhost:4321", operatorKey: "rop_key" })
            assert.deepStrictEqual(readLock(dir), { ...before, url: "http://localhost:4321" })
            assert.strictEqual(Fs.statSync(keyFile(dir)).mode & 0o777, 0o600)
            assert.deepStrictEqual(DataDirLock.server(dir), {
              pid: process.pid,
              url: "http://localhost:4321",
              operatorKey: "rop_key"
            })
          })
        )
        assert.isFalse(Fs.existsSync(lockFile(dir)))
        assert.isFalse(Fs.existsSync(keyFile(dir)))
        assert.isUndefined(DataDirLock.server(dir))
      })
    )

    it.scopedLive("are another process's to record: a lock this process does not hold is left as it is", () =>
      Effect.gen(function* () {
        const dir = yield* tempDataDir
        const content = JSON.stringify({ pid: deadPid(), hostname: Os.hostname(), startedAt: new Date().toISOString() })
        writeLock(dir, content)
        yield* DataDirLock.recordServer(dir, { url: "http://localhost:1", operatorKey: "rop_key" })
        assert.strictEqual(Fs.readFileSync(lockFile(dir), "utf8"), content)
        assert.isFalse(Fs.existsSync(keyFile(dir)))
        // Nobody alive holds it: no server to find.
        assert.isUndefined(DataDirLock.server(dir))
      })
    )

    it.scopedLive("of a server in another process are found while it runs, and gone once it stops", () =>
      Effect.gen(function* () {
        const dir = yield* tempDataDir
        const holder = yield* spawnHolder(dir, undefined, { url: "http://127.0.0.1:5555", key: "rop_other" })
        assert.isTrue(yield* Effect.promise(() => holder.locked))
        assert.deepStrictEqual(DataDirLock.server(dir), {
          pid: holder.pid,
          url: "http://127.0.0.1:5555",
          operatorKey: "rop_other"
        })
        holder.stop()
        assert.strictEqual((yield* Effect.promise(() => holder.exited)).code, 0)
        assert.isUndefined(DataDirLock.server(dir))
        assert.isFalse(Fs.existsSync(keyFile(dir)))
      })
    )

    it.scopedLive("leave the lock readable by an earlier version, and an earlier version's lock readable", () =>
      Effect.gen(function* () {
        const dir = yield* tempDataDir
        yield* DataDirLock.acquire(dir)
        yield* DataDirLock.recordServer(dir, { url: "http://localhost:4321" })
        const earlier = Schema.Struct({ pid: Schema.Int, hostname: Schema.String, startedAt: Schema.String })
        const content = Fs.readFileSync(lockFile(dir), "utf8")
        assert.strictEqual(Schema.decodeUnknownSync(Schema.parseJson(earlier))(content).pid, process.pid)
        // No key was given: none is written, and none is found.
        assert.strictEqual(DataDirLock.server(dir)?.operatorKey, undefined)
        const other = yield* tempDataDir
        const pid = (yield* spawnUnrelated).pid!
        writeLock(other, JSON.stringify({ pid, hostname: Os.hostname(), startedAt: new Date().toISOString() }))
        assert.deepStrictEqual(DataDirLock.server(other), { pid, url: undefined, operatorKey: undefined })
      })
    )
  })
})
