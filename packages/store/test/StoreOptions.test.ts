/** Where the CLI finds the embedded database when nothing names one. */
import { Configuration, Store } from "@roster/store"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"

describe("Store.nearestDataDir", () => {
  it("finds .roster/data in the directory or the nearest one above it; else names one here", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "roster-nearest-"))
    try {
      const deep = path.join(root, "apps", "cli", "src")
      fs.mkdirSync(deep, { recursive: true })
      assert.strictEqual(Store.nearestDataDir(deep), path.join(deep, ".roster/data"))
      fs.mkdirSync(path.join(root, ".roster", "data"), { recursive: true })
      assert.strictEqual(Store.nearestDataDir(deep), path.join(root, ".roster/data"))
      assert.strictEqual(Store.nearestDataDir(root), path.join(root, ".roster/data"))
      const unset = {
        databaseUrl: Option.none(),
        dataDir: Option.none(),
        keyFile: Option.none(),
        secretKey: Option.none()
      }
      const chosen = Either.getOrThrow(Configuration.storage(unset, {}, Store.nearestDataDir(deep)))
      assert.deepStrictEqual(chosen.database, { _tag: "Embedded", dataDir: path.join(root, ".roster/data") })
      assert.deepStrictEqual(chosen.secretKey, { _tag: "File", path: path.join(root, ".roster/secret.key") })
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
