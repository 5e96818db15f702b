import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { assert, describe, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { layer, program } from "../examples/quickstart.js"

const packageDirectory = fileURLToPath(new URL("..", import.meta.url))

/** What the quickstart prints, line by line; the page's two members come in no fixed order. */
const assertOutput = (lines: ReadonlyArray<string>) => {
  assert.deepStrictEqual(lines.slice(0, 5), [
    "Acme: ada@example.com is Admin, grace@example.com is Member",
    "grace@example.com: ACTIVE → INACTIVE → ACTIVE → TERMINATED",
    "Refused (LAST_MANAGER): ada@example.com is the last active manager",
    "Refused (INVALID_STATUS_TRANSITION): Cannot activate a user whose status is TERMINATED",
    "Page 1 of 2 (3 members):"
  ])
  const members = lines.slice(5)
  assert.lengthOf(members, 2)
  const all = [
    "  ada@example.com Admin ACTIVE",
    "  grace@example.com Member TERMINATED",
    "  alan@example.com Member INACTIVE"
  ]
  for (const line of members) assert.include(all, line)
  assert.notStrictEqual(members[0], members[1])
}

describe("examples/quickstart.ts", () => {
  it.effect("runs in process and prints the walk-through", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      yield* Effect.acquireUseRelease(
        Effect.sync(() =>
          vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => {
            lines.push(args.join(" "))
          })
        ),
        () => program.pipe(Effect.provide(layer)),
        (spy) => Effect.sync(() => spy.mockRestore())
      )
      assertOutput(lines)
    })
  )

  it("runs as a program of its own", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      // @roster/domain from its sources, not a build (see tsconfig.base.json's customConditions).
      ["--import", "tsx", "--conditions=@roster/source", "examples/quickstart.ts"],
      { cwd: packageDirectory, timeout: 14_000 }
    )
    assert.strictEqual(stderr, "")
    assertOutput(stdout.trimEnd().split("\n"))
  })

  it("is shown in the README as it is", () => {
    const source = readFileSync(new URL("../examples/quickstart.ts", import.meta.url), "utf8")
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    assert.include(readme, "```ts\n" + source.trimEnd() + "\n```")
  })
})
