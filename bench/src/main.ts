/**
 * Roster's benchmarks, apart from `pnpm test`: timings are too noisy for a test run on a shared
 * machine, and each run costs minutes.
 *
 *   pnpm bench [signin-timing] [--samples 200] [--warmup 20] [--markdown]
 *   pnpm bench scale [--sizes 10000,100000,1000000] [--quick] [--seconds 10] [--out FILE] [--skip-build]
 *
 * signin-timing: PostgreSQL runs too when ROSTER_TEST_DATABASE_URL names an admin connection (a
 * scratch database is created and dropped, as in the tests). `--markdown` also prints the table as
 * docs/BENCHMARKS.md shows it. Exits 1 when a benchmark's check fails.
 *
 * scale: on the PostgreSQL of ROSTER_BENCH_DATABASE_URL (an admin connection; default
 * postgres://postgres@127.0.0.1:5432/postgres), on Roster's built server, which it builds first
 * (`--skip-build`: as it is). `--quick`: 10k members, 3 s per operation. `--out FILE` writes its tables as Markdown.
 * Its targets are reported, not enforced: the exit status says only whether it ran.
 */
import Table from "cli-table3"
import * as Os from "node:os"
import { parseArgs } from "node:util"
import * as Fs from "node:fs"
import * as Report from "./scale/Report.js"
import * as Scale from "./scale/Scale.js"
import * as Scratch from "./scale/Scratch.js"
import * as SignInTiming from "./SignInTiming.js"

const benchmarks = ["signin-timing", "scale"] as const

const { values, positionals } = parseArgs({
  // `pnpm bench -- --samples 50` passes the `--` on.
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
  allowPositionals: true,
  options: {
    samples: { type: "string", default: "200" },
    warmup: { type: "string", default: "20" },
    markdown: { type: "boolean", default: false },
    sizes: { type: "string" },
    quick: { type: "boolean", default: false },
    seconds: { type: "string" },
    out: { type: "string" },
    "skip-build": { type: "boolean", default: false }
  }
})

const unknownNames = positionals.filter((name) => !(benchmarks as ReadonlyArray<string>).includes(name))
if (unknownNames.length > 0) {
  console.error(`unknown benchmark ${unknownNames.join(", ")}; the benchmarks are: ${benchmarks.join(", ")}`)
  process.exit(2)
}
const samples = Number(values.samples)
const warmup = Number(values.warmup)
if (!Number.isInteger(samples) || samples < 2 || !Number.isInteger(warmup) || warmup < 0) {
  console.error("--samples must be a whole number, 2 or more; --warmup a whole number, 0 or more")
  process.exit(2)
}

const sizes = (values.sizes ?? (values.quick ? "10000" : "10000,100000,1000000")).split(",").map(Number)
const seconds = Number(values.seconds ?? (values.quick ? 3 : 10))
if (sizes.some((size) => !Number.isInteger(size) || size < 100) || !Number.isInteger(seconds) || seconds < 1) {
  console.error(
    "--sizes must be whole numbers of members, 100 or more, separated by commas; --seconds a whole number, 1 or more"
  )
  process.exit(2)
}

const machine = () =>
  `${Os.cpus()[0]?.model.trim() ?? "unknown CPU"}, ${Os.cpus().length} CPUs, ${(Os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${Os.platform()} ${Os.release()}, node ${process.version}`

const ms = (value: number) => value.toFixed(2)

const signInTiming = async (): Promise<boolean> => {
  console.log(
    `signin-timing: ${samples} refusals of each kind per storage, interleaved, after ${warmup} pairs of warm-up`
  )
  const loadBefore = Os.loadavg()[0]!
  const rows: Array<ReturnType<typeof SignInTiming.summarize> & { readonly version: string }> = []
  for (const storage of SignInTiming.storages()) {
    console.log(`  ${storage.name}…`)
    const result = await SignInTiming.run(storage, { samples, warmup })
    rows.push({ ...SignInTiming.summarize(result), version: result.version })
  }
  const header = [
    "storage",
    "known: median ms",
    "unknown: median ms",
    "Δ median ms",
    "known: p90 ms",
    "unknown: p90 ms",
    "rank-sum z",
    "result"
  ]
  const cells = rows.map((row) => [
    `${row.storage}, ${row.version}`,
    ms(row.knownMedian),
    ms(row.unknownMedian),
    ms(row.knownMedian - row.unknownMedian),
    ms(row.knownP90),
    ms(row.unknownP90),
    row.z.toFixed(1),
    Math.abs(row.z) <= SignInTiming.zLimit ? "ok" : `FAIL: beyond ±${SignInTiming.zLimit}`
  ])
  const table = new Table({ head: header, style: { head: [] } })
  table.push(...cells)
  console.log(table.toString())
  console.log(
    `${machine()}; load average ${loadBefore.toFixed(1)} before, ${Os.loadavg()[0]!.toFixed(1)} after; ${new Date().toISOString()}`
  )
  if (values.markdown) {
    console.log(
      [
        "",
        `| ${header.join(" | ")} |`,
        `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
        ...cells.map((row) => `| ${row.join(" | ")} |`)
      ].join("\n")
    )
  }
  return rows.every((row) => Math.abs(row.z) <= SignInTiming.zLimit)
}

const scale = async (): Promise<boolean> => {
  const adminUrl = process.env.ROSTER_BENCH_DATABASE_URL || Scratch.defaultAdminUrl
  console.log(
    `scale: ${sizes.join(", ")} members on ${new URL(adminUrl).host}; ${seconds} s per operation and server at concurrency 20`
  )
  const results = await Scale.run({
    adminUrl,
    sizes,
    load: { connections: 20, seconds, warmupSeconds: values.quick ? 1 : 2 },
    spreadOrganizations: 20,
    spreadMembers: 40,
    log: (line) => console.log(line),
    build: !values["skip-build"]
  })
  const grids = [...results.map(Report.throughput), Report.databaseTime(results), Report.data(results)]
  for (const grid of grids) console.log(Report.terminal(grid))
  const where = Report.machine(await Scratch.version(adminUrl))
  console.log(`${where}; ${new Date().toISOString()}`)
  if (values.out !== undefined) {
    Fs.writeFileSync(
      values.out,
      `${[`Machine: ${where}; ${new Date().toISOString()}.`, ...grids.map(Report.markdown)].join("\n\n")}\n`
    )
    console.log(`Markdown tables written to ${values.out}`)
  }
  return true
}

const chosen = positionals.length === 0 ? benchmarks : positionals
let passed = true
for (const name of chosen) {
  if (name === "signin-timing") passed = (await signInTiming()) && passed
  if (name === "scale") passed = (await scale()) && passed
}
if (!passed) {
  console.error("A benchmark's check failed (see the tables above).")
  process.exitCode = 1
}
