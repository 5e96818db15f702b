/**
 * Stopping: `pnpm start` and the production entry (`node apps/server/dist/main.js`) stop cleanly on
 * SIGTERM and SIGINT, whether the signal reaches pnpm alone, the whole process group (Ctrl-C in a
 * terminal) or node: the request in flight completes, the database closes, the exit status is 0 and
 * no server is left behind. ROSTER_SHUTDOWN_TIMEOUT bounds the wait for requests in flight.
 */
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import { afterAll, describe, expect, it } from "vitest"
import { heldPost } from "./Helpers.js"
import * as P from "./Processes.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

const curlLine = /curl -H "Authorization: (tot_[0-9A-Za-z]+)" /
const stopping = /(SIGTERM|SIGINT): finishing requests in flight, then stopping/

/** `pnpm start` at the repository's root, as a person runs it; in a process group of its own when `group`. */
const pnpmStart = (environment: Record<string, string>, group: boolean) =>
  new P.Proc(
    spawn("pnpm", ["start"], { cwd: P.repoRoot, env: environment, stdio: ["ignore", "pipe", "pipe"], detached: group }),
    "pnpm start"
  )

/** The processes `pid` started (Linux): pnpm's is the server, once its shell has exec'd node. */
const children = (pid: number): Array<number> =>
  Fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
    .split(" ")
    .filter((word) => word.trim() !== "")
    .map(Number)

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Starts a request, sends `signal` (through `send`) while it is in flight, lets it finish, and
 * returns the exit once `proc` ends.
 */
const stopDuringRequest = async (proc: P.Proc, send: () => void) => {
  const port = await P.listening(proc)
  const token = (await proc.waitFor("stdout", curlLine))[1]!
  const held = heldPost(port, token, { email: `inflight-${proc.pid}@example.com` })
  // The server has the request's headers: it is in flight, waiting for its body.
  await sleep(500)
  send()
  await proc.waitFor("stdout", stopping)
  expect(proc.exit).toBeUndefined()
  held.finish()
  const response = await held.response
  expect(response.status, response.body).toBe(201)
  return proc.waitExit(30_000)
}

const environment = () => P.env({ PORT: "0", ROSTER_DATA_DIR: "memory://", TURBO_TELEMETRY_DISABLED: "1" })

describe("pnpm start", () => {
  it("SIGTERM to pnpm alone: the request in flight completes, exit 0, no server left", {
    timeout: 240_000
  }, async () => {
    const proc = pnpmStart(environment(), false)
    await P.listening(proc)
    const [server] = children(proc.pid)
    expect(server).toBeDefined()
    const exit = await stopDuringRequest(proc, () => proc.child.kill("SIGTERM"))
    process.stdout.write(`pnpm start, SIGTERM to pnpm (pid ${proc.pid}): exit ${JSON.stringify(exit)}\n`)
    expect(exit, proc.describe()).toEqual({ code: 0, signal: null })
    expect(alive(server!)).toBe(false)
  })

  it("SIGINT to the process group, as Ctrl-C sends it: the request in flight completes, exit 0", {
    timeout: 240_000
  }, async () => {
    const proc = pnpmStart(environment(), true)
    await P.listening(proc)
    const [server] = children(proc.pid)
    const exit = await stopDuringRequest(proc, () => process.kill(-proc.pid, "SIGINT"))
    process.stdout.write(`pnpm start, SIGINT to its process group: exit ${JSON.stringify(exit)}\n`)
    expect(exit, proc.describe()).toEqual({ code: 0, signal: null })
    expect(alive(server!)).toBe(false)
    // The second SIGINT (pnpm forwards the one it got) did not cut the request short.
    expect(proc.stdout.match(stopping)).toHaveLength(2)
  })
})

describe("node apps/server/dist/main.js", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal}: the request in flight completes, the database closes, exit 0`, async () => {
      const root = P.tempDir("process")
      const dataDir = `${root}/data`
      const proc = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: dataDir }), root)
      const exit = await stopDuringRequest(proc, () => proc.child.kill(signal))
      process.stdout.write(`node apps/server/dist/main.js, ${signal}: exit ${JSON.stringify(exit)}\n`)
      expect(exit, proc.describe()).toEqual({ code: 0, signal: null })
      expect(proc.stdout).toContain("Requests finished; closing the database")
      // The embedded database was closed: its lock is gone, and it opens again.
      expect(Fs.existsSync(`${dataDir}/roster.lock`)).toBe(false)
    })
  }

  it("ROSTER_SHUTDOWN_TIMEOUT bounds the wait: a request that never ends is cut, and the server still exits 0", async () => {
    const proc = P.startServer(
      P.env({ PORT: "0", ROSTER_DATA_DIR: "memory://", ROSTER_SHUTDOWN_TIMEOUT: "1" }),
      P.tempDir("process")
    )
    const port = await P.listening(proc)
    const token = (await proc.waitFor("stdout", curlLine))[1]!
    const held = heldPost(port, token, { email: "never@example.com" })
    await sleep(500)
    const signalled = Date.now()
    proc.child.kill("SIGTERM")
    expect(await proc.waitExit(15_000)).toEqual({ code: 0, signal: null })
    const took = Date.now() - signalled
    expect(took).toBeGreaterThanOrEqual(900)
    expect(took).toBeLessThan(8_000)
    await expect(held.response).rejects.toThrow()
  })

  it("ROSTER_SHUTDOWN_TIMEOUT that is not a number of seconds stops start-up, naming it", async () => {
    const proc = P.startServer(
      P.env({ PORT: "0", ROSTER_DATA_DIR: "memory://", ROSTER_SHUTDOWN_TIMEOUT: "10s" }),
      P.tempDir("process")
    )
    expect((await proc.waitExit()).code).toBe(1)
    expect(proc.stderr).toContain("ROSTER_SHUTDOWN_TIMEOUT: must be a whole number of seconds from 0 to 3600")
  })
})
