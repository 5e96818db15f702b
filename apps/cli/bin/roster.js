#!/usr/bin/env node
// The `roster` command: the bundled CLI in dist/ (built by `pnpm build`, and by `pnpm start`).
// `--version` is answered from package.json before anything loads: scripts probe it, often.
import { existsSync, readFileSync } from "node:fs"

const [first] = process.argv.slice(2)
const main = new URL("../dist/main.js", import.meta.url)
if (first === "--version" || first === "-V") {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
  process.stdout.write(`${version}\n`)
} else if (!existsSync(main)) {
  process.stderr.write("error NOT_BUILT: the roster command is not built yet; run `pnpm build` first\n")
  process.exitCode = 1
} else {
  await import(main.href)
}
