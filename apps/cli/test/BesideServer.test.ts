/**
 * The built `roster` beside the built server on the same embedded data directory: it finds the
 * server through the lock (its URL, and the operator key beside it), so that the README's commands
 * work while the server runs, with the same output and exit statuses as on the database once the
 * server has stopped; and through the API with a profile `roster login` saved.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as P from "../../server/test/Processes.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

const password = "a long passphrase"

/** A failure: one line on stderr, `error CODE: message`, nothing on stdout, and this exit status. */
const expectFailure = (result: P.Result, code: string, exitCode: number) => {
  expect(result.stdout).toBe("")
  expect(result.stderr).toMatch(new RegExp(`^error ${code}: \\S[^\\n]*\\n$`))
  expect(result.code).toBe(exitCode)
}

describe("roster beside a running server on the same data directory", () => {
  const root = P.tempDir("cli-beside")
  const dataDir = Path.join(root, "data")
  const environment = P.env({ ROSTER_DATA_DIR: dataDir, XDG_CONFIG_HOME: Path.join(root, "config") })
  const roster = (args: ReadonlyArray<string>, input?: string, env = environment) =>
    P.cli(args, env, root, 60_000, input)
  const json = async (args: ReadonlyArray<string>, input?: string, env = environment) => {
    const result = await roster([...args, "--json"], input, env)
    expect(result.stderr, `roster ${args.join(" ")}`).toBe("")
    expect(result.code).toBe(0)
    return JSON.parse(result.stdout)
  }
  let server: P.Proc
  let url: string
  let firstToken: string
  let ada: { id: string }

  it("finds the server in the lock, and the operator key beside it, readable by its owner alone", async () => {
    server = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: dataDir }), root)
    url = `http://localhost:${await P.listening(server)}`
    firstToken = (await server.waitFor("stdout", /(tot_[0-9A-Za-z]{52})/))[1]!
    const lock = JSON.parse(Fs.readFileSync(Path.join(dataDir, "roster.lock"), "utf8"))
    expect(lock).toMatchObject({ pid: server.pid, url })
    expect(Fs.statSync(Path.join(dataDir, "operator.key")).mode & 0o777).toBe(0o600)
  })

  it("runs the README's commands through it, the operator's included", async () => {
    const created = await json(["tokens", "create", "--org", "My Organization", "--name", "ci", "--permission", "all"])
    expect(created.token).toMatch(P.tokenPattern)
    ada = await json(["users", "add", "--org", "my organization", "--email", "ada@example.com", "--role", "Admin"])
    await json(["users", "add", "--org", "My Organization", "--email", "bob@example.com", "--first-name", "Bob"])
    const bob = (await json(["users", "list", "--org", "My Organization", "--q", "bob"])).content[0]
    await json(["users", "terminate", "--org", "My Organization", bob.id])
    await json(["orgs", "create", "--name", "Acme"])
    const admin = await json(["admins", "create", "--email", "root@example.com", "--password-stdin"], `${password}\n`)
    expect(admin).toMatchObject({ email: "root@example.com", isPlatformAdmin: true })
    // What the server logged: requests of its operator channel, never the key.
    const key = Fs.readFileSync(Path.join(dataDir, "operator.key"), "utf8").trim()
    expect(server.stdout).toContain("POST /operator/run 200")
    expect(server.stdout + server.stderr).not.toContain(key)
  })

  /** Reads and refusals that change nothing: the same before and after the server stops (one at a time: on the database, each holds it). */
  const readings = async () => {
    const results: Array<P.Result> = []
    for (const args of [
      ["orgs", "list"],
      ["roles", "list", "--org", "My Organization"],
      ["users", "list", "--org", "My Organization", "--status", "ACTIVE", "--status", "TERMINATED"],
      ["users", "show", "--org", "My Organization", ada.id],
      ["users", "list", "--org", "My Organization", "--json"],
      ["users", "show", "--org", "My Organization", "00000000-0000-4000-8000-000000000000"],
      ["users", "activate", "--org", "My Organization", ada.id],
      ["users", "list", "--org", "Globex"],
      ["users", "show", "--org", "My Organization", "not-a-uuid"],
      ["accounts", "list", "--json"]
    ])
      results.push(await roster(args))
    return results
  }

  let throughServer: ReadonlyArray<P.Result>

  it("answers reads and refusals with the output and exit statuses of the database", async () => {
    throughServer = await readings()
    expect(throughServer.map((result) => result.code)).toEqual([0, 0, 0, 0, 0, 3, 4, 3, 2, 0])
    expectFailure(throughServer[5]!, "USER_NOT_FOUND", 3)
    expectFailure(throughServer[6]!, "INVALID_STATUS_TRANSITION", 4)
  })

  it("goes through the API with a profile roster login saved (mode 0600), or ROSTER_URL and ROSTER_TOKEN", async () => {
    const login = await roster(["login", "--url", url, "--token", firstToken])
    expect(login.code).toBe(0)
    expect(login.stdout).not.toContain(firstToken)
    const file = Path.join(root, "config", "roster", "config.json")
    expect(Fs.statSync(file).mode & 0o777).toBe(0o600)
    // The default profile, when no database is named (ROSTER_DATA_DIR is, here: it wins): the
    // token's organization, without --org.
    const elsewhere = P.env({ XDG_CONFIG_HOME: Path.join(root, "config") })
    const viaProfile = await json(["users", "list"], undefined, elsewhere)
    expect(viaProfile).toEqual(JSON.parse(throughServer[4]!.stdout))
    expect(await json(["users", "list", "--profile", "default"])).toEqual(viaProfile)
    expectFailure(await roster(["orgs", "create", "--name", "Globex"], undefined, elsewhere), "FORBIDDEN", 5)
    const viaVariables = await json(["users", "list"], undefined, {
      ...P.env({ ROSTER_URL: url, ROSTER_TOKEN: firstToken })
    })
    expect(viaVariables).toEqual(viaProfile)
    expect((await roster(["logout"])).code).toBe(0)
  })

  it("once the server stops, the same commands run on the database, with the same output", async () => {
    expect(await server.stop()).toEqual({ code: 0, signal: null })
    expect(Fs.existsSync(Path.join(dataDir, "roster.lock"))).toBe(false)
    expect(Fs.existsSync(Path.join(dataDir, "operator.key"))).toBe(false)
    const onDatabase = await readings()
    expect(onDatabase).toEqual(throughServer)
  })
})
