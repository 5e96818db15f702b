/** Storage for the CLI suite: one in-memory store per test, shared by every `run` in it. */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { InMemory, Services } from "@roster/domain"
import type { TestStorage } from "./CliHarness.js"
import * as TestCrypto from "@roster/crypto/test"

export const make = (): TestStorage => {
  // Built once: each run's runtime gets these same ports, so state carries over between runs.
  const ports = Layer.succeedContext(Effect.runSync(Effect.scoped(Layer.build(InMemory.layer))))
  return {
    makeRuntime: () =>
      ManagedRuntime.make(Services.fullLayer.pipe(Layer.provide(ports), Layer.provide(TestCrypto.layer)))
  }
}
