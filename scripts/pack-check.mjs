#!/usr/bin/env node
/**
 * `pnpm pack-check`: every publishable package (a packages/* without `"private": true`), packed as
 * the registry would serve it, installed with npm in an empty project outside the workspace, used by
 * a TypeScript consumer compiled with the strictest settings a consumer may have, and run.
 *
 *   1. build (turbo, cached) and `pnpm pack` each publishable package;
 *   2. check each packed manifest: no `catalog:` / `workspace:` left, no "@roster/source" export
 *      condition, every file `exports` / `types` name is in the tarball;
 *   3. `npm install` the tarballs (together: one may depend on another) with effect, typescript and
 *      @types/node at the catalog's versions, in a temporary directory;
 *   4. compile scripts/pack-check/<name>.ts (the package name without its scope) and the package's
 *      examples/*.ts with `strict`, `exactOptionalPropertyTypes`, NodeNext and `skipLibCheck: false`;
 *   5. run every compiled file with node.
 *
 * Needs the npm registry. Exits 1 on the first failing step; `--keep` leaves the project in place.
 */
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const keep = process.argv.includes("--keep")
const pnpm = process.platform === "win32" ? "pnpm.cmd" : "pnpm"
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const started = performance.now()

const step = (text) => process.stdout.write(`pack-check: ${text}\n`)
class Failure extends Error {}
const fail = (text) => {
  throw new Failure(text)
}
const run = (command, args, cwd, what) => {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" }
    })
  } catch (error) {
    fail(`${what}\n${error.stdout ?? ""}${error.stderr ?? ""}`)
  }
}

/** The default catalog of pnpm-workspace.yaml (`name: version` lines under `catalog:`). */
const catalog = () => {
  const versions = {}
  let inside = false
  for (const line of Fs.readFileSync(Path.join(root, "pnpm-workspace.yaml"), "utf8").split("\n")) {
    if (/^\S/.test(line)) inside = line.startsWith("catalog:")
    const entry = inside ? /^ {2}"?([^":\s]+)"?:\s*(\S+)\s*$/.exec(line) : null
    if (entry !== null) versions[entry[1]] = entry[2]
  }
  return versions
}

const publishable = Fs.readdirSync(Path.join(root, "packages"))
  .map((dir) => Path.join(root, "packages", dir))
  .filter((dir) => Fs.existsSync(Path.join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => manifest.private !== true)
if (publishable.length === 0) {
  process.stderr.write("pack-check: no publishable package (every packages/* is private)\n")
  process.exit(1)
}
const shortName = (name) => name.replace(/^@[^/]+\//, "")

const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-pack-check-"))
try {
  step(`${publishable.map(({ manifest }) => manifest.name).join(", ")} → ${work}`)

  // 1. Build and pack.
  run(
    pnpm,
    [
      "exec",
      "turbo",
      "run",
      "build",
      "--output-logs=errors-only",
      ...publishable.map((p) => `--filter=${p.manifest.name}`)
    ],
    root,
    "the build failed"
  )
  const tarballs = Path.join(work, "tarballs")
  Fs.mkdirSync(tarballs)
  const packed = []
  for (const { dir, manifest } of publishable) {
    const before = new Set(Fs.readdirSync(tarballs))
    run(pnpm, ["pack", "--pack-destination", tarballs], dir, `pnpm pack of ${manifest.name}`)
    const tarball = Fs.readdirSync(tarballs).find((file) => !before.has(file))
    packed.push({ manifest, dir, tarball: Path.join(tarballs, tarball) })
  }

  // 2. What the registry would serve.
  for (const { manifest, tarball } of packed) {
    const listing = run("tar", ["-tzf", tarball], work, `listing ${tarball}`)
    const files = new Set(listing.split("\n").map((line) => line.replace(/^package\//, "")))
    const served = JSON.parse(run("tar", ["-xzOf", tarball, "package/package.json"], work, "reading the manifest"))
    const text = JSON.stringify(served)
    const problems = []
    if (/"(catalog|workspace):/.test(text)) problems.push("a catalog: or workspace: version is left")
    if (JSON.stringify(served.exports ?? {}).includes("@roster/source")) {
      problems.push('an "@roster/source" export condition is left (publishConfig.exports drops it)')
    }
    const targets = []
    const collect = (value) => {
      if (typeof value === "string") targets.push(value)
      else if (value !== null && typeof value === "object") Object.values(value).forEach(collect)
    }
    collect(served.exports)
    collect(served.types)
    collect(served.main)
    for (const target of targets) {
      if (!files.has(target.replace(/^\.\//, ""))) problems.push(`${target} is named but not packed`)
    }
    if (problems.length > 0) fail(`${manifest.name}: ${problems.join("; ")}`)
    step(`${Path.basename(tarball)}: ${files.size - 1} files, manifest ok`)
  }

  // 3. An empty project outside the workspace.
  const project = Path.join(work, "consumer")
  Fs.mkdirSync(Path.join(project, "src"), { recursive: true })
  Fs.writeFileSync(
    Path.join(project, "package.json"),
    `${JSON.stringify({ name: "roster-consumer", private: true, type: "module" }, null, 2)}\n`
  )
  const versions = catalog()
  const tools = ["effect", "typescript", "@types/node"].map((name) => `${name}@${versions[name]}`)
  step(`npm install ${packed.map((p) => Path.basename(p.tarball)).join(" ")} ${tools.join(" ")}`)
  run(
    npm,
    ["install", "--no-audit", "--no-fund", "--ignore-scripts", ...packed.map((p) => p.tarball), ...tools],
    project,
    "npm install failed"
  )

  // 4. The consumers, compiled as strictly as a consumer may.
  const sources = []
  for (const { manifest, dir } of packed) {
    const own = Path.join(root, "scripts/pack-check", `${shortName(manifest.name)}.ts`)
    if (!Fs.existsSync(own))
      fail(`${manifest.name} has no consumer: write scripts/pack-check/${shortName(manifest.name)}.ts`)
    sources.push({ from: own, to: `${shortName(manifest.name)}.ts` })
    const examples = Path.join(dir, "examples")
    if (Fs.existsSync(examples)) {
      for (const file of Fs.readdirSync(examples).filter((f) => f.endsWith(".ts"))) {
        sources.push({ from: Path.join(examples, file), to: `${shortName(manifest.name)}-examples-${file}` })
      }
    }
  }
  for (const { from, to } of sources) Fs.copyFileSync(from, Path.join(project, "src", to))
  Fs.writeFileSync(
    Path.join(project, "tsconfig.json"),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          types: ["node"],
          outDir: "dist",
          rootDir: "src"
        },
        include: ["src"]
      },
      null,
      2
    )}\n`
  )
  step(`tsc (strict, exactOptionalPropertyTypes, NodeNext, skipLibCheck false): ${sources.map((s) => s.to).join(", ")}`)
  run(process.execPath, [Path.join(project, "node_modules/typescript/bin/tsc"), "-p", "."], project, "tsc failed")

  // 5. Run them.
  for (const { to } of sources) {
    const output = run(process.execPath, [Path.join("dist", to.replace(/\.ts$/, ".js"))], project, `node ${to} failed`)
    step(`node ${to}: ${output.trim().split("\n").at(-1) ?? ""}`)
  }
  step(`ok in ${((performance.now() - started) / 1000).toFixed(1)} s`)
} catch (error) {
  if (!(error instanceof Failure)) throw error
  process.stderr.write(`pack-check: FAILED: ${error.message}\n`)
  process.exitCode = 1
} finally {
  if (keep) step(`kept ${work}`)
  else Fs.rmSync(work, { recursive: true, force: true })
}
