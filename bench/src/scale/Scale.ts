/**
 * `scale`: Roster at 10k, 100k and 1M members on PostgreSQL, against a raw express + pg baseline on
 * the same database and data (issue 11). For each size: a scratch database, migrated and seeded;
 * database time per query shape (`DatabaseTime`); then both servers, each its own process, under
 * autocannon at concurrency 20, one operation at a time (`Workload`, `Load`).
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as DatabaseTime from "./DatabaseTime.js"
import * as Load from "./Load.js"
import * as Processes from "./Processes.js"
import * as Scratch from "./Scratch.js"
import * as Seeding from "./Seeding.js"
import * as Workload from "./Workload.js"

export interface Options {
  readonly adminUrl: string
  readonly sizes: ReadonlyArray<number>
  readonly load: Load.Options
  /** Organizations the spread writes go over, and members in each. */
  readonly spreadOrganizations: number
  readonly spreadMembers: number
  readonly log: (line: string) => void
  /** Whether to build the server first (`pnpm turbo run build`); false: run whatever `dist/` holds. */
  readonly build: boolean
}

export interface SizeResult {
  readonly size: number
  readonly seeding: { readonly method: string; readonly seconds: number }
  readonly fixtures: Pick<Workload.Fixtures, "members" | "rare" | "common" | "statusFilter">
  readonly databaseTime: ReadonlyMap<DatabaseTime.ShapeId, DatabaseTime.Timing>
  readonly load: ReadonlyMap<Workload.OperationId, Readonly<Record<Workload.Side, Load.Measured | undefined>>>
  readonly loadAverage: readonly [number, number]
}

const progress = (log: (line: string) => void, label: string) => {
  let shown = -1
  return (done: number, total: number) => {
    const percent = Math.floor((100 * done) / total)
    if (percent >= shown + 10) {
      shown = percent
      log(`    ${label}: ${done}/${total}`)
    }
  }
}

const runSize = async (size: number, options: Options, logDirectory: string): Promise<SizeResult> => {
  const { log } = options
  const scratch = await Scratch.create(options.adminUrl, String(size))
  log(`  ${size} members: database ${scratch.name}`)
  const running: Array<Processes.Running> = []
  try {
    const seeder = await Seeding.open(scratch.url)
    const started = performance.now()
    let main: Seeding.Seeded
    const spread: Array<Seeding.Seeded> = []
    try {
      log(`    seeding through ${seeder.method}`)
      main = await seeder.seed({ members: size, organization: "Bench", onProgress: progress(log, "members") })
      for (let i = 0; i < options.spreadOrganizations; i++) {
        spread.push(await seeder.seed({ members: options.spreadMembers, organization: `Bench spread ${i + 1}` }))
      }
    } finally {
      await seeder.close()
    }
    const seconds = (performance.now() - started) / 1000
    log(`    seeded in ${seconds.toFixed(0)} s`)
    const fixtures = await Workload.read(scratch.url, main, spread)
    log(
      `    rare term "${fixtures.rare.term}" (${fixtures.rare.matches}), common term "${fixtures.common.term}" (${fixtures.common.matches}), ${fixtures.statusFilter.status} ${fixtures.statusFilter.matches}`
    )
    log("    database time per query shape…")
    const databaseTime = await DatabaseTime.measure(scratch.url, fixtures)

    const roster = await Processes.roster(scratch.url, logDirectory)
    running.push(roster)
    const baseline = await Processes.baseline(scratch.url, logDirectory)
    running.push(baseline)
    const servers = { roster, baseline } as const
    const cursors = {
      roster: await Workload.nextPage(roster.url, main.token),
      baseline: await Workload.nextPage(baseline.url, main.token)
    }
    const load = new Map<Workload.OperationId, Record<Workload.Side, Load.Measured | undefined>>()
    const loadBefore = Os.loadavg()[0]!
    for (const operation of Workload.operations) {
      const measured: Record<Workload.Side, Load.Measured | undefined> = { roster: undefined, baseline: undefined }
      for (const side of ["roster", "baseline"] as const) {
        const cursor = cursors[side]
        if (Workload.calls(operation.id, side, fixtures, cursor) === undefined) continue
        measured[side] = await Load.measure(
          servers[side].url,
          main.token,
          (phase) => Workload.calls(operation.id, side, fixtures, cursor, phase)!,
          options.load
        )
      }
      log(`    ${operation.label}: Roster ${describe(measured.roster)}; baseline ${describe(measured.baseline)}`)
      load.set(operation.id, measured)
    }
    return {
      size,
      seeding: { method: seeder.method, seconds },
      fixtures,
      databaseTime,
      load,
      loadAverage: [loadBefore, Os.loadavg()[0]!]
    }
  } finally {
    for (const server of running) await server.stop()
    await scratch.drop()
  }
}

const describe = (measured: Load.Measured | undefined) =>
  measured === undefined
    ? "n/a"
    : `${measured.requestsPerSecond.toFixed(0)} req/s, p99 ${measured.p99Ms} ms${measured.failures > 0 ? `, ${measured.failures} failed` : ""}`

export const run = async (options: Options): Promise<ReadonlyArray<SizeResult>> => {
  if (options.build) {
    options.log("  building the server (turbo)…")
    Processes.build()
  }
  if (!Fs.existsSync(Processes.rosterMain)) {
    throw new Error(`${Processes.rosterMain} is missing: run pnpm build first`)
  }
  const logDirectory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-bench-"))
  options.log(`  servers' output in ${logDirectory}`)
  const results: Array<SizeResult> = []
  for (const size of options.sizes) results.push(await runSize(size, options, logDirectory))
  return results
}
