/** Which database the apps open, from flags and environment: a flag always wins over the environment. */
import { Store, StoreConfigError } from "@roster/store"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"

const url = "postgres://roster@db.internal:5432/roster"

describe("Store.optionsFrom", () => {
  it("takes a typed --data-dir over DATABASE_URL in the environment", () => {
    assert.deepStrictEqual(Store.optionsFrom({ dataDir: "./scratch" }, { DATABASE_URL: url }), {
      _tag: "Embedded",
      dataDir: "./scratch",
      source: "--data-dir"
    })
  })

  it("takes a typed --database-url over ROSTER_DATA_DIR and DATABASE_URL", () => {
    assert.deepStrictEqual(
      Store.optionsFrom({ databaseUrl: url }, { ROSTER_DATA_DIR: "/srv/roster", DATABASE_URL: "postgres://x@y/z" }),
      { _tag: "Server", url, source: "--database-url" }
    )
  })

  it("without flags: DATABASE_URL, then ROSTER_DATA_DIR, then .roster/data; an empty DATABASE_URL is unset", () => {
    assert.deepStrictEqual(Store.optionsFrom({}, { DATABASE_URL: url, ROSTER_DATA_DIR: "/srv/roster" }), {
      _tag: "Server",
      url,
      source: "DATABASE_URL"
    })
    assert.deepStrictEqual(Store.optionsFrom({}, { DATABASE_URL: "", ROSTER_DATA_DIR: "/srv/roster" }), {
      _tag: "Embedded",
      dataDir: "/srv/roster",
      source: "ROSTER_DATA_DIR"
    })
    assert.deepStrictEqual(Store.optionsFrom({}, {}), { _tag: "Embedded", dataDir: ".roster/data" })
  })

  it("names where a bad value came from", () => {
    const bad = Store.optionsFrom({ databaseUrl: "notaurl" }, {})
    assert.instanceOf(bad, StoreConfigError)
    assert.strictEqual((bad as StoreConfigError).message.split(":")[0], "--database-url")
    const empty = Store.optionsFrom({}, { ROSTER_DATA_DIR: "  " })
    assert.strictEqual((empty as StoreConfigError).message, "ROSTER_DATA_DIR: must not be empty")
  })
})

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
      assert.deepStrictEqual(Store.optionsFrom({}, {}, Store.nearestDataDir(deep)), {
        _tag: "Embedded",
        dataDir: path.join(root, ".roster/data")
      })
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
