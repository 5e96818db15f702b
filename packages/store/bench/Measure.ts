/** Timing an operation many times over, and the table of the results. */
import * as Effect from "effect/Effect"

export interface Measured {
  readonly operation: string
  /** Milliseconds, one per run, in run order. */
  readonly samples: ReadonlyArray<number>
}

/**
 * Runs `run(0)`, `run(1)`, … one after another: `warmup` runs first (caches, the JIT, prepared
 * plans), then `iterations` timed ones. Each gets its own index, so it can pick fresh inputs.
 */
export const measure = <E, R>(
  operation: string,
  options: { readonly iterations: number; readonly warmup: number },
  run: (index: number) => Effect.Effect<unknown, E, R>
): Effect.Effect<Measured, E, R> =>
  Effect.gen(function* () {
    for (let i = 0; i < options.warmup; i++) yield* run(i)
    const samples: Array<number> = []
    for (let i = options.warmup; i < options.warmup + options.iterations; i++) {
      const start = performance.now()
      yield* run(i)
      samples.push(performance.now() - start)
    }
    return { operation, samples }
  })

/** The nearest-rank percentile `p` (0–100) of `samples`. */
const percentile = (samples: ReadonlyArray<number>, p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** A Markdown table: p50, p95, and operations per second from one client, one after another. */
export const table = (results: ReadonlyArray<Measured>): string => {
  const rows = results.map((result) => {
    const total = result.samples.reduce((sum, sample) => sum + sample, 0)
    return [
      result.operation,
      percentile(result.samples, 50).toFixed(2),
      percentile(result.samples, 95).toFixed(2),
      ((result.samples.length * 1000) / total).toFixed(0),
      String(result.samples.length)
    ]
  })
  const header = ["operation", "p50 ms", "p95 ms", "ops/s", "runs"]
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`
  const rule = `|${widths.map((width, column) => (column === 0 ? `-${"-".repeat(width)}-` : `-${"-".repeat(width)}:`)).join("|")}|`
  return [line(header), rule, ...rows.map(line)].join("\n")
}
