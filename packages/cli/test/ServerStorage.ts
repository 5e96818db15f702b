/**
 * Storage for the CLI suite behind a running server: every command goes through the operator's
 * channel of a real HTTP server (in process, on in-memory ports, one per test), found as the CLI
 * finds one on a data directory a server holds. No command opens storage (the harness fails one
 * that does); `makeRuntime` is for tests that read the server's data directly. The suite's
 * assertions are the database path's, word for word.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { InMemory, Services } from "@roster/domain"
import * as TestCrypto from "@roster/crypto/test"
import { App, OperatorChannel, Server } from "@roster/http"
import type { Environment } from "../src/index.js"
import type { TestStorage } from "./CliHarness.js"

/** A server on fresh in-memory ports, with an operator key: what a test calls. */
export const start = async (publicUrl = "http://localhost:3000") => {
  const ports = Layer.succeedContext(Effect.runSync(Effect.scoped(Layer.build(InMemory.layer))))
  const runtime = ManagedRuntime.make(Services.fullLayer.pipe(Layer.provide(ports), Layer.provide(TestCrypto.layer)))
  const key = OperatorChannel.newKey()
  const server = await Server.listen(App.make(runtime, { operatorKey: key, publicUrl, logger: () => {} }), {
    port: 0,
    host: "127.0.0.1"
  })
  return {
    url: server.url,
    key,
    /** The same data, opened directly (for tests that compare both paths). */
    ports,
    close: async () => {
      await server.close()
      await runtime.dispose()
    }
  }
}

export const make = async (): Promise<TestStorage> => {
  const server = await start()
  const environment: Environment = {
    database: () => ({ _tag: "Embedded", dataDir: "/srv/roster/data", named: false }),
    server: () => ({ pid: 4242, url: server.url, operatorKey: server.key })
  }
  return {
    environment: () => environment,
    makeRuntime: () =>
      ManagedRuntime.make(Services.fullLayer.pipe(Layer.provide(server.ports), Layer.provide(TestCrypto.layer))),
    close: server.close
  }
}
