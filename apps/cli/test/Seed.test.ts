/**
 * `roster dev seed`, the built app as a process: on an embedded data directory it prints the
 * organization and a token (`--json`), stderr quiet off a terminal (no progress bar there), and the
 * members are listed by the next command; a data directory the running server holds is refused and
 * left as it was; a bad count is a usage error.
 */
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as P from "../../server/test/Processes.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

describe("roster dev seed", () => {
  const root = P.tempDir("cli-seed")
  const dataDir = Path.join(root, "data")
  const environment = P.env({ ROSTER_DATA_DIR: dataDir })
  const roster = (args: ReadonlyArray<string>) => P.cli(args, environment, root, 120_000)

  it("seeds an embedded database: --json prints the organization and a token, and nothing else", async () => {
    const result = await roster(["dev", "seed", "--members", "300", "--organization", "Bench", "--json"])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const answer = JSON.parse(result.stdout)
    expect(Object.keys(answer)).toEqual(["organizationId", "token"])
    expect(answer.token).toMatch(P.tokenPattern)

    const listed = await roster([
      "users",
      "list",
      "--org",
      "Bench",
      "--json",
      ...["ACTIVE", "INACTIVE", "TERMINATED", "REMOVED", "FORGOTTEN"].flatMap((status) => ["--status", status])
    ])
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout).totalElements).toBe(300)
  })

  it("refuses a count that is not a whole number from 1 up (exit 2)", async () => {
    for (const bad of ["0", "abc", "-5"]) {
      const result = await roster(["dev", "seed", "--members", bad])
      expect(result.stdout).toBe("")
      expect(result.stderr).toMatch(
        /^error USAGE: option '--members <n>' argument '.*' is invalid\. must be a whole number from 1 to 10000000\n$/
      )
      expect(result.code).toBe(2)
    }
  })

  it("refuses a data directory the running server holds, changing nothing", async () => {
    const server = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: dataDir }), root)
    const url = `http://localhost:${await P.listening(server)}`
    const result = await roster(["dev", "seed", "--members", "10", "--json"])
    expect(result.stdout).toBe("")
    expect(result.stderr).toBe(
      `error DATA_DIRECTORY_LOCKED: The data directory ${dataDir} is in use by the Roster server at ${url} (pid ${server.pid}): stop it, run roster dev seed, then start it again; or seed a PostgreSQL server the Roster servers share (--database-url)\n`
    )
    expect(result.code).toBe(1)
    const listed = await roster(["users", "list", "--org", "Bench", "--status", "ACTIVE", "--json", "--size", "1"])
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout).totalElements).toBe(234)
  })
})
