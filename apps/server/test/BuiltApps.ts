/**
 * vitest's globalSetup for both apps' suites, which run the built apps as processes: build them first
 * (turbo; a cached no-op when nothing changed), so that `vitest run` in an app never tests a stale
 * dist/. Under `pnpm test` turbo has built them already (apps' turbo.json: test depends on both
 * builds), and a second turbo building the same outputs meanwhile would race it.
 */
import { execFileSync } from "node:child_process"
import * as Path from "node:path"
import { repoRoot } from "./Processes.js"

export default function setup(): void {
  if (process.env.TURBO_HASH !== undefined) return
  execFileSync(
    Path.join(repoRoot, "node_modules/.bin/turbo"),
    ["run", "build", "--filter=@roster/app-server", "--filter=@roster/app-cli", "--output-logs=errors-only"],
    { cwd: repoRoot, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } }
  )
}
