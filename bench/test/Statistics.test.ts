import { assert, describe, it } from "vitest"
import { median, percentile, rankSumZ } from "../src/Statistics.js"

describe("Statistics", () => {
  it("median and nearest-rank percentiles", () => {
    assert.strictEqual(median([3, 1, 2]), 2)
    assert.strictEqual(median([4, 1, 3, 2]), 2.5)
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i)
    assert.strictEqual(percentile(hundred, 90), 90)
    assert.strictEqual(percentile(hundred, 100), 100)
    assert.strictEqual(percentile([7], 50), 7)
  })

  it("rank-sum z: 0 for the same samples, the textbook value for fully separated ones, signed", () => {
    const same = [1, 2, 3, 4, 5]
    assert.strictEqual(rankSumZ(same, same), 0)
    // Every a above every b: U = n², z = (n²/2) / sqrt(n²(2n+1)/12).
    const n = 200
    const low = Array.from({ length: n }, (_, i) => i)
    const high = low.map((value) => value + 1000)
    const expected = n ** 2 / 2 / Math.sqrt((n ** 2 * (2 * n + 1)) / 12)
    assert.closeTo(rankSumZ(high, low), expected, 1e-9)
    assert.closeTo(rankSumZ(low, high), -expected, 1e-9)
  })

  it("rank-sum z corrects for ties, and interleaved samples score near 0", () => {
    // a's ranks are 1, 3, 3, 5.5 (tied values share their mean rank): U = 12.5 - 10 = 2.5. Ties of 3, 2
    // and 2 values take 36/56 off n + 1: z = (2.5 - 8) / sqrt(16/12 × (9 - 36/56)) = -1.6477, the
    // normal approximation (R's wilcox.test with exact = FALSE, correct = FALSE).
    assert.closeTo(rankSumZ([1, 2, 2, 3], [2, 3, 4, 4]), -1.6477, 1e-4)
    const evens = Array.from({ length: 100 }, (_, i) => 2 * i)
    const odds = evens.map((value) => value + 1)
    assert.isBelow(Math.abs(rankSumZ(evens, odds)), 0.2)
  })
})
