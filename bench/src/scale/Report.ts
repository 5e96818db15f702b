/**
 * `scale`'s tables, for the terminal (cli-table3) and as Markdown for docs/BENCHMARKS.md: HTTP
 * throughput against the baseline per size, database time per shape across sizes, growth, and
 * each target met or not.
 */
import Table from "cli-table3"
import * as Os from "node:os"
import * as DatabaseTime from "./DatabaseTime.js"
import type * as Load from "./Load.js"
import type * as Scale from "./Scale.js"
import * as Targets from "./Targets.js"
import * as Workload from "./Workload.js"

export interface Grid {
  readonly title: string
  readonly head: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
  /** Columns aligned right (numbers). */
  readonly numeric: ReadonlyArray<number>
}

const members = (size: number) =>
  size >= 1_000_000 && size % 1_000_000 === 0
    ? `${size / 1_000_000}M`
    : size >= 1000 && size % 1000 === 0
      ? `${size / 1000}k`
      : String(size)

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1))

export const machine = (postgres: string): string => {
  const cpus = Os.cpus()
  return `${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores, ${(Os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${Os.platform()} ${Os.release()}, Node ${process.version}, PostgreSQL ${postgres}`
}

/** Per size: each operation's requests per second and p99 for both servers, and the ratio. */
export const throughput = (result: Scale.SizeResult): Grid => {
  const rows = Workload.operations.map((operation) => {
    const { roster, baseline } = result.load.get(operation.id) ?? { roster: undefined, baseline: undefined }
    // A server that answered nothing in time (every request timed out) has no ratio, nor a p99.
    const answered = (measured: Load.Measured | undefined) => measured !== undefined && measured.requests > 0
    const ratio =
      answered(roster) && answered(baseline) ? roster!.requestsPerSecond / baseline!.requestsPerSecond : undefined
    const failed = (roster?.failures ?? 0) + (baseline?.failures ?? 0)
    const p99 = (measured: Load.Measured | undefined) =>
      measured === undefined ? "n/a" : measured.requests === 0 ? "none answered" : String(measured.p99Ms)
    return [
      operation.label + (failed > 0 ? ` (${failed} failed)` : ""),
      roster === undefined ? "n/a" : roster.requestsPerSecond.toFixed(0),
      p99(roster),
      baseline === undefined ? "n/a" : baseline.requestsPerSecond.toFixed(0),
      p99(baseline),
      ratio === undefined ? "n/a" : `${ratio.toFixed(2)}×`,
      `≥ ${Targets.minRatio[operation.kind]}×`,
      Targets.verdict(ratio === undefined ? undefined : ratio >= Targets.minRatio[operation.kind])
    ]
  })
  const one = result.load.get("lifecycle-one")?.roster
  const spread = result.load.get("lifecycle-spread")?.roster
  const contention =
    one !== undefined && spread !== undefined ? one.requestsPerSecond / spread.requestsPerSecond : undefined
  rows.push([
    "Roster: one organization ÷ spread",
    "",
    "",
    "",
    "",
    contention === undefined ? "n/a" : `${contention.toFixed(2)}×`,
    `≥ ${Targets.minOneOverSpread}×`,
    Targets.verdict(contention === undefined ? undefined : contention >= Targets.minOneOverSpread)
  ])
  return {
    title: `HTTP at ${members(result.size)} members: concurrency 20, Roster ÷ raw baseline (load average ${result.loadAverage[0].toFixed(1)} → ${result.loadAverage[1].toFixed(1)})`,
    head: [
      "operation",
      "Roster req/s",
      "Roster p99 ms",
      "baseline req/s",
      "baseline p99 ms",
      "ratio",
      "target",
      "result"
    ],
    rows,
    numeric: [1, 2, 3, 4, 5]
  }
}

/** Every size's database time per shape, the target, its verdict at the largest size, and growth. */
export const databaseTime = (results: ReadonlyArray<Scale.SizeResult>): Grid => {
  const largest = results.at(-1)!
  const smallest = results[0]!
  const rows = DatabaseTime.shapes.map((shape) => {
    const cells = results.map((result) => {
      const timing = result.databaseTime.get(shape.id)
      return timing === undefined ? "n/a" : `${ms(timing.ms)} (${timing.statements})`
    })
    const target = Targets.databaseMs[shape.id]
    const atLargest = largest.databaseTime.get(shape.id)
    const met = target === undefined || atLargest === undefined ? undefined : atLargest.ms <= target
    const first = smallest.databaseTime.get(shape.id)
    const grown =
      results.length > 1 && first !== undefined && atLargest !== undefined ? atLargest.ms / first.ms : undefined
    const growthChecked = Targets.growth.includes(shape.id)
    return [
      shape.label,
      ...cells,
      target === undefined ? "—" : `≤ ${target}`,
      target === undefined ? "—" : Targets.verdict(met),
      grown === undefined ? "n/a" : `${grown.toFixed(2)}×`,
      growthChecked ? Targets.verdict(grown === undefined ? undefined : grown <= Targets.maxGrowth) : "—"
    ]
  })
  const span = results.length > 1 ? `${members(smallest.size)} → ${members(largest.size)}` : "growth"
  return {
    title: `Database time per query shape, ms (statements per request), median of 9 requests; targets at ${members(Targets.targetSize)}, judged at ${members(largest.size)}`,
    head: [
      "shape",
      ...results.map((result) => members(result.size)),
      "target ms",
      `at ${members(largest.size)}`,
      span,
      `≤ ${Targets.maxGrowth}×`
    ],
    rows,
    numeric: results.map((_, i) => i + 1)
  }
}

/** What each size's data was: the search terms and how many members each finds, and the seeding. */
export const data = (results: ReadonlyArray<Scale.SizeResult>): Grid => ({
  title: "Data",
  head: ["members", "seeded by", "seconds", "rare term (matches)", "common term (matches)", "status filter (matches)"],
  rows: results.map((result) => {
    const { fixtures } = result
    const share = (n: number) => `${((100 * n) / Math.max(1, fixtures.members)).toFixed(1)} %`
    return [
      `${members(result.size)} (${fixtures.members} listed)`,
      result.seeding.method,
      result.seeding.seconds.toFixed(0),
      `${fixtures.rare.term} (${fixtures.rare.matches})`,
      `${fixtures.common.term} (${fixtures.common.matches}, ${share(fixtures.common.matches)})`,
      `${fixtures.statusFilter.status} (${fixtures.statusFilter.matches}, ${share(fixtures.statusFilter.matches)})`
    ]
  }),
  numeric: [2]
})

export const terminal = (grid: Grid): string => {
  const table = new Table({
    head: [...grid.head],
    style: { head: [] },
    colAligns: grid.head.map((_, i) => (grid.numeric.includes(i) ? "right" : "left"))
  })
  table.push(...grid.rows.map((row) => [...row]))
  return `${grid.title}\n${table.toString()}`
}

export const markdown = (grid: Grid): string =>
  [
    `**${grid.title}**`,
    "",
    `| ${grid.head.join(" | ")} |`,
    `| ${grid.head.map((_, i) => (grid.numeric.includes(i) ? "---:" : "---")).join(" | ")} |`,
    ...grid.rows.map((row) => `| ${row.join(" | ")} |`)
  ].join("\n")
