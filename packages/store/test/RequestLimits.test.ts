/** Request counts shared through the database, on both drivers. */
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as RequestLimits from "../src/RequestLimits.js"
import * as TestDatabase from "./TestDatabase.js"

const limits = (database: Layer.Layer<TestDatabase.Opened, TestDatabase.Failure>) =>
  RequestLimits.layer.pipe(Layer.provideMerge(database))

for (const driver of TestDatabase.drivers()) {
  layer(limits(driver.layer()), { excludeTestServices: true, timeout: "2 minutes" })(
    `RequestLimits (${driver.name})`,
    (it) => {
      it.effect("counts requests per key in one window, and says when it ends", () =>
        Effect.gen(function* () {
          const { hit } = yield* RequestLimits.RequestLimits
          const first = yield* hit("a", 60_000)
          const second = yield* hit("a", 60_000)
          const other = yield* hit("b", 60_000)
          assert.deepStrictEqual([first.count, second.count, other.count], [1, 2, 1])
          assert.strictEqual(second.window, first.window)
          assert.isAtLeast(second.resetSeconds, 59)
          assert.isAtMost(second.resetSeconds, 60)
        })
      )

      it.effect("concurrent requests are each counted once", () =>
        Effect.gen(function* () {
          const { hit } = yield* RequestLimits.RequestLimits
          const hits = yield* Effect.all(
            Array.from({ length: 20 }, () => hit("concurrent", 60_000)),
            { concurrency: "unbounded" }
          )
          assert.deepStrictEqual(
            hits.map((h) => h.count).sort((x, y) => x - y),
            Array.from({ length: 20 }, (_, i) => i + 1)
          )
        })
      )

      it.effect("a new window starts once the last has ended; release takes back only from its own window", () =>
        Effect.gen(function* () {
          const { hit, release } = yield* RequestLimits.RequestLimits
          const first = yield* hit("windowed", 1_000)
          yield* hit("windowed", 1_000)
          yield* release(first)
          assert.strictEqual((yield* hit("windowed", 1_000)).count, 2)
          yield* Effect.sleep("1100 millis")
          const fresh = yield* hit("windowed", 1_000)
          assert.strictEqual(fresh.count, 1)
          assert.isAbove(fresh.window, first.window)
          // From the window before: nothing to take back any more.
          yield* release(first)
          assert.strictEqual((yield* hit("windowed", 1_000)).count, 2)
          yield* release(fresh)
          yield* release(fresh)
          yield* release(fresh)
          const sql = yield* SqlClient.SqlClient
          const [row] = yield* sql<{ hits: number }>`SELECT hits FROM request_limits WHERE key = 'windowed'`
          assert.strictEqual(row!.hits, 0, "never below zero")
        })
      )
    }
  )
}
