/**
 * The command line through the API, with a token or a signed-in user's session: the same output and
 * exit codes as on the database, what only the database (or the operator) may do refused clearly,
 * profiles saved by `roster login` (mode 0600) and chosen by `--profile`, `ROSTER_PROFILE` and
 * `ROSTER_URL`, and a running server found on a data directory.
 */
import { afterEach, assert, describe, it } from "@effect/vitest"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type Environment, type Io, run, type Terminal } from "../src/index.js"
import { assertFailure, assertSuccess, missingId, type Result } from "./CliHarness.js"
import * as InMemoryStorage from "./InMemoryStorage.js"
import * as ServerStorage from "./ServerStorage.js"

const password = "correct horse battery"
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const tempDir = () => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-cli-api-"))
  cleanups.push(() => Fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

interface World {
  readonly environment?: Partial<Environment>
  readonly stdin?: string
  readonly terminal?: Terminal
  readonly makeRuntime?: Io["makeRuntime"]
}

/** `roster …argv` in `world`; opening storage fails the command unless the world says how. */
const roster = async (argv: ReadonlyArray<string>, world: World = {}): Promise<Result> => {
  const out: Array<string> = []
  const err: Array<string> = []
  const environment: Environment = {
    database: () => ({ _tag: "Embedded", dataDir: "/srv/roster/data", named: false }),
    server: () => undefined,
    ...world.environment
  }
  const code = await run(argv, {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    makeRuntime:
      world.makeRuntime ??
      (() => {
        throw new Error("this command opened the database")
      }),
    environment: () => environment,
    readStdin: () => (world.stdin === undefined ? Promise.reject(new Error("no stdin")) : Promise.resolve(world.stdin)),
    ...(world.terminal === undefined ? {} : { terminal: world.terminal })
  })
  return { code, stdout: out.join(""), stderr: err.join("") }
}

const json = async (argv: ReadonlyArray<string>, world?: World) => {
  const result = await roster([...argv, "--json"], world)
  assertSuccess(result)
  return JSON.parse(result.stdout)
}

/** A server, an organization in it and an Admin token, made as the operator does (its channel). */
const serverWithAcme = async () => {
  const server = await ServerStorage.start()
  cleanups.push(server.close)
  const operator: World = { environment: { server: () => ({ pid: 1, url: server.url, operatorKey: server.key }) } }
  await json(["orgs", "create", "--name", "Acme"], operator)
  const token = (await json(["tokens", "create", "--org", "acme", "--name", "cli", "--permission", "all"], operator))
    .token as string
  const withToken: World = { environment: { url: server.url, token } }
  return { server, operator, token, withToken }
}

/** Ids, times and secrets differ from one run to the next: the same placeholders, in order of appearance. */
const normalized = (results: ReadonlyArray<Result>): string => {
  const ids = new Map<string, string>()
  return results
    .map((result) => `${result.code}\n${result.stdout}\n${result.stderr}`)
    .join("\n---\n")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
      if (!ids.has(id)) ids.set(id, `<id-${String(ids.size).padStart(26, "0")}>`)
      return ids.get(id)!
    })
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, "<time------------------>")
    .replace(/\b(tot|mlt|evt)_[0-9A-Za-z]+/g, "$1_<secret>")
}

/** A day's work on Acme's members, successes and refusals, as one list of results. */
const scenario = async (roster: (...argv: Array<string>) => Promise<Result>) => {
  const results: Array<Result> = []
  const step = async (...argv: Array<string>) => {
    const result = await roster(...argv)
    results.push(result)
    return result
  }
  const idOf = (result: Result) => JSON.parse(result.stdout).id as string
  const org = ["--org", "acme"]
  const ada = idOf(
    await step("users", "add", ...org, "--email", "ada@example.com", "--first-name", "Ada", "--role", "Admin", "--json")
  )
  await step("users", "add", ...org, "--email", "bob@example.com", "--first-name", "Bob", "--last-name", "Lee")
  const bob = JSON.parse((await step("users", "list", ...org, "--q", "bob", "--json")).stdout).content[0].id as string
  await step("users", "list", ...org)
  await step("users", "list", ...org, "--status", "ACTIVE", "--q", "lee", "--size", "1")
  await step("users", "show", ...org, bob)
  await step("users", "update-profile", ...org, bob, "--title", "Engineer", "--clear-last-name")
  await step("users", "set-role", ...org, bob, "--role", "admin")
  await step("users", "deactivate", ...org, bob)
  await step("users", "activate", ...org, bob)
  await step("users", "terminate", ...org, bob)
  await step("users", "terminate", ...org, bob)
  await step("users", "reinstate", ...org, bob, "--role", "Member")
  await step("users", "reset-mfa", ...org, bob)
  await step("users", "magic-link", ...org, ada)
  await step("users", "remove", ...org, bob, "--reason", "Left", "--yes")
  await step("users", "forget", ...org, "bob@example.com", "--yes")
  await step("roles", "list", ...org)
  const token = idOf(await step("tokens", "create", ...org, "--name", "hr", "--permission", "can_view_users", "--json"))
  await step("tokens", "revoke", ...org, token, "--yes")
  // Refusals, each with its code and exit status.
  await step("users", "show", ...org, missingId)
  await step("users", "add", ...org, "--email", "ada@example.com")
  await step("users", "add", ...org, "--email", "not an email")
  await step("users", "set-role", ...org, ada, "--role", "Owner")
  await step("users", "terminate", ...org, ada)
  await step("users", "list", "--org", "globex")
  await step("tokens", "revoke", ...org, missingId, "--yes")
  await step("users", "list", ...org, "--size", "500")
  return results
}

describe("the same commands, on the database and through the API with a token", () => {
  it("print the same output and exit with the same statuses", async () => {
    const storage = InMemoryStorage.make()
    const direct = (...argv: Array<string>) => roster(argv, { makeRuntime: storage.makeRuntime })
    await direct("orgs", "create", "--name", "Acme")
    const { withToken } = await serverWithAcme()
    const viaApi = (...argv: Array<string>) => roster(argv, withToken)

    const onDatabase = await scenario(direct)
    const throughApi = await scenario(viaApi)
    assert.strictEqual(normalized(throughApi), normalized(onDatabase))
    // It did work: successes and every kind of refusal.
    assert.deepStrictEqual([...new Set(onDatabase.map((result) => result.code))].sort(), [0, 2, 3, 4])
  })
})

describe("with a token", () => {
  it("acts in the token's organization without --org; another organization is not found", async () => {
    const { withToken } = await serverWithAcme()
    const added = await json(["users", "add", "--email", "ada@example.com"], withToken)
    const listed = await json(["users", "list"], withToken)
    assert.deepStrictEqual(
      listed.content.map((user: { id: string }) => user.id),
      [added.id]
    )
    const text = await roster(["users", "add", "--email", "bob@example.com", "--role", "Admin"], withToken)
    assert.match(text.stdout, /^Added bob@example\.com to Acme as Admin \(ACTIVE\)\./)
    assertFailure(await roster(["users", "list", "--org", "Globex"], withToken), "ORGANIZATION_NOT_FOUND", 3, /Globex/)
    assertSuccess(await roster(["users", "list", "--org", "ACME"], withToken))
    // The audit log names the token that acted, and whom it acted on.
    const events = await roster(["events", "list", "--type", "user.added", "--wide"], withToken)
    assert.include(events.stdout, "token cli")
    assert.include(events.stdout, "bob@example.com")
    assert.notInclude(events.stdout, added.id)
  })

  it("refuses what only the operator or a platform admin does, before calling anything", async () => {
    const { withToken, server } = await serverWithAcme()
    assertFailure(
      await roster(["orgs", "create", "--name", "Globex"], withToken),
      "FORBIDDEN",
      5,
      `orgs create is the operator's: it runs on the database (--data-dir or --database-url, on the server's machine), not through the API at ${server.url}`
    )
    assertFailure(
      await roster(["admins", "create", "--email", "a@example.com", "--password-stdin"], withToken),
      "FORBIDDEN",
      5
    )
    assertFailure(
      await roster(["accounts", "list"], withToken),
      "FORBIDDEN",
      5,
      /^error FORBIDDEN: accounts list needs a platform admin's session/
    )
    const member = (await json(["users", "add", "--email", "ada@example.com"], withToken)).id
    assertFailure(
      await roster(["users", "magic-link", member, "--public-url", "https://app.example.com"], withToken),
      "VALIDATION_FAILED",
      2,
      /--public-url: applies on the database or this machine's server only/
    )
    // Without --public-url, the link is the server's.
    assert.match(
      (await json(["users", "magic-link", member], withToken)).url,
      /^http:\/\/localhost:3000\/auth\/magic-link#token=mlt_/
    )
  })

  it("reports the server's refusals with the API's codes, and exit statuses as the database would", async () => {
    const { server, operator } = await serverWithAcme()
    const viewer = (
      await json(["tokens", "create", "--org", "acme", "--name", "v", "--permission", "can_view_users"], operator)
    ).token as string
    const asViewer: World = { environment: { url: server.url, token: viewer } }
    const ada = (await json(["users", "add", "--org", "acme", "--email", "ada@example.com"], operator)).id
    assertFailure(await roster(["users", "terminate", ada], asViewer), "FORBIDDEN", 5)
    assertFailure(await roster(["tokens", "list"], asViewer), "FORBIDDEN", 5)
    const revoked: World = { environment: { url: server.url, token: `tot_${"A".repeat(52)}` } }
    assertFailure(await roster(["users", "list"], revoked), "UNAUTHORIZED", 5)
  })

  it("says when the server cannot be reached, or ROSTER_URL comes without a token", async () => {
    const { token } = await serverWithAcme()
    // A port nobody listens on any more.
    const gone = await ServerStorage.start()
    await gone.close()
    assertFailure(
      await roster(["users", "list"], { environment: { url: gone.url, token } }),
      "SERVER_UNREACHABLE",
      1,
      `Cannot reach the Roster server at ${gone.url}: ECONNREFUSED`
    )
    assertFailure(
      await roster(["users", "list"], { environment: { url: gone.url } }),
      "VALIDATION_FAILED",
      2,
      /ROSTER_TOKEN: must be set with ROSTER_URL/
    )
  })
})

describe("profiles", () => {
  it("login --token checks the token, saves it readable by its owner alone, and never prints it", async () => {
    const { server, token } = await serverWithAcme()
    const configDir = Path.join(tempDir(), "roster")
    const world: World = { environment: { configDir } }
    const result = await roster(["login", "--url", `${server.url}/`, "--token", token], world)
    assertSuccess(result)
    assert.strictEqual(
      result.stdout,
      `Logged in to ${server.url} as a token of Acme; saved as profile "default" in ${configDir}/config.json.\n`
    )
    assert.strictEqual(Fs.statSync(configDir).mode & 0o777, 0o700)
    assert.strictEqual(Fs.statSync(Path.join(configDir, "config.json")).mode & 0o777, 0o600)
    assert.deepStrictEqual(JSON.parse(Fs.readFileSync(Path.join(configDir, "config.json"), "utf8")), {
      profiles: { default: { url: server.url, token, organization: "Acme" } }
    })
    const asJson = await json(["login", "--url", server.url, "--token", token, "--profile", "acme"], world)
    assert.deepStrictEqual(asJson, {
      profile: "acme",
      url: server.url,
      credential: "token",
      email: null,
      organization: "Acme",
      file: `${configDir}/config.json`
    })

    // The default profile is used when nothing else says where to go; a named one when asked.
    assertSuccess(
      await json(["users", "add", "--email", "ada@example.com"], world).then(() => roster(["users", "list"], world))
    )
    assertSuccess(await roster(["users", "list", "--profile", "acme"], world))
    assertSuccess(await roster(["users", "list"], { environment: { configDir, profile: "acme" } }))
    assertFailure(
      await roster(["users", "list", "--profile", "prod"], world),
      "PROFILE_NOT_FOUND",
      3,
      `No profile "prod" in ${configDir}/config.json (there is "default", "acme"): save it with roster login --url <url> --profile prod`
    )
    assertFailure(
      await roster(["users", "list", "--profile", "../x"], world),
      "VALIDATION_FAILED",
      2,
      /--profile: must be/
    )
    assertFailure(
      await roster(["users", "list", "--profile", "acme", "--data-dir", "/tmp/x"], world),
      "USAGE",
      2,
      /--profile cannot be used with --data-dir/
    )
    // A database named in the environment wins over the default profile.
    const opened: Array<unknown> = []
    const storage = InMemoryStorage.make()
    const named = await roster(["orgs", "list"], {
      environment: { configDir, database: () => ({ _tag: "Embedded", dataDir: "/srv/x", named: true }) },
      makeRuntime: (options) => {
        opened.push(options)
        return storage.makeRuntime(options)
      }
    })
    assertSuccess(named)
    assert.lengthOf(opened, 1)

    // Logging out removes it; the token stays valid.
    const out = await roster(["logout", "--profile", "acme"], world)
    assert.match(out.stdout, /profile "acme" removed\. The token itself still works until it is revoked/)
    assert.deepStrictEqual(
      Object.keys(JSON.parse(Fs.readFileSync(Path.join(configDir, "config.json"), "utf8")).profiles),
      ["default"]
    )
    assertFailure(await roster(["logout", "--profile", "acme"], world), "PROFILE_NOT_FOUND", 3)
    for (const output of [result.stdout, result.stderr, JSON.stringify(asJson), out.stdout])
      assert.notInclude(output, token)
  })

  it("login refuses a token the server does not know, and saves nothing", async () => {
    const { server } = await serverWithAcme()
    const configDir = Path.join(tempDir(), "roster")
    assertFailure(
      await roster(["login", "--url", server.url, "--token", `tot_${"B".repeat(52)}`], { environment: { configDir } }),
      "UNAUTHORIZED",
      5
    )
    assertFailure(
      await roster(["login", "--url", "ftp://x", "--token", `tot_${"B".repeat(52)}`], { environment: { configDir } }),
      "VALIDATION_FAILED",
      2,
      /--url: must be an http/
    )
    assertFailure(
      await roster(["login", "--url", server.url, "--token", "ses_x"], { environment: { configDir } }),
      "VALIDATION_FAILED",
      2
    )
    assert.isFalse(Fs.existsSync(configDir))
  })

  it("login --email signs in (password from stdin, or asked for unseen on a terminal); logout ends the session", async () => {
    const { server, operator } = await serverWithAcme()
    await json(["admins", "create", "--email", "root@example.com", "--password-stdin"], {
      ...operator,
      stdin: `${password}\n`
    })
    await json(["users", "add", "--org", "acme", "--email", "ada@example.com", "--role", "Admin", "--password-stdin"], {
      ...operator,
      stdin: `${password}\n`
    })
    const configDir = Path.join(tempDir(), "roster")
    const world: World = { environment: { configDir } }

    // Off a terminal, the password comes on stdin, and only when asked to.
    assertFailure(
      await roster(["login", "--url", server.url, "--email", "ada@example.com"], world),
      "USAGE",
      2,
      /--password-stdin/
    )
    assertFailure(
      await roster(["login", "--url", server.url, "--email", "ada@example.com", "--password-stdin"], {
        ...world,
        stdin: "wrong password\n"
      }),
      "INVALID_CREDENTIALS",
      5
    )
    const ada = await roster(["login", "--url", server.url, "--email", "ada@example.com", "--password-stdin"], {
      ...world,
      stdin: `${password}\n`
    })
    assert.strictEqual(
      ada.stdout,
      `Logged in to ${server.url} as ada@example.com; saved as profile "default" in ${configDir}/config.json.\n`
    )
    const session = JSON.parse(Fs.readFileSync(Path.join(configDir, "config.json"), "utf8")).profiles.default.token
    assert.match(session, /^ses_/)

    // A member's session acts where they are a member, named by --org.
    assertSuccess(await roster(["users", "list", "--org", "acme"], world))
    assertFailure(await roster(["users", "list"], world), "USAGE", 2, /required option '--org <org>' not specified/)
    assertFailure(await roster(["users", "list", "--org", "globex"], world), "ORGANIZATION_NOT_FOUND", 3)
    // Not a platform admin: the server says so.
    assertFailure(await roster(["accounts", "list"], world), "FORBIDDEN", 5)

    // On a terminal, the password is asked for, unseen.
    const asked: Array<string> = []
    const terminal: Terminal = {
      interactive: true,
      secret: async (question) => {
        asked.push(question)
        return password
      },
      line: () => Promise.reject(new Error("not asked"))
    }
    const root = await roster(["login", "--url", server.url, "--email", "root@example.com", "--profile", "root"], {
      ...world,
      terminal
    })
    assertSuccess(root)
    assert.deepStrictEqual(asked, ["Password: "])
    const accounts = await json(["accounts", "list", "--profile", "root"], world)
    assert.strictEqual(accounts.totalElements, 2)
    assertSuccess(await roster(["events", "list", "--profile", "root"], world))

    // Logging out ends the session on the server.
    assert.match((await roster(["logout"], world)).stdout, /^Logged out of .*: profile "default" removed\.\n$/)
    const again: World = { environment: { url: server.url, token: session } }
    assertFailure(await roster(["users", "list", "--org", "acme"], again), "UNAUTHORIZED", 5)
    for (const output of [ada.stdout, root.stdout]) assert.notInclude(output, password)
  })
})

/** The TOTP code of a base32 secret now (RFC 6238: SHA-1, 6 digits, 30 s). */
const totp = (secret: string) => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
  const bits = [...secret.replace(/=+$/, "").toUpperCase()]
    .map((char) => alphabet.indexOf(char).toString(2).padStart(5, "0"))
    .join("")
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => Number.parseInt(byte, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)))
  const mac = Crypto.createHmac("sha1", key).update(counter).digest()
  const offset = mac[mac.length - 1]! & 0xf
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0")
}

describe("login with a second factor", () => {
  it("asks for the code on a terminal, takes --code otherwise, and refuses without one", async () => {
    const { server, operator } = await serverWithAcme()
    await json(["admins", "create", "--email", "root@example.com", "--password-stdin"], {
      ...operator,
      stdin: `${password}\n`
    })
    const post = async (path: string, body: unknown, session?: string) => {
      const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(session === undefined ? {} : { authorization: `Bearer ${session}` })
        },
        body: JSON.stringify(body)
      })
      return response.status === 204 ? undefined : response.json()
    }
    const session = (await post("/auth/login", { email: "root@example.com", password })).token
    const enrolment = await post("/me/mfa/totp", {}, session)
    await post("/me/mfa/totp/enable", { code: totp(enrolment.secret) }, session)
    const [first, second] = enrolment.recoveryCodes as Array<string>

    const configDir = Path.join(tempDir(), "roster")
    const login = ["login", "--url", server.url, "--email", "root@example.com"]
    assertFailure(
      await roster([...login, "--password-stdin"], { environment: { configDir }, stdin: `${password}\n` }),
      "MFA_REQUIRED",
      5,
      /: pass it with --code <code>\n$/
    )
    assertSuccess(
      await roster([...login, "--password-stdin", "--code", first!], {
        environment: { configDir },
        stdin: `${password}\n`
      })
    )
    const asked: Array<string> = []
    const terminal: Terminal = {
      interactive: true,
      secret: async (question) => {
        asked.push(question)
        return password
      },
      line: async (question) => {
        asked.push(question)
        return ` ${second} `
      }
    }
    assertSuccess(await roster([...login, "--profile", "root"], { environment: { configDir }, terminal }))
    assert.deepStrictEqual(asked, ["Password: ", "Code from your authenticator app (or a recovery code): "])
    assert.strictEqual(
      (await json(["accounts", "list", "--profile", "root"], { environment: { configDir } })).totalElements,
      1
    )
  })
})

describe("a data directory a running server holds", () => {
  it("is reached through the server: its operator channel, or the API with ROSTER_TOKEN", async () => {
    const { server, token } = await serverWithAcme()
    const holder = { pid: 4242, url: server.url, operatorKey: server.key }
    const operator = await json(["users", "add", "--org", "acme", "--email", "ada@example.com"], {
      environment: { server: () => holder }
    })
    const viaToken = await json(["users", "show", operator.id], {
      environment: { server: () => ({ ...holder, operatorKey: undefined }), token }
    })
    assert.deepStrictEqual(viaToken, operator)
  })

  it("without its key or a token: says which server holds it, and how to go through it", async () => {
    const { server } = await serverWithAcme()
    assertFailure(
      await roster(["users", "list", "--org", "acme"], {
        environment: { server: () => ({ pid: 4242, url: server.url }) }
      }),
      "DATA_DIRECTORY_LOCKED",
      1,
      `The data directory /srv/roster/data is in use by the Roster server at ${server.url} (pid 4242), whose operator key this user cannot read. Run roster as the user who runs the server, or go through its API with a token: roster login --url ${server.url} --token <tot_…> (or set ROSTER_TOKEN)`
    )
    // A holder that does not listen (yet): the database, which refuses as it always has.
    const opened: Array<unknown> = []
    await roster(["users", "list", "--org", "acme"], {
      environment: { server: () => ({ pid: 4242 }) },
      makeRuntime: (options) => {
        opened.push(options)
        throw new Error("locked")
      }
    })
    assert.lengthOf(opened, 1)
  })
})
