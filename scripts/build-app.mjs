#!/usr/bin/env node
/**
 * Bundles an app (apps/*) into one ES module per entry point in its `dist/`, run by plain `node`.
 * Usage, from the app's directory: `node ../../scripts/build-app.mjs src/main.ts [more entries…]`.
 * With `--split`, a module the entry imports dynamically (`await import("./Database.js")`) and what
 * only it uses go into a chunk of their own (`dist/chunks/`), loaded when that import runs: the
 * CLI's API path never loads the database's code.
 *
 * Everything is inlined — the workspace packages (from their built `dist/`, so this runs after
 * `^build`) and the npm packages, effect included — except the packages named by `--external`: those
 * a bundle cannot hold (PGlite reads its .wasm and .data files beside its module; argon2 is a native
 * addon; pg requires an optional native module). They must be dependencies of the app. One file
 * instead of hundreds of modules saves a third of the start-up's JavaScript work; see
 * docs/CONTRIBUTING.md ("Packages and builds").
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as esbuild from "esbuild"

const args = process.argv.slice(2)
const external = args.flatMap((arg, i) => (args[i - 1] === "--external" ? [arg, `${arg}/*`] : []))
const split = args.includes("--split")
const entries = args.filter((arg, i) => arg !== "--external" && arg !== "--split" && args[i - 1] !== "--external")
if (entries.length === 0) {
  process.stderr.write("usage: node ../../scripts/build-app.mjs src/main.ts [--external <npm package>]…\n")
  process.exit(2)
}

// An external is loaded from node_modules at run time: the app must depend on it, or it is not there.
const manifest = JSON.parse(Fs.readFileSync("package.json", "utf8"))
const missing = external.filter((name) => !name.endsWith("/*") && manifest.dependencies?.[name] === undefined)
if (missing.length > 0) {
  process.stderr.write(`build-app: add ${missing.join(", ")} to the dependencies of ${manifest.name}\n`)
  process.exit(2)
}

Fs.rmSync("dist", { recursive: true, force: true })
const result = await esbuild
  .build({
    entryPoints: entries,
    outdir: "dist",
    outbase: "src",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    external,
    splitting: split,
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    // Bundled CommonJS (express, commander, …) calls `require` for Node's built-ins: give it one.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);'
    }
  })
  // esbuild has printed the errors already.
  .catch(() => process.exit(1))

for (const [file, output] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith(".js")) {
    process.stdout.write(`${Path.relative(".", file)}  ${(output.bytes / 1024).toFixed(0)} KB\n`)
  }
}
