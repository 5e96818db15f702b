/**
 * `roster db backup` and `roster db restore`, the built apps as processes: a backup taken through
 * the running server (its operator channel), restored directly into a fresh data directory where
 * every member is found again, and restored through the running server, which swaps its database
 * and keeps answering; refusals that change nothing (a file that is no backup, no --yes off a
 * terminal, an existing file without --force); PostgreSQL sent to pg_dump.
 */
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as P from "../../server/test/Processes.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

/** A failure: one line on stderr, `error CODE: message`, nothing on stdout, and this exit status. */
const expectFailure = (result: P.Result, code: string, exitCode: number) => {
  expect(result.stdout).toBe("")
  expect(result.stderr).toMatch(new RegExp(`^error ${code}: \\S[^\\n]*\\n$`))
  expect(result.code).toBe(exitCode)
}

/** Every name under `dir`, and each file's digest: what "nothing changed" compares. */
const snapshot = (dir: string) =>
  (Fs.readdirSync(dir, { recursive: true }) as Array<string>).sort().map((name) => {
    const file = Path.join(dir, name)
    return Fs.statSync(file).isFile()
      ? `${name} ${Crypto.createHash("sha256").update(Fs.readFileSync(file)).digest("hex")}`
      : name
  })

describe("roster db backup and restore", () => {
  const root = P.tempDir("cli-backups")
  const dataDir = Path.join(root, "data")
  const fresh = Path.join(root, "fresh")
  const backup = Path.join(root, "roster.tar.gz")
  const environment = P.env({ ROSTER_DATA_DIR: dataDir })
  const roster = (args: ReadonlyArray<string>, env = environment) => P.cli(args, env, root, 90_000)
  const json = async (args: ReadonlyArray<string>, env = environment) => {
    const result = await roster([...args, "--json"], env)
    expect(result.stderr, `roster ${args.join(" ")}`).toBe("")
    expect(result.code).toBe(0)
    return JSON.parse(result.stdout)
  }
  const everyone = ["users", "list", "--org", "My Organization", "--status", "ACTIVE", "--status", "TERMINATED"]
  let server: P.Proc
  let url: string
  let members: unknown

  it("backs up through the running server, into a file only its owner reads", async () => {
    server = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: dataDir }), root)
    url = `http://localhost:${await P.listening(server)}`
    for (const name of ["ada", "grace", "alan"]) {
      await json(["users", "add", "--org", "My Organization", "--email", `${name}@example.com`, "--first-name", name])
    }
    await json(["users", "terminate", "--org", "My Organization", "alan@example.com"])
    members = await json(everyone)
    expect((members as { content: Array<unknown> }).content).toHaveLength(3)

    const result = await roster(["db", "backup", backup])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      new RegExp(
        `^Backed up the embedded database in ${dataDir} to ${backup} \\(\\d+\\.\\d MB\\), through the server at ${url}\\.\\n$`
      )
    )
    expect(Fs.statSync(backup).mode & 0o777).toBe(0o600)
    expect(server.stdout).toContain("POST /operator/backup 200")
    // Nothing beside it: the temporary file it was written through is gone.
    expect(Fs.readdirSync(root).filter((name) => name.includes("roster.tar.gz"))).toEqual(["roster.tar.gz"])
  })

  it("replaces an existing file only with --force", async () => {
    const before = snapshot(root).find((line) => line.startsWith("roster.tar.gz"))
    expectFailure(await roster(["db", "backup", backup]), "FILE_EXISTS", 4)
    expect(snapshot(root).find((line) => line.startsWith("roster.tar.gz"))).toBe(before)
    const forced = await json(["db", "backup", backup, "--force"])
    expect(forced).toMatchObject({ file: backup, dataDir, through: url })
    expect(forced.bytes).toBe(Fs.statSync(backup).size)
    expect(Fs.statSync(backup).mode & 0o777).toBe(0o600)
  })

  it("restores through the running server, which keeps answering, asking for --yes first", async () => {
    const before = await json(everyone)
    expectFailure(await roster(["db", "restore", backup]), "CONFIRMATION_REQUIRED", 2)
    expect(await json(everyone)).toEqual(before)
    // After the backup: grace is removed, barbara comes.
    await json(["users", "remove", "--org", "My Organization", "grace@example.com", "--reason", "left", "--yes"])
    await json([
      "users",
      "add",
      "--org",
      "My Organization",
      "--email",
      "barbara@example.com",
      "--first-name",
      "barbara"
    ])
    const emails = async () =>
      ((await json(everyone)) as { content: Array<{ email?: string; emails?: Array<{ value: string }> }> }).content
        .map((member) => JSON.stringify(member))
        .join("\n")
    expect(await emails()).toContain("barbara@example.com")

    const lock = Fs.readFileSync(Path.join(dataDir, "roster.lock"), "utf8")
    const restoring = roster(["db", "restore", backup, "--yes"])
    // A request sent while the database is swapped is answered (it may wait).
    const during = fetch(`${url}/health/ready`).then((response) => response.status)
    const result = await restoring
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      `Restored the database in ${dataDir} from ${backup}: 1 organization(s), 3 membership(s).\n`
    )
    expect(await during).toBe(200)
    expect(server.stdout).toContain("POST /operator/restore 200")
    // The same server answers from the restored database: every member as backed up, barbara gone.
    expect(await json(everyone)).toEqual(members)
    expect(await emails()).not.toContain("barbara@example.com")
    expect((await fetch(`${url}/health/ready`)).status).toBe(200)
    // Its lock never left; nothing staged or set aside is left beside the directory.
    expect(Fs.readFileSync(Path.join(dataDir, "roster.lock"), "utf8")).toBe(lock)
    expect(Fs.readdirSync(root).filter((name) => name.startsWith("data"))).toEqual(["data"])
  })

  it("refuses a file that is not a backup before the running server sees it, changing nothing", async () => {
    const before = await json(everyone)
    const junk = Path.join(root, "junk-live.tar.gz")
    Fs.writeFileSync(junk, Crypto.randomBytes(10_000))
    const result = await roster(["db", "restore", junk, "--yes"])
    expectFailure(result, "INVALID_BACKUP", 2)
    expect(result.stderr).toContain("Nothing was changed")
    expect(await json(everyone)).toEqual(before)
    // The server checks it too: sent straight to its channel, it is refused, nothing changed.
    const key = Fs.readFileSync(Path.join(dataDir, "operator.key"), "utf8").trim()
    const sent = await fetch(`${url}/operator/restore`, {
      method: "POST",
      headers: { authorization: `Operator ${key}`, "content-type": "application/gzip" },
      body: Fs.readFileSync(junk)
    })
    expect(sent.status).toBe(422)
    expect(((await sent.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe("INVALID_BACKUP")
    expect(await json(everyone)).toEqual(before)
    expect((await fetch(`${url}/health/ready`)).status).toBe(200)
    expect(Fs.readdirSync(root).filter((name) => name.startsWith("data"))).toEqual(["data"])
  })

  it("restores into a fresh data directory, where every member is found", async () => {
    const result = await roster(["db", "restore", backup, "--data-dir", fresh, "--yes"])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      `Restored the database in ${fresh} from ${backup}: 1 organization(s), 3 membership(s).\n`
    )
    expect(await json([...everyone, "--data-dir", fresh])).toEqual(members)
    // Nothing staged or set aside is left beside it.
    expect(Fs.readdirSync(root).filter((name) => name.startsWith("fresh"))).toEqual(["fresh"])
  })

  it("refuses a file that is not a backup, and a backup cut short, changing nothing", async () => {
    const before = snapshot(fresh)
    const junk = Path.join(root, "junk.tar.gz")
    Fs.writeFileSync(junk, Crypto.randomBytes(100_000))
    const cut = Path.join(root, "cut.tar.gz")
    Fs.writeFileSync(cut, Fs.readFileSync(backup).subarray(0, 1_000_000))
    for (const [file, reason] of [
      [junk, "it is not a gzipped tarball of a data directory"],
      [cut, "it is not a whole gzip file"]
    ] as const) {
      const result = await roster(["db", "restore", file, "--data-dir", fresh, "--yes"])
      expectFailure(result, "INVALID_BACKUP", 2)
      expect(result.stderr).toContain(`Not a backup this Roster can restore: ${reason}`)
      expect(result.stderr).toContain("Nothing was changed")
    }
    expect(snapshot(fresh)).toEqual(before)
    expectFailure(await roster(["db", "restore", Path.join(root, "missing.tar.gz"), "--yes"]), "FILE_NOT_FOUND", 3)
  })

  it("backs up a directory no server holds by opening it, under its lock", async () => {
    const direct = Path.join(root, "direct.tar.gz")
    const result = await roster(["db", "backup", direct, "--data-dir", fresh])
    expect(result.stderr).toBe("")
    expect(result.stdout).toMatch(
      new RegExp(`^Backed up the embedded database in ${fresh} to ${direct} \\(\\d+\\.\\d MB\\)\\.\\n$`)
    )
    expect(Fs.statSync(direct).mode & 0o777).toBe(0o600)
    expect(Fs.existsSync(Path.join(fresh, "roster.lock"))).toBe(false)
  })

  it("sends a PostgreSQL server's operator to pg_dump and pg_restore, before connecting", async () => {
    // Nothing listens there: the refusal comes first.
    const postgres = P.env({ DATABASE_URL: "postgres://roster@127.0.0.1:1/roster" })
    const backedUp = await roster(["db", "backup", Path.join(root, "pg.tar.gz")], postgres)
    expectFailure(backedUp, "BACKUP_UNSUPPORTED", 2)
    expect(backedUp.stderr).toContain("is backed up with pg_dump and restored with pg_restore")
    expect(Fs.existsSync(Path.join(root, "pg.tar.gz"))).toBe(false)
    const restored = await roster(["db", "restore", backup, "--database-url", "postgres://127.0.0.1:1/x", "--yes"])
    expectFailure(restored, "BACKUP_UNSUPPORTED", 2)
    expect(restored.stderr).toContain("pg_restore")
  })
})
