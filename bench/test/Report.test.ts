/** The scale benchmark's verdicts: targets judged at the largest size, growth from the smallest. */
import { describe, expect, it } from "vitest"
import type * as DatabaseTime from "../src/scale/DatabaseTime.js"
import * as Report from "../src/scale/Report.js"
import type * as Scale from "../src/scale/Scale.js"

const sized = (size: number, times: Partial<Record<DatabaseTime.ShapeId, number>>): Scale.SizeResult => ({
  size,
  seeding: { method: "Seed", seconds: 1 },
  fixtures: {
    members: size,
    rare: { term: "ada@example.com", matches: 1 },
    common: { term: "example.org", matches: size / 4 },
    statusFilter: { status: "INACTIVE", matches: size / 10 }
  },
  databaseTime: new Map(Object.entries(times).map(([id, ms]) => [id as DatabaseTime.ShapeId, { ms, statements: 2 }])),
  load: new Map([
    [
      "get-user",
      {
        roster: { requestsPerSecond: 900, p99Ms: 30, requests: 9000, failures: 0 },
        baseline: { requestsPerSecond: 1000, p99Ms: 20, requests: 10000, failures: 0 }
      }
    ],
    [
      "search-rare",
      {
        roster: { requestsPerSecond: 60, p99Ms: 500, requests: 600, failures: 0 },
        baseline: { requestsPerSecond: 0, p99Ms: 0, requests: 0, failures: 40 }
      }
    ],
    [
      "lifecycle-one",
      { roster: { requestsPerSecond: 100, p99Ms: 90, requests: 1000, failures: 0 }, baseline: undefined }
    ],
    [
      "lifecycle-spread",
      { roster: { requestsPerSecond: 400, p99Ms: 40, requests: 4000, failures: 2 }, baseline: undefined }
    ]
  ]),
  loadAverage: [1, 1]
})

const row = (grid: Report.Grid, first: string) => grid.rows.find((cells) => cells[0]!.startsWith(first))!

describe("Report", () => {
  it("judges database time at the largest size and growth from the smallest", () => {
    const grid = Report.databaseTime([
      sized(10_000, { "page-0": 1, "get-user": 0.5, "search-rare": 3 }),
      sized(1_000_000, { "page-0": 4, "get-user": 0.6, "search-rare": 30 })
    ])
    expect(grid.head).toEqual(["shape", "10k", "1M", "target ms", "at 1M", "10k → 1M", "≤ 1.5×"])
    expect(row(grid, "member list, page 0")).toEqual([
      "member list, page 0 with totals",
      "1.00 (2)",
      "4.00 (2)",
      "≤ 5",
      "met",
      "4.00×",
      "not met"
    ])
    expect(row(grid, "GET user").slice(4)).toEqual(["met", "1.20×", "met"])
    // Growth is judged only where the issue sets it; a target missed at the largest size is not met.
    expect(row(grid, "search, rare term").slice(3)).toEqual(["≤ 20", "not met", "10.00×", "—"])
    expect(row(grid, "member list, cursor page").slice(1)).toEqual(["n/a", "n/a", "≤ 5", "n/a", "n/a", "n/a"])
  })

  it("gives each operation's ratio against the baseline, and one organization against spread", () => {
    const grid = Report.throughput(sized(10_000, {}))
    expect(row(grid, "GET user").slice(5)).toEqual(["0.90×", "≥ 0.8×", "met"])
    expect(row(grid, "list, page 0").slice(1)).toEqual(["n/a", "n/a", "n/a", "n/a", "n/a", "≥ 0.8×", "n/a"])
    // A baseline that answered nothing in time: no ratio, no p99.
    expect(row(grid, "search, rare term")).toEqual([
      "search, rare term (40 failed)",
      "60",
      "500",
      "0",
      "none answered",
      "n/a",
      "≥ 0.8×",
      "n/a"
    ])
    expect(row(grid, "terminate/reinstate, spread")[0]).toBe("terminate/reinstate, spread (2 failed)")
    expect(row(grid, "Roster: one organization ÷ spread").slice(5)).toEqual(["0.25×", "≥ 0.5×", "not met"])
  })

  it("writes Markdown tables with numbers aligned right", () => {
    const text = Report.markdown({ title: "T", head: ["a", "b"], rows: [["x", "1"]], numeric: [1] })
    expect(text).toBe("**T**\n\n| a | b |\n| --- | ---: |\n| x | 1 |")
  })
})
