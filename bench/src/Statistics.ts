/**
 * What the benchmarks say about their samples: medians and percentiles, and the Mann-Whitney
 * rank-sum test of whether two sets of timings come from the same distribution.
 */

/** The nearest-rank percentile `p` (0–100) of `samples`. */
export const percentile = (samples: ReadonlyArray<number>, p: number): number => {
  if (samples.length === 0) throw new Error("no samples")
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (samples: ReadonlyArray<number>): number => {
  if (samples.length === 0) throw new Error("no samples")
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * The Mann-Whitney U test's z score of `a` against `b`, by the normal approximation with the
 * correction for ties: positive when `a` tends to be larger. Under the hypothesis that both come from
 * one distribution, |z| > 3 happens about 3 times in 1000.
 */
export const rankSumZ = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
  const n1 = a.length
  const n2 = b.length
  if (n1 === 0 || n2 === 0) throw new Error("no samples")
  const all = [...a.map((value) => ({ value, first: true })), ...b.map((value) => ({ value, first: false }))].sort(
    (x, y) => x.value - y.value
  )
  const n = all.length
  let rankSumA = 0
  let ties = 0
  for (let start = 0; start < n; ) {
    let end = start
    while (end + 1 < n && all[end + 1]!.value === all[start]!.value) end++
    // Tied values share the mean of the ranks they span (ranks count from 1).
    const rank = (start + end + 2) / 2
    const count = end - start + 1
    for (let i = start; i <= end; i++) if (all[i]!.first) rankSumA += rank
    ties += count ** 3 - count
    start = end + 1
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2
  const mean = (n1 * n2) / 2
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)))
  return variance === 0 ? 0 : (u - mean) / Math.sqrt(variance)
}
