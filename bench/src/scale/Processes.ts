/**
 * The two servers under load, each a process of its own (as deployed): Roster's built server
 * (`apps/server/dist/main.js`) and the baseline. Their output goes to a file in the run's
 * directory, read for the listening line and kept for a look when something fails.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

export const repository = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../..")
export const rosterMain = Path.join(repository, "apps/server/dist/main.js")
const benchDirectory = Path.join(repository, "bench")

/**
 * Builds the server from the working tree (turbo: nothing to do when nothing changed), so that the
 * server measured is the code seeded and timed in process, never an older build.
 */
export const build = (): void => {
  const result = spawnSync(
    "pnpm",
    ["turbo", "run", "build", "--filter=@roster/app-server", "--output-logs=errors-only"],
    {
      cwd: repository,
      stdio: "inherit"
    }
  )
  if (result.status !== 0) throw new Error("pnpm turbo run build --filter=@roster/app-server failed")
}

export interface Running {
  readonly url: string
  readonly pid: number
  readonly stop: () => Promise<void>
}

const start = async (
  name: string,
  command: string,
  args: ReadonlyArray<string>,
  env: Record<string, string>,
  listening: RegExp,
  logDirectory: string
): Promise<Running> => {
  const logFile = Path.join(logDirectory, `${name}.log`)
  const out = Fs.openSync(logFile, "w")
  const child: ChildProcess = spawn(command, args, {
    cwd: benchDirectory,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", out, out]
  })
  Fs.closeSync(out)
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))])
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  }
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const port = listening.exec(Fs.readFileSync(logFile, "utf8"))?.[1]
    if (port !== undefined) return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop }
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await stop()
  throw new Error(`${name} did not start; its output:\n${Fs.readFileSync(logFile, "utf8").slice(-2000)}`)
}

/**
 * Roster's server on `databaseUrl`, configured as an operator would (LOG_LEVEL info: one line per
 * request, written to a file), on a port of its own choosing.
 */
export const roster = (databaseUrl: string, logDirectory: string): Promise<Running> =>
  start(
    "roster",
    process.execPath,
    [rosterMain],
    {
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: "0",
      ROSTER_SECRET_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL: "info"
    },
    /Roster is listening on http:\/\/127\.0\.0\.1:(\d+)/,
    logDirectory
  )

/** The raw express + pg baseline on `databaseUrl`, through tsx (as `pnpm bench` runs). */
export const baseline = (databaseUrl: string, logDirectory: string): Promise<Running> =>
  start(
    "baseline",
    process.execPath,
    ["--import", "tsx", Path.join(benchDirectory, "src/scale/BaselineMain.ts")],
    { BASELINE_DATABASE_URL: databaseUrl, PORT: "0" },
    /listening on (\d+)/,
    logDirectory
  )
