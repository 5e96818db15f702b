/**
 * The server as a real process: first run, restart, graceful stop, the data-directory lock,
 * configuration errors, logging, and (when ROSTER_TEST_DATABASE_URL is set) a PostgreSQL server.
 * Processes are shared between the tests of a `describe` where that does not weaken them: a start
 * on an empty data directory costs seconds (initdb).
 */
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { admin, adminUrl, heldPost } from "./Helpers.js"
import * as P from "./Processes.js"
import { expectUser, expectUserPage } from "./Responses.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const request = (port: number, path: string, init: { token?: string; method?: string; body?: unknown } = {}) =>
  fetch(`http://127.0.0.1:${port}${path}`, {
    method: init.method ?? "GET",
    headers: {
      ...(init.token === undefined ? {} : { authorization: init.token }),
      ...(init.body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })

const listUsers = async (port: number, token: string) => {
  const response = await request(port, "/organizations/users", { token })
  expect(response.status).toBe(200)
  return response.json()
}

const addUser = async (port: number, token: string, body: { email: string; firstName?: string }) => {
  const response = await request(port, "/organizations/users", { token, method: "POST", body })
  expect(response.status).toBe(201)
  const user = await response.json()
  expectUser(user, { email: body.email, status: "ACTIVE" })
  return user
}

/** Sends `bytes` as they are and reads everything until the server ends the connection. */
const rawExchange = (port: number, bytes: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = Net.connect(port, "127.0.0.1")
    let received = ""
    socket.setEncoding("utf8")
    socket.on("data", (data: string) => {
      received += data
    })
    socket.on("error", reject)
    socket.on("end", () => {
      socket.destroy()
      resolve(received)
    })
    socket.write(bytes)
  })

const isJsonObject = (line: string): boolean => {
  try {
    const value = JSON.parse(line)
    return typeof value === "object" && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}

const readLock = (dataDir: string) => JSON.parse(Fs.readFileSync(Path.join(dataDir, "roster.lock"), "utf8"))
const lockExists = (dataDir: string) => Fs.existsSync(Path.join(dataDir, "roster.lock"))

const welcomeHeadline = "Roster created your first organization"
const curlLine = /curl -H "Authorization: (tot_[0-9A-Za-z]+)" (\S+)\/organizations\/users/
/** The welcome as a JSON line (LOG_FORMAT=json): the token in `annotations.token`. */
const welcomeLine = /^\{.*"message":"Roster created your first organization.*$/m

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const randomToken = () => `tot_${Array.from(Crypto.randomBytes(52), (byte) => base62[byte % base62.length]).join("")}`

describe("on an embedded data directory", () => {
  let root: string
  let dataDir: string
  /** A copy of the data directory, taken after the first server stopped. */
  let cloneDir: string
  let first: P.Proc
  let firstPort: number
  let token: string
  /** A token of no organization, sent to see that it is not logged either. */
  const strangerToken = randomToken()
  const strangerSecrets = ["ses", "mlt", "evt", "SES"].map((prefix) => `${prefix}${randomToken().slice(3)}`)
  let restarted: P.Proc
  let restartedPort: number

  it("first run on an empty data directory prints the welcome once, with a token that works", async () => {
    root = P.tempDir("server")
    dataDir = Path.join(root, "data")
    Fs.mkdirSync(dataDir)
    cloneDir = Path.join(root, "clone")
    first = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: dataDir, LOG_FORMAT: "json", LOG_LEVEL: "debug" }), root)
    firstPort = await P.listening(first)

    const welcome = JSON.parse((await first.waitFor("stdout", welcomeLine))[0])
    token = welcome.annotations.token
    expect(token).toMatch(P.tokenPattern)
    expect(welcome).toMatchObject({
      message: expect.stringContaining(`${welcomeHeadline}, "My Organization"`),
      logLevel: "INFO",
      annotations: {
        organization: "My Organization",
        // The ready-to-paste line points at where the server listens; the token is not repeated.
        tryIt: `curl -H "Authorization: $ROSTER_TOKEN" http://localhost:${firstPort}/organizations/users`
      }
    })

    const health = await request(firstPort, "/health")
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: "ok" })

    expectUserPage(await listUsers(firstPort, token), [])
    expectUserPage(await listUsers(firstPort, `Bearer ${token}`), [])
    await addUser(firstPort, token, { email: "ada@example.com", firstName: "Ada" })
    expectUserPage(await listUsers(firstPort, token), ["ada@example.com"])

    // What node's parser refuses is answered as the API's errors are (and logged, see below).
    const refused = await rawExchange(firstPort, "FOO / HTTP/1.1\r\nHost: x\r\n\r\n")
    expect(refused).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(refused).toContain("\r\nContent-Type: application/json\r\n")
    expect(JSON.parse(refused.slice(refused.indexOf("\r\n\r\n") + 4))).toMatchObject({
      errors: [{ code: "BAD_REQUEST", message: "The request is not valid HTTP/1.1: Invalid method encountered" }]
    })

    // A token where none belongs, and a token nobody issued: refused, and (checked once the server
    // has stopped) never logged, not even at LOG_LEVEL=debug.
    expect((await request(firstPort, `/organizations/users/${token}`, { token })).status).toBe(400)
    expect((await request(firstPort, `/organizations/users?${token}=1`, { token })).status).toBe(400)
    expect((await request(firstPort, `/organizations/users?q=${token}`, { token })).status).toBe(200)
    expect(
      (await request(firstPort, "/organizations/users", { token, method: "POST", body: { email: token } })).status
    ).toBe(400)
    expect((await request(firstPort, "/organizations/users", { token: strangerToken })).status).toBe(401)
    expect((await request(firstPort, "/organizations/users", { token: `Bearer ${strangerToken}` })).status).toBe(401)
    // Other bearer secrets pasted where they do not belong (a session, a magic link, a verification
    // link): refused, and never logged either, in any case.
    for (const secret of strangerSecrets) {
      expect((await request(firstPort, `/organizations/users?status=${secret}`, { token })).status).toBe(400)
      expect((await request(firstPort, `/organizations/users/${secret}`, { token })).status).toBe(400)
      // Percent-encoded, the path is still that secret to anyone reading the log.
      expect(
        (
          await request(firstPort, `/me/sessions/${secret.replace("_", "%5F")}`, {
            token: `Bearer ${secret}`,
            method: "DELETE"
          })
        ).status
      ).toBe(401)
      expect(
        (await request(firstPort, `/organizations/tokens/${secret.replace("_", "%5F")}`, { token, method: "DELETE" }))
          .status
      ).toBe(400)
      expect((await request(firstPort, "/me", { token: `Bearer ${secret}` })).status).toBe(401)
    }
  })

  it("a second server on the same data directory exits non-zero, naming the directory and the holder's pid", async () => {
    expect(readLock(dataDir).pid).toBe(first.pid)
    const second = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: dataDir }), root)
    const exit = await second.waitExit()
    expect(exit.code, second.describe()).toBeGreaterThan(0)
    expect(second.stderr).toContain(dataDir)
    expect(second.stderr).toContain(`pid ${first.pid}`)
    expect(second.stdout).not.toContain("listening")
    // The first server is undisturbed and still holds the lock.
    expect((await request(firstPort, "/health")).status).toBe(200)
    expect(readLock(dataDir).pid).toBe(first.pid)
  })

  it("the CLI on the data directory the server holds goes through it (the lock says where it answers)", async () => {
    expect(JSON.parse(Fs.readFileSync(Path.join(dataDir, "roster.lock"), "utf8")).url).toBe(
      `http://localhost:${firstPort}`
    )
    const result = await P.cli(
      ["users", "list", "--org", "My Organization", "--json"],
      P.env({ ROSTER_DATA_DIR: dataDir }),
      root
    )
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ totalElements: expect.any(Number), number: 0 })
    expect(first.stdout).toContain("POST /operator/run 200")
    expect((await request(firstPort, "/health")).status).toBe(200)
  })

  it("SIGTERM lets a request in flight finish, logs that it stops, exits 0 and removes the lock", async () => {
    const held = heldPost(firstPort, token, { email: "grace@example.com", firstName: "Grace" })
    // The server has had the request's headers for a while: it is in flight, waiting for its body.
    await sleep(1_000)
    first.child.kill("SIGTERM")
    await first.waitFor("stdout", /SIGTERM: finishing requests in flight, then stopping/)
    expect(first.exit).toBeUndefined()
    const finishedAt = Date.now()
    held.finish()
    const response = await held.response
    expect(response.status, response.body).toBe(201)
    expectUser(JSON.parse(response.body), { email: "grace@example.com", status: "ACTIVE" })
    expect(await first.waitExit(15_000)).toEqual({ code: 0, signal: null })
    // Well before the 10 s after which stopping would cut connections.
    expect(Date.now() - finishedAt).toBeLessThan(8_000)
    expect(lockExists(dataDir)).toBe(false)
  })

  it("log lines are JSON with LOG_FORMAT=json, the welcome too, and the token appears once, in its field, even at LOG_LEVEL=debug", () => {
    const out = P.lines(first.stdout)
    const err = P.lines(first.stderr)
    // Every line on stdout and stderr is JSON, the welcome included.
    expect([...out, ...err].filter((line) => !isJsonObject(line))).toEqual([])
    const welcome = out.filter((line) => line.includes(token))
    expect(welcome).toHaveLength(1)
    expect(JSON.parse(welcome[0]!).annotations.token).toBe(token)
    const logs = [...out.filter((line) => !line.includes(token)), ...err]
    const messages = logs.map((line) => JSON.parse(line))
    for (const message of messages)
      expect(message).toMatchObject({ message: expect.anything(), logLevel: expect.any(String) })
    expect(messages.map((m) => m.message)).toContainEqual(expect.stringMatching(/^Roster is listening on /))
    // The first start on an empty data directory says why it takes a while.
    expect(messages.map((m) => m.message)).toContainEqual(
      `Creating the embedded database in ${dataDir}: a first start takes a few seconds`
    )
    expect(messages.map((m) => m.message)).toContainEqual(expect.stringMatching(/^POST \/organizations\/users 201/))
    expect(messages).toContainEqual(
      expect.objectContaining({
        message: "400 BAD_REQUEST before any route: HPE_INVALID_METHOD",
        annotations: expect.objectContaining({ status: 400, fingerprint: expect.any(String) })
      })
    )
    expect(messages.some((m) => m.logLevel === "DEBUG")).toBe(true)

    // The token is printed once, in the welcome's field, and nowhere else, in any case; nor does
    // anything else shaped like a token appear unmasked.
    const everything = `${first.stdout}\n${first.stderr}`.toLowerCase()
    expect(everything.split(token.toLowerCase())).toHaveLength(2)
    expect(everything).not.toContain(strangerToken.toLowerCase())
    for (const secret of strangerSecrets) expect(everything).not.toContain(secret.slice(4, 30).toLowerCase())
    for (const line of logs) expect(line).not.toMatch(/(tot|ses|mlt|evt)_[0-9a-z]/i)
  })

  it("after the server stops, the CLI works on that data directory", async () => {
    const result = await P.cli(
      ["users", "list", "--org", "my organization", "--json"],
      P.env({ ROSTER_DATA_DIR: dataDir }),
      root
    )
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    // The user added by the request in flight at SIGTERM was kept.
    expectUserPage(JSON.parse(result.stdout), ["ada@example.com", "grace@example.com"])
  })

  it("a restart on the same data directory keeps the data and the token, and prints no new token", async () => {
    // Kept for the tests below, which need a second data directory that is not fresh.
    Fs.cpSync(dataDir, cloneDir, { recursive: true })
    restarted = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: dataDir }), root)
    restartedPort = await P.listening(restarted)
    expectUserPage(await listUsers(restartedPort, token), ["ada@example.com", "grace@example.com"])
    expect(readLock(dataDir).pid).toBe(restarted.pid)
    // Nothing printed so far, nor later (checked once it stops), carries a token.
    expect(restarted.stdout).not.toContain("tot_")
    expect(restarted.stdout).not.toContain(welcomeHeadline)
    expect(restarted.stdout).not.toContain("Creating the embedded database")
  })

  it("a second server on the port of a running one exits non-zero, saying the port is in use", async () => {
    const other = P.startServer(P.env({ PORT: String(restartedPort), ROSTER_DATA_DIR: cloneDir }), root)
    const exit = await other.waitExit()
    expect(exit.code, other.describe()).toBeGreaterThan(0)
    expect(other.stderr).toContain(`PORT ${restartedPort}`)
    expect(other.stderr).toMatch(/already in use/)
    // It gave its data directory back on the way out.
    expect(lockExists(cloneDir)).toBe(false)
    expect((await request(restartedPort, "/health")).status).toBe(200)
  })

  it("SIGINT stops it too, exit 0; its log lines are logfmt and none carries a token", async () => {
    expect(await restarted.stop("SIGINT")).toEqual({ code: 0, signal: null })
    expect(restarted.stdout).toMatch(/SIGINT: finishing requests in flight, then stopping/)
    expect(lockExists(dataDir)).toBe(false)
    const logs = [...P.lines(restarted.stdout), ...P.lines(restarted.stderr)]
    expect(logs.length).toBeGreaterThan(0)
    for (const line of logs) expect(line).toMatch(/^timestamp=\S+ level=[A-Z]+ .*message=/)
    expect(`${restarted.stdout}${restarted.stderr}`).not.toContain("tot_")
  })

  it("a stale lock, whose process is gone, does not block start-up", async () => {
    const stalePid = P.deadPid()
    Fs.writeFileSync(
      Path.join(cloneDir, "roster.lock"),
      JSON.stringify({ pid: stalePid, hostname: Os.hostname(), startedAt: new Date().toISOString() })
    )
    const server = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: cloneDir }), root)
    const port = await P.listening(server)
    expect(readLock(cloneDir).pid).toBe(server.pid)
    // The copy is the same database: same organization, same token.
    expectUserPage(await listUsers(port, token), ["ada@example.com", "grace@example.com"])
    expect(await server.stop()).toEqual({ code: 0, signal: null })
    expect(lockExists(cloneDir)).toBe(false)
    expect(server.stdout).not.toContain("tot_")
  })

  it("a HOST it cannot listen on stops start-up naming HOST, and gives the data directory back", async () => {
    // 192.0.2.1 (TEST-NET-1) is nobody's address: binding it fails at once, without DNS.
    const server = P.startServer(P.env({ PORT: "0", HOST: "192.0.2.1", ROSTER_DATA_DIR: cloneDir }), root)
    const exit = await server.waitExit()
    expect(exit.code, server.describe()).toBeGreaterThan(0)
    expect(server.stderr).toContain("HOST 192.0.2.1")
    expect(lockExists(cloneDir)).toBe(false)
  })
})

describe("invalid configuration stops start-up with a message naming the variable", () => {
  /** Starts the server with `vars`; it must exit non-zero without opening anything. */
  const refused = async (vars: Record<string, string>) => {
    const root = P.tempDir("config")
    const dataDir = Path.join(root, "data")
    const server = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: dataDir, ...vars }), root)
    const exit = await server.waitExit()
    expect(exit.code, server.describe()).toBeGreaterThan(0)
    expect(server.stdout).not.toContain("listening")
    expect(Fs.existsSync(dataDir)).toBe(false)
    return server
  }

  it.concurrent.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["LOG_LEVEL", "loud"],
    ["LOG_FORMAT", "xml"],
    ["DATABASE_URL", "mysql://x"],
    ["ROSTER_PUBLIC_URL", "ftp://app.example"],
    ["ROSTER_PUBLIC_URL", "not a url"],
    ["ROSTER_SIGN_IN_LIMIT", "many"],
    ["ROSTER_TRUST_PROXY", "maybe please"],
    ["ROSTER_SECRET_KEY", "not a key"],
    ["ROSTER_KEY_FILE", " "]
  ])("%s=%s", async (variable, value) => {
    const server = await refused({ [variable]: value })
    expect(server.stderr).toContain(variable)
    expect(P.lines(server.stderr)).toHaveLength(1)
  })

  it.concurrent("an unreachable DATABASE_URL names the host, never the password", async () => {
    const server = await refused({ DATABASE_URL: "postgres://u:s3cret@127.0.0.1:1/x" })
    expect(server.stderr).toContain("DATABASE_URL")
    expect(server.stderr).toContain("127.0.0.1:1")
    expect(`${server.stdout}${server.stderr}`).not.toContain("s3cret")
  })
})

const isSet = (value: string | undefined) =>
  value !== undefined && !["", "0", "false"].includes(value.trim().toLowerCase())

// Under CI the PostgreSQL test must run: without ROSTER_TEST_DATABASE_URL it fails instead of skipping.
describe.skipIf(adminUrl === undefined && !isSet(process.env.CI))("on a PostgreSQL server (DATABASE_URL)", () => {
  let database: string | undefined

  afterAll(async () => {
    await P.killAll()
    if (adminUrl !== undefined && database !== undefined) {
      await admin(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    }
  })

  it("first run on a fresh database, a request, and a restart without a new token", async () => {
    if (adminUrl === undefined) {
      throw new Error(
        "CI is set but ROSTER_TEST_DATABASE_URL is not: the PostgreSQL test must run in CI. Set it to an admin connection, e.g. postgres://postgres@127.0.0.1:5432/postgres"
      )
    }
    database = `roster_test_${Crypto.randomBytes(6).toString("hex")}`
    await admin(adminUrl, `CREATE DATABASE ${database}`)
    const url = new URL(adminUrl)
    url.pathname = `/${database}`
    const root = P.tempDir("server-pg")
    // Set, but unused: with DATABASE_URL the embedded database is not opened.
    const dataDir = Path.join(root, "data")
    const environment = P.env({ PORT: "0", DATABASE_URL: url.toString(), ROSTER_DATA_DIR: dataDir })

    const first = P.startServer(environment, root)
    const port = await P.listening(first)
    expect(first.stdout).toMatch(/Roster is listening on \S+, on a PostgreSQL server \(DATABASE_URL\)/)
    const token = (await first.waitFor("stdout", curlLine))[1]!
    expect(token).toMatch(P.tokenPattern)
    expectUserPage(await listUsers(port, token), [])
    await addUser(port, token, { email: "ada@example.com", firstName: "Ada" })
    expect(await first.stop()).toEqual({ code: 0, signal: null })
    expect(first.stdout.split(welcomeHeadline)).toHaveLength(2)

    const again = P.startServer(environment, root)
    const againPort = await P.listening(again)
    expectUserPage(await listUsers(againPort, token), ["ada@example.com"])
    expect(await again.stop()).toEqual({ code: 0, signal: null })
    expect(`${again.stdout}${again.stderr}`).not.toContain("tot_")
    expect(Fs.existsSync(dataDir)).toBe(false)
  })
})
