import { assert, describe, it } from "@effect/vitest"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import { Services } from "@roster/domain"
import { type Io, run } from "../src/index.js"
import * as CliHarness from "./CliHarness.js"
import * as CliSuite from "./CliSuite.js"
import * as InMemoryStorage from "./InMemoryStorage.js"
import * as ServerStorage from "./ServerStorage.js"

CliSuite.suite("in memory", InMemoryStorage.make)
CliSuite.suite("behind a running server", ServerStorage.make, "server")
/** Where a terminal colour code starts. */
const ansi = "\u001b["

class DataDirectoryLocked extends Schema.TaggedError<DataDirectoryLocked>()("DataDirectoryLocked", {
  path: Schema.String
}) {
  override get message() {
    return `The data directory ${this.path} is in use by another process`
  }
}

const capture = async (argv: Array<string>, world: Partial<Io>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const code = await run(argv, {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    makeRuntime: InMemoryStorage.make().makeRuntime,
    ...world
  })
  return { code, stdout: out.join(""), stderr: err.join("") }
}

describe("run when storage fails", () => {
  it("a storage layer's typed failure is reported with a code of its own, exit 1", async () => {
    const result = await capture(["orgs", "list"], {
      makeRuntime: () =>
        ManagedRuntime.make(
          Services.fullLayer.pipe(Layer.provide(Layer.fail(new DataDirectoryLocked({ path: "/srv/roster" }))))
        )
    })
    CliHarness.assertFailure(
      result,
      "DATA_DIRECTORY_LOCKED",
      1,
      "The data directory /srv/roster is in use by another process"
    )
  })

  it("a defect is INTERNAL, one line, no stack trace, exit 1", async () => {
    const result = await capture(["orgs", "list", "--json"], {
      makeRuntime: () =>
        ManagedRuntime.make(
          Services.fullLayer.pipe(Layer.provide(Layer.die(new Error("connection reset\n    at Socket.read"))))
        )
    })
    CliHarness.assertFailure(result, "INTERNAL", 1, "connection reset at Socket.read")
  })

  it("makeRuntime throwing is reported too", async () => {
    const result = await capture(["orgs", "list"], {
      makeRuntime: () => {
        throw new Error("cannot open .roster/data")
      }
    })
    CliHarness.assertFailure(result, "INTERNAL", 1, "cannot open .roster/data")
  })

  it("a failure to close storage after success fails the command", async () => {
    const result = await capture(["orgs", "list", "--json"], {
      makeRuntime: () => {
        const runtime = InMemoryStorage.make().makeRuntime({})
        return Object.assign(Object.create(runtime), { dispose: () => Promise.reject(new Error("could not flush")) })
      }
    })
    assert.strictEqual(result.stdout, "[]\n")
    assert.strictEqual(result.stderr, "error INTERNAL: could not flush\n")
    assert.strictEqual(result.code, 1)
  })
})

describe("run options", () => {
  it("--version prints the version it is given", async () => {
    const result = await capture(["--version"], { version: "1.2.3" })
    assert.deepStrictEqual(result, { code: 0, stdout: "1.2.3\n", stderr: "" })
  })

  it("colours tables only when asked", async () => {
    const { makeRuntime } = InMemoryStorage.make()
    await capture(["orgs", "create", "--name", "Acme"], { makeRuntime })
    const plain = await capture(["orgs", "list"], { makeRuntime })
    const coloured = await capture(["orgs", "list"], { makeRuntime, color: true })
    assert.notInclude(plain.stdout, ansi)
    assert.include(coloured.stdout, ansi)
  })
})
