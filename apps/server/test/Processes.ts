/**
 * The apps as real processes, for the tests of both apps: the built server (`node
 * apps/server/dist/main.js`) and the `roster` executable (`node apps/cli/bin/roster.js`), as users run
 * them (BuiltApps.ts builds them before the suites). Every child
 * gets an explicit environment (never the test runner's own), its output is collected, and
 * `killAll` ends whatever is still running.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

export const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../..")
export const serverMain = Path.join(repoRoot, "apps/server/dist/main.js")
export const cliBin = Path.join(repoRoot, "apps/cli/bin/roster.js")

/** A secret as Roster mints it: `tot_` and 52 base62 characters. */
export const tokenPattern = /^tot_[0-9A-Za-z]{52}$/

/** The line the server logs once it listens (PORT=0 is allowed: the port is read from here). */
const listeningLine = /Roster is listening on http:\/\/localhost:(\d+)/

/**
 * The child's whole environment: what node needs to run, plus `vars` (an `undefined` value is left
 * out). Nothing of the runner's environment leaks in: no `DATABASE_URL`, `PORT`, `CI`, `NODE_OPTIONS`.
 */
export const env = (vars: Record<string, string | undefined> = {}): Record<string, string> => {
  const result: Record<string, string> = {}
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT"]) {
    const value = process.env[name]
    if (value !== undefined) result[name] = value
  }
  for (const [name, value] of Object.entries(vars)) if (value !== undefined) result[name] = value
  return result
}

/** A fresh temporary directory, removed by `removeTempDirs`. */
const tempDirs = new Set<string>()
export const tempDir = (label: string): string => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), `roster-${label}-`))
  tempDirs.add(dir)
  return dir
}
export const removeTempDirs = () => {
  for (const dir of tempDirs) Fs.rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

type Stream = "stdout" | "stderr"

const running = new Set<Proc>()

/** A child process and everything it has written so far. */
export class Proc {
  stdout = ""
  stderr = ""
  exit: Exit | undefined
  /** Settles once the process has ended and its output is complete. */
  readonly exited: Promise<Exit>
  private readonly listeners = new Set<() => void>()

  constructor(
    readonly child: ChildProcess,
    readonly label: string
  ) {
    running.add(this)
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk
      this.changed()
    })
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk
      this.changed()
    })
    this.exited = new Promise((resolve) => {
      const done = (exit: Exit) => {
        if (this.exit !== undefined) return
        this.exit = exit
        running.delete(this)
        this.changed()
        resolve(exit)
      }
      child.on("close", (code, signal) => done({ code, signal }))
      // Could not even start (no node?): report it as an exit, with the reason on stderr.
      child.on("error", (error) => {
        this.stderr += `${error.message}\n`
        done({ code: null, signal: null })
      })
    })
  }

  get pid(): number {
    return this.child.pid!
  }

  private changed() {
    for (const listener of this.listeners) listener()
  }

  /** What the process wrote so far, for failure messages. */
  describe(): string {
    const status = this.exit === undefined ? "running" : `exited ${JSON.stringify(this.exit)}`
    return `${this.label} (pid ${this.child.pid}, ${status})\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`
  }

  /** The first match of `pattern` in `stream`; fails when the process ends first or time runs out. */
  waitFor(stream: Stream, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this[stream])
        if (match !== null) finish(() => resolve(match))
        else if (this.exit !== undefined)
          finish(() => reject(new Error(`${pattern} never appeared on ${stream} of ${this.describe()}`)))
      }
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern} on ${stream} of ${this.describe()}`)
            )
          ),
        timeoutMs
      )
      const finish = (settle: () => void) => {
        clearTimeout(timer)
        this.listeners.delete(check)
        settle()
      }
      this.listeners.add(check)
      check()
    })
  }

  /** The process's end; after `timeoutMs` it is killed and this fails. */
  async waitExit(timeoutMs = 60_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs)
    })
    const outcome = await Promise.race([this.exited, timedOut])
    clearTimeout(timer)
    if (outcome === "timeout") {
      this.child.kill("SIGKILL")
      await this.exited
      throw new Error(`Did not exit within ${timeoutMs} ms: ${this.describe()}`)
    }
    return outcome
  }

  /** Sends `signal` and waits for the end. */
  stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000): Promise<Exit> {
    if (this.exit === undefined) this.child.kill(signal)
    return this.waitExit(timeoutMs)
  }
}

/** Kills (SIGKILL) every child still running and waits for them: for afterEach/afterAll. */
export const killAll = async () => {
  const left = [...running]
  for (const proc of left) proc.child.kill("SIGKILL")
  await Promise.all(left.map((proc) => proc.exited))
}

const start = (
  label: string,
  args: ReadonlyArray<string>,
  options: { cwd: string; env: Record<string, string>; input?: string | undefined }
) => {
  const child = spawn(process.execPath, [...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"]
  })
  if (options.input !== undefined) child.stdin!.end(options.input)
  return new Proc(child, label)
}

/** Starts the server with exactly `environment` (see `env`), in `cwd`. */
export const startServer = (environment: Record<string, string>, cwd: string): Proc =>
  start("server", [serverMain], { cwd, env: environment })

/** Waits until the server listens; its port. */
export const listening = async (server: Proc): Promise<number> =>
  Number((await server.waitFor("stdout", listeningLine))[1])

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `roster …args` to its end. */
export const cli = async (
  args: ReadonlyArray<string>,
  environment: Record<string, string>,
  cwd: string,
  timeoutMs = 60_000,
  /** Written to its standard input (a password for `--password-stdin`); none when absent. */
  input?: string
): Promise<Result> => {
  const proc = start(`roster ${args.join(" ")}`, [cliBin, ...args], { cwd, env: environment, input })
  const { code } = await proc.waitExit(timeoutMs)
  return { code, stdout: proc.stdout, stderr: proc.stderr }
}

/** Lines that are not empty. */
export const lines = (text: string): Array<string> => text.split("\n").filter((line) => line.trim() !== "")

/** A pid that no process has right now (for a stale lock). */
export const deadPid = (): number => {
  for (let pid = 999_999; ; pid++) {
    try {
      process.kill(pid, 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return pid
    }
  }
}
