/**
 * Storage for the CLI suite on SQL. One database serves a whole suite, since a new one per test
 * costs about a second on PGlite (minutes for the suite); every test starts by emptying it, so each
 * test still starts from nothing, and every `run` within a test shares it. The database is closed
 * (PGlite's directory removed, a server's database dropped) once the file's tests are done.
 */
import { afterAll, beforeAll } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import { Services } from "@roster/domain"
import type { Database } from "@roster/store"
import * as TestDatabase from "@roster/store/test"
import type { TestStorage } from "./CliHarness.js"
import * as TestCrypto from "@roster/crypto/test"

export const make = (makeDatabase: () => Layer.Layer<Database.Client, unknown>): (() => Promise<TestStorage>) => {
  const scope = Effect.runSync(Scope.make())
  let open: ReturnType<typeof build> | undefined
  const build = () => Effect.runPromise(Layer.buildWithScope(TestDatabase.ports(makeDatabase()), scope))
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))
  // Opened before the tests (PGlite takes seconds to start under load), so that no test pays for it.
  beforeAll(async () => {
    open ??= build()
    await open
  }, 120_000)

  return async () => {
    open ??= build()
    const context = await open
    await Effect.runPromise(Effect.provide(TestDatabase.empty, context))
    // Each run's runtime gets these same ports; disposing of it leaves the database open for the next.
    const ports = Layer.succeedContext(context)
    return {
      makeRuntime: () =>
        ManagedRuntime.make(Services.fullLayer.pipe(Layer.provide(ports), Layer.provide(TestCrypto.layer)))
    }
  }
}
