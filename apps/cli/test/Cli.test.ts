/**
 * The `roster` executable as a real process (`node apps/cli/bin/roster.js …`, in a temporary working
 * directory, on an embedded database in a temporary data directory): a whole `--json` flow, its
 * errors and exit statuses, and a token it creates used against a server started afterwards.
 * The command tree itself is tested in process by `@roster/cli`.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as P from "../../server/test/Processes.js"
import { expectUser, expectUserPage } from "../../server/test/Responses.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

const allPermissions = [
  "can_view_users",
  "can_manage_users",
  "can_reset_2fa",
  "can_manage_roles",
  "can_manage_tokens",
  "can_view_audit"
]

/** A failure: one line on stderr, `error CODE: message`, nothing on stdout, and this exit status. */
const expectFailure = (result: P.Result, code: string, exitCode: number) => {
  expect(result.stdout).toBe("")
  expect(P.lines(result.stderr), result.stderr).toHaveLength(1)
  expect(result.stderr).toMatch(new RegExp(`^error ${code}: \\S.*\\n$`))
  expect(result.code).toBe(exitCode)
}

describe("without opening a database", () => {
  /** A data directory that must stay absent: these commands never open storage. */
  const untouched = () => {
    const root = P.tempDir("cli-quick")
    return { root, dataDir: Path.join(root, "data") }
  }

  it.concurrent("--help prints the usage, exit 0", async () => {
    const { root, dataDir } = untouched()
    const result = await P.cli(["--help"], P.env({ ROSTER_DATA_DIR: dataDir }), root)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: roster /)
    expect(result.stdout).toContain("users")
    expect(result.stderr).toBe("")
    expect(Fs.existsSync(dataDir)).toBe(false)
  })

  it.concurrent("an unknown command is a USAGE error, exit 2", async () => {
    const { root, dataDir } = untouched()
    const result = await P.cli(["frobnicate", "--json"], P.env({ ROSTER_DATA_DIR: dataDir }), root)
    expectFailure(result, "USAGE", 2)
    expect(result.stderr).toContain("frobnicate")
    expect(Fs.existsSync(dataDir)).toBe(false)
  })

  it.concurrent("users show of a bad uuid is VALIDATION_FAILED, exit 2", async () => {
    const { root, dataDir } = untouched()
    const result = await P.cli(
      ["users", "show", "--org", "acme", "not-a-uuid", "--json"],
      P.env({ ROSTER_DATA_DIR: dataDir }),
      root
    )
    expectFailure(result, "VALIDATION_FAILED", 2)
    expect(Fs.existsSync(dataDir)).toBe(false)
  })

  it.concurrent("a bad variable is VALIDATION_FAILED, exit 2, naming it; --help still answers", async () => {
    const { root, dataDir } = untouched()
    const environment = P.env({ ROSTER_DATA_DIR: dataDir, ROSTER_PUBLIC_URL: "ftp://app.example", PORT: "abc" })
    const result = await P.cli(["orgs", "list", "--json"], environment, root)
    expectFailure(result, "VALIDATION_FAILED", 2)
    expect(result.stderr).toContain("ROSTER_PUBLIC_URL: must be an http:// or https:// URL")
    expect(result.stderr).not.toContain("PORT")
    expect((await P.cli(["--help"], environment, root)).code).toBe(0)
    expect(Fs.existsSync(dataDir)).toBe(false)
  })

  it.concurrent("an unreachable --database-url fails with its host, never its password", async () => {
    const { root, dataDir } = untouched()
    const result = await P.cli(
      ["orgs", "list", "--json", "--database-url", "postgres://u:s3cret@127.0.0.1:1/x"],
      P.env({ ROSTER_DATA_DIR: dataDir }),
      root
    )
    expect(result.code).toBeGreaterThan(0)
    expect(result.stdout).toBe("")
    expect(P.lines(result.stderr)).toHaveLength(1)
    expect(result.stderr).toMatch(/^error [A-Z_]+: .*127\.0\.0\.1:1/)
    expect(result.stderr).not.toContain("s3cret")
    expect(Fs.existsSync(dataDir)).toBe(false)
  })
})

describe("a --json flow on an embedded data directory", () => {
  let root: string
  let dataDir: string
  let environment: Record<string, string>
  let organization: any
  let token: string
  let ada: any
  let bob: any

  const run = (args: ReadonlyArray<string>) => P.cli(args, environment, root)

  /** Runs a `--json` command that must succeed: its stdout is exactly one JSON document, and nothing else. */
  const json = async (args: ReadonlyArray<string>) => {
    const result = await run([...args, "--json"])
    expect(result.stderr, `roster ${args.join(" ")}`).toBe("")
    expect(result.code).toBe(0)
    // JSON.parse refuses anything before or after the document: no banner, no log line.
    return JSON.parse(result.stdout)
  }

  it("orgs create prints the organization", async () => {
    root = P.tempDir("cli")
    dataDir = Path.join(root, "data")
    environment = P.env({ ROSTER_DATA_DIR: dataDir })
    organization = await json(["orgs", "create", "--name", "Acme"])
    expect(organization).toMatchObject({ id: expect.any(String), name: "Acme", createdDateTime: expect.any(String) })
  })

  it("roles list prints the roles, with their permissions", async () => {
    const roles = await json(["roles", "list", "--org", "acme"])
    expect(Array.isArray(roles)).toBe(true)
    for (const role of roles) {
      expect(role).toMatchObject({ id: expect.any(String), name: expect.any(String), permissions: expect.any(Array) })
    }
    const byName = Object.fromEntries(roles.map((role: any) => [role.name, role.permissions]))
    expect(Object.keys(byName).sort()).toEqual(["Admin", "Member"])
    expect(byName.Admin).toEqual(expect.arrayContaining(allPermissions))
    expect(byName.Member).toEqual(["can_view_users"])
  })

  it("tokens create prints the token's secret, once", async () => {
    const created = await json([
      "tokens",
      "create",
      "--org",
      "Acme",
      "--name",
      "ci",
      "--permission",
      "can_view_users",
      "--permission",
      "can_manage_users"
    ])
    // The API's shape (POST /organizations/tokens), the secret right after the id.
    expect(Object.keys(created)).toEqual([
      "id",
      "token",
      "name",
      "permissions",
      "createdAt",
      "expiresAt",
      "revokedAt",
      "lastUsedAt",
      "createdByUserId"
    ])
    expect(created).toMatchObject({
      id: expect.any(String),
      token: expect.stringMatching(P.tokenPattern),
      name: "ci",
      permissions: ["can_view_users", "can_manage_users"],
      // Minted by the operator: the organization's own, nobody's standing limits it.
      createdByUserId: null
    })
    token = created.token
  })

  it("users add prints a UserResponse", async () => {
    ada = await json([
      "users",
      "add",
      "--org",
      "acme",
      "--email",
      "ada@example.com",
      "--first-name",
      "Ada",
      "--last-name",
      "Lovelace",
      "--role",
      "admin"
    ])
    expectUser(ada, { email: "ada@example.com", status: "ACTIVE" })
    expect(ada.profile).toMatchObject({ firstName: "Ada", lastName: "Lovelace", organizationId: organization.id })
    bob = await json(["users", "add", "--org", organization.id, "--email", "bob@example.com", "--first-name", "Bob"])
    expectUser(bob, { email: "bob@example.com", status: "ACTIVE" })
    expect(bob.roleId).not.toBe(ada.roleId)
  })

  it("users list prints a UserPageResponse", async () => {
    expectUserPage(await json(["users", "list", "--org", "acme"]), ["ada@example.com", "bob@example.com"])
  })

  it("users terminate prints the terminated user; terminating again is INVALID_STATUS_TRANSITION, exit 4", async () => {
    const terminated = await json(["users", "terminate", "--org", "Acme", bob.id])
    expectUser(terminated, { email: "bob@example.com", status: "TERMINATED" })
    expect(terminated.id).toBe(bob.id)

    const again = await run(["users", "terminate", "--org", "Acme", bob.id, "--json"])
    expectFailure(again, "INVALID_STATUS_TRANSITION", 4)
  })

  it("the token it created works against a server started afterwards on the same data directory", async () => {
    const server = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: dataDir }), root)
    const port = await P.listening(server)
    const api = `http://127.0.0.1:${port}/organizations/users`
    const list = await fetch(api, { headers: { authorization: token } })
    expect(list.status).toBe(200)
    const page = await list.json()
    expectUserPage(page, ["ada@example.com", "bob@example.com"])
    expect(page.content[1].profile.status).toBe("TERMINATED")
    // It may manage users, as created: add one.
    const added = await fetch(api, {
      method: "POST",
      headers: { authorization: token, "content-type": "application/json" },
      body: JSON.stringify({ email: "carol@example.com" })
    })
    expect(added.status).toBe(201)
    expect(await server.stop()).toEqual({ code: 0, signal: null })
    // An organization exists: no first-run organization, no token printed.
    expect(server.stdout).not.toContain("tot_")
  })
})

describe("identity, from the CLI to the server", () => {
  const root = P.tempDir("cli-identity")
  const dataDir = Path.join(root, "data")
  const environment = P.env({ ROSTER_DATA_DIR: dataDir, ROSTER_PUBLIC_URL: "https://app.example.test" })
  const adminPassword = "correct horse battery staple"
  const memberPassword = "member password 42"

  const json = async (args: ReadonlyArray<string>, input?: string) => {
    const result = await P.cli([...args, "--json"], environment, root, 60_000, input)
    expect(result.stderr, result.stderr).toBe("")
    expect(result.code).toBe(0)
    for (const secret of [adminPassword, memberPassword]) expect(result.stdout).not.toContain(secret)
    return JSON.parse(result.stdout)
  }

  it("an admin made with admins create, and a member's magic link, both sign in over HTTP; no secret is logged", async () => {
    const admin = await json(
      ["admins", "create", "--email", "root@example.com", "--password-stdin"],
      `${adminPassword}\n`
    )
    expect(admin).toMatchObject({ email: "root@example.com", isPlatformAdmin: true, hasPassword: true })
    await json(["orgs", "create", "--name", "Acme"])
    const member = await json(
      ["users", "add", "--org", "acme", "--email", "ada@example.com", "--password-stdin"],
      `${memberPassword}\n`
    )
    const link = await json(["users", "magic-link", "--org", "acme", member.id])
    expect(link.url).toMatch(/^https:\/\/app\.example\.test\/auth\/magic-link#token=mlt_[0-9A-Za-z]{52}$/)
    const linkToken = link.url.split("#token=")[1]

    const server = P.startServer({ ...environment, PORT: "0", LOG_LEVEL: "debug" }, root)
    const port = await P.listening(server)
    const post = (path: string, body: unknown, auth?: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(auth === undefined ? {} : { authorization: auth }) },
        body: JSON.stringify(body)
      })
    const login = await post("/auth/login", { email: "root@example.com", password: adminPassword })
    expect(login.status).toBe(200)
    const session = (await login.json()).token as string
    const accounts = await fetch(`http://127.0.0.1:${port}/admin/users?q=example.com`, {
      headers: { authorization: `Bearer ${session}` }
    })
    expect(accounts.status).toBe(200)
    expect((await accounts.json()).totalElements).toBe(2)

    const viaLink = await post("/auth/magic-link", { token: linkToken })
    expect(viaLink.status).toBe(200)
    const memberSession = (await viaLink.json()).token as string
    expect((await post("/auth/magic-link", { token: linkToken })).status).toBe(400)
    const me = await fetch(`http://127.0.0.1:${port}/me/organizations`, {
      headers: { authorization: `Bearer ${memberSession}` }
    })
    expect((await me.json()).map((org: { name: string }) => org.name)).toEqual(["Acme"])
    expect((await post("/auth/login", { email: "ada@example.com", password: memberPassword })).status).toBe(200)

    expect(await server.stop()).toEqual({ code: 0, signal: null })
    const output = server.stdout + server.stderr
    for (const secret of [adminPassword, memberPassword, session, memberSession, linkToken]) {
      expect(output).not.toContain(secret)
    }
    expect(output).toContain("POST /auth/login 200")
  })
})
