/**
 * Runs the OpenAPI tools (Redocly, openapi-typescript) the way the document tests need them: from
 * this package's own node_modules, with the network refused, so that a check passes only if the
 * tool works offline.
 */
import { execFile } from "node:child_process"
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

export const run = promisify(execFile)
export const packageRoot = fileURLToPath(new URL("..", import.meta.url))

/** A tool's entry point in this package's node_modules. */
export const bin = (path: string) => join(packageRoot, "node_modules", path)

/** Loaded before a tool runs: any attempt to reach the network is written to stderr and refused. */
const offline = `
import net from "node:net"
import tls from "node:tls"
const refuse = (what) => {
  process.stderr.write("NETWORK ATTEMPT: " + what + "\\n")
  throw new Error("no network in this check: " + what)
}
globalThis.fetch = async (input) => refuse(String(input?.url ?? input))
net.Socket.prototype.connect = function (options) { refuse(JSON.stringify(options)) }
tls.connect = (options) => refuse(JSON.stringify(options))
`

/** Runs a Node script offline, in `cwd`; never throws on a failing exit (its output says why). */
export const runOffline = async (
  cwd: string,
  script: string,
  args: ReadonlyArray<string>,
  env: NodeJS.ProcessEnv = {}
) => {
  const guard = join(cwd, "offline.mjs")
  await writeFile(guard, offline)
  return run(process.execPath, ["--import", guard, script, ...args], {
    cwd,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? 1,
      stdout: error.stdout ?? "",
      stderr: error.stderr ?? ""
    })
  )
}

/** Redocly's recommended rules over `file` in `cwd`, offline: its JSON report. */
export const redoclyLint = async (cwd: string, file: string) => {
  const { stdout, stderr } = await runOffline(
    cwd,
    bin("@redocly/cli/bin/cli.js"),
    ["lint", file, "--extends=recommended", "--format=json"],
    { REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" }
  )
  return { report: JSON.parse(stdout) as any, stderr }
}
