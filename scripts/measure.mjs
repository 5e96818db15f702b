#!/usr/bin/env node
/**
 * `pnpm measure`: the start-up and footprint targets, measured on this machine, as a table.
 *
 *   warm server start   the built server (`node apps/server/dist/main.js`) on an embedded database
 *                       that already exists, from spawn to the first answered `GET /health`
 *   pnpm start          the same through `pnpm start`, as the README starts it (a no-op cached build first)
 *   no-op build         `pnpm build` when nothing changed (turbo's cache)
 *   roster --version    the `roster` bin, spawn to exit
 *   roster call         `roster users list --json` beside the running server (found through the data
 *                       directory's lock, through its API), spawn to exit
 *   idle RSS            the whole process tree of `pnpm start` (pnpm, shell, node), summed, once idle
 *   reinstate files     production source files (packages/*\/src, apps/*\/src, migrations excluded)
 *                       that mention `reinstate`
 *
 * Options: `--runs N` (5) timed runs per row, the median is shown; `--json` prints the numbers only;
 * `--server "<command>"` measures another server command line (e.g. the sources through tsx, to
 * compare). It runs `pnpm build` first.
 */
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const index = args.indexOf(name)
  return index === -1 ? fallback : args[index + 1]
}
const runs = Number(option("--runs", "5"))
const asJson = args.includes("--json")
const serverCommand = option("--server", "node apps/server/dist/main.js").split(" ")
const pnpm = process.platform === "win32" ? "pnpm.cmd" : "pnpm"

// The targets of the "one operation, one place" issue: 1.5 s to /health (2.2 s with tsx), 0.4 s for
// --version, 60 % of the 579 MB the tsx-run tree took, at most 4 files naming reinstate.
// A whole CLI call to a running server: 0.6 s (issue 10).
const targets = {
  serverStartMs: 1500,
  versionMs: 400,
  cliCallMs: 600,
  idleRssMb: Math.round(579 * 0.6),
  reinstateFiles: 4
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `GET /health` until it answers 200; the time it took since `startedAt`. */
const waitHealthy = async (port, child, startedAt, timeoutMs = 120_000) => {
  while (performance.now() - startedAt < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before answering`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`)
      if (response.status === 200) return performance.now() - startedAt
    } catch {
      // Not listening yet.
    }
    await sleep(10)
  }
  throw new Error(`no answer from /health within ${timeoutMs} ms`)
}

/** The child's environment: what node and pnpm need, the server's settings, nothing of ours. */
const serverEnv = (port, dataDir) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  PORT: String(port),
  HOST: "127.0.0.1",
  ROSTER_DATA_DIR: dataDir,
  ROSTER_KEY_FILE: Path.join(dataDir, "..", "secret.key"),
  LOG_LEVEL: "warning",
  TURBO_TELEMETRY_DISABLED: "1"
})

const stopTree = async (child) => {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once("exit", resolve))
  // Detached: the group holds pnpm, its shell and the server; SIGTERM lets the server close the database.
  process.kill(-child.pid, "SIGTERM")
  const timer = setTimeout(() => process.kill(-child.pid, "SIGKILL"), 30_000)
  await exited
  clearTimeout(timer)
  // pnpm may exit before its child: wait for the data directory's lock to be released.
  await sleep(300)
}

const startServer = async (command, dataDir) => {
  const port = await freePort()
  const startedAt = performance.now()
  const child = spawn(command[0], command.slice(1), {
    cwd: root,
    env: serverEnv(port, dataDir),
    stdio: ["ignore", "ignore", "pipe"],
    detached: true
  })
  let stderr = ""
  child.stderr.on("data", (chunk) => {
    stderr += chunk
  })
  try {
    const ms = await waitHealthy(port, child, startedAt)
    return { child, ms }
  } catch (error) {
    await stopTree(child)
    throw new Error(`${command.join(" ")}: ${error.message}\n${stderr}`)
  }
}

/** Every process under `pid` (itself included), read from /proc. */
const tree = (pid) => {
  const parents = new Map()
  for (const entry of Fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = Fs.readFileSync(`/proc/${entry}/stat`, "utf8")
      // The command name is in parentheses and may hold spaces: read the fields after it.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
      parents.set(Number(entry), ppid)
    } catch {
      // Ended meanwhile.
    }
  }
  const result = [pid]
  for (let i = 0; i < result.length; i++) {
    for (const [child, parent] of parents) if (parent === result[i]) result.push(child)
  }
  return result
}

const rssKb = (pid) => {
  try {
    const status = Fs.readFileSync(`/proc/${pid}/status`, "utf8")
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  } catch {
    return 0
  }
}

const commandOf = (pid) => {
  try {
    return Fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 90)
  } catch {
    return "?"
  }
}

const timeCommand = (command, commandArgs, env = {}) => {
  const startedAt = performance.now()
  execFileSync(command, commandArgs, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", ...env }
  })
  return performance.now() - startedAt
}

const reinstateFiles = () => {
  const files = []
  const walk = (dir) => {
    for (const entry of Fs.readdirSync(dir, { withFileTypes: true })) {
      const path = Path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== "migrations" && entry.name !== "node_modules") walk(path)
      } else if (/\.(ts|tsx|js|mjs|cjs|sql|json)$/.test(entry.name)) {
        if (/reinstate/i.test(Fs.readFileSync(path, "utf8"))) files.push(Path.relative(root, path))
      }
    }
  }
  for (const group of ["packages", "apps"]) {
    for (const name of Fs.readdirSync(Path.join(root, group))) {
      const src = Path.join(root, group, name, "src")
      if (Fs.existsSync(src)) walk(src)
    }
  }
  return files.sort()
}

const log = (line) => {
  if (!asJson) process.stderr.write(`${line}\n`)
}

const main = async () => {
  const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-measure-"))
  const dataDir = Path.join(work, "data")
  const results = {}
  try {
    log("pnpm build…")
    try {
      timeCommand(pnpm, ["build"])
    } catch (error) {
      if (serverCommand.join(" ") === "node apps/server/dist/main.js") throw error
      // Measuring another command (the sources through tsx, say) on a checkout that cannot build.
    }
    log(`creating an embedded database in ${dataDir} (a first start: initdb)…`)
    const first = await startServer(serverCommand, dataDir)
    await stopTree(first.child)

    log(`warm starts of \`${serverCommand.join(" ")}\`…`)
    const starts = []
    for (let i = 0; i < runs; i++) {
      const { child, ms } = await startServer(serverCommand, dataDir)
      starts.push(ms)
      await stopTree(child)
    }
    results.serverStartMs = median(starts)

    log("no-op `pnpm build`…")
    try {
      results.noopBuildMs = median(Array.from({ length: Math.min(runs, 3) }, () => timeCommand(pnpm, ["build"])))
    } catch {
      results.noopBuildMs = Number.NaN // No build step (a checkout from before builds existed).
    }

    log("warm starts through `pnpm start`…")
    const pnpmStarts = []
    for (let i = 0; i < Math.min(runs, 3); i++) {
      const { child, ms } = await startServer([pnpm, "start"], dataDir)
      pnpmStarts.push(ms)
      if (i < Math.min(runs, 3) - 1) await stopTree(child)
      else {
        // Idle: let start-up garbage settle, then sum the tree's resident memory.
        await sleep(5_000)
        const pids = tree(child.pid)
        const processes = pids.map((pid) => ({ pid, rssMb: rssKb(pid) / 1024, command: commandOf(pid) }))
        results.idleRssMb = processes.reduce((sum, p) => sum + p.rssMb, 0)
        results.idleTree = processes.map((p) => ({ ...p, rssMb: Math.round(p.rssMb) }))
        log("roster calls to the running server…")
        const call = () =>
          timeCommand(
            process.execPath,
            [Path.join(root, "apps/cli/bin/roster.js"), "users", "list", "--org", "My Organization", "--json"],
            { ROSTER_DATA_DIR: dataDir }
          )
        call()
        results.cliCallMs = median(Array.from({ length: runs }, call))
        await stopTree(child)
      }
    }
    results.pnpmStartMs = median(pnpmStarts)

    log("roster --version…")
    const bin = Path.join(root, "apps/cli/bin/roster.js")
    timeCommand(process.execPath, [bin, "--version"])
    results.versionMs = median(Array.from({ length: runs }, () => timeCommand(process.execPath, [bin, "--version"])))
    results.reinstateFiles = reinstateFiles().length
    results.reinstateFileList = reinstateFiles()
  } finally {
    Fs.rmSync(work, { recursive: true, force: true })
  }

  if (asJson) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
    return
  }
  const ms = (value) => (Number.isNaN(value) ? "n/a" : `${(value / 1000).toFixed(2)} s`)
  const rows = [
    ["warm server start → GET /health", ms(results.serverStartMs), `≤ ${ms(targets.serverStartMs)}`],
    ["pnpm start → GET /health (warm, cached build)", ms(results.pnpmStartMs), ""],
    ["no-op pnpm build (cached)", ms(results.noopBuildMs), ""],
    ["roster --version", ms(results.versionMs), `≤ ${ms(targets.versionMs)}`],
    ["roster users list beside the running server", ms(results.cliCallMs), `≤ ${ms(targets.cliCallMs)}`],
    ["idle RSS, pnpm start tree", `${Math.round(results.idleRssMb)} MB`, `≤ ${targets.idleRssMb} MB`],
    ["production files mentioning reinstate", String(results.reinstateFiles), `≤ ${targets.reinstateFiles}`]
  ]
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), 6))
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`
  console.log(line(["measure", "value", "target"]))
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`)
  for (const row of rows) console.log(line(row))
  console.log(`\n(median of ${runs} runs; ${Os.cpus().length} cores, node ${process.version})`)
  console.log("idle tree:")
  for (const p of results.idleTree) console.log(`  ${String(p.rssMb).padStart(4)} MB  ${p.command}`)
  console.log("files naming reinstate:")
  for (const file of results.reinstateFileList) console.log(`  ${file}`)
}

await main()
