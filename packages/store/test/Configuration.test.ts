/** The one configuration reader: every variable's default, what each allows, and how storage is chosen. */
import { assert, describe, it } from "@effect/vitest"
import { Configuration, StoreConfigError } from "@roster/store"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Either from "effect/Either"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const readWith = <A>(config: Config.Config<A>, env: Record<string, string>) =>
  Configuration.read(config, ConfigProvider.fromMap(new Map(Object.entries(env))))

const ok = <A>(config: Config.Config<A>, env: Record<string, string>): A =>
  Either.getOrThrowWith(readWith(config, env), (error) => new Error(`refused ${JSON.stringify(env)}: ${error.message}`))

const refused = <A>(config: Config.Config<A>, env: Record<string, string>): StoreConfigError =>
  Either.match(readWith(config, env), {
    onLeft: (error) => error,
    onRight: () => assert.fail(`accepted ${JSON.stringify(env)}`)
  })

const everything = Config.all(Configuration.variables)
const names = Object.keys(Configuration.variables) as Array<keyof typeof Configuration.variables>
const read = (env: Record<string, string>) => ok(everything, env)

const secretKeyProblem = "must be 32 random bytes in base64, e.g. from `openssl rand -base64 32`"
const corsProblem =
  "must be comma-separated origins such as https://app.example.com or http://localhost:5173 (scheme, host and port only)"
const databaseUrlProblem =
  "must be a postgres:// or postgresql:// URL, such as postgres://user:password@host:5432/roster"

describe("Configuration.variables", () => {
  it("gives every variable its default when the environment is empty", () => {
    const defaults = read({})
    assert.deepStrictEqual(names, [
      "PORT",
      "HOST",
      "DATABASE_URL",
      "ROSTER_DATA_DIR",
      "ROSTER_KEY_FILE",
      "ROSTER_SECRET_KEY",
      "ROSTER_PUBLIC_URL",
      "LOG_LEVEL",
      "LOG_FORMAT",
      "ROSTER_SIGN_IN_LIMIT",
      "ROSTER_TRUST_PROXY",
      "ROSTER_ADMIN_PORT",
      "ROSTER_SHUTDOWN_TIMEOUT",
      "ROSTER_CORS_ORIGINS",
      "NO_COLOR",
      "ROSTER_URL",
      "ROSTER_TOKEN",
      "ROSTER_PROFILE",
      "XDG_CONFIG_HOME"
    ])
    assert.strictEqual(defaults.PORT, 3000)
    assert.isTrue(Option.isNone(defaults.HOST))
    assert.isTrue(Option.isNone(defaults.DATABASE_URL))
    assert.isTrue(Option.isNone(defaults.ROSTER_DATA_DIR))
    assert.isTrue(Option.isNone(defaults.ROSTER_KEY_FILE))
    assert.isTrue(Option.isNone(defaults.ROSTER_SECRET_KEY))
    assert.strictEqual(defaults.ROSTER_PUBLIC_URL, "http://localhost:3000")
    assert.strictEqual(defaults.LOG_LEVEL, LogLevel.Info)
    assert.strictEqual(defaults.LOG_FORMAT, "logfmt")
    assert.strictEqual(defaults.ROSTER_SIGN_IN_LIMIT, 60)
    assert.strictEqual(defaults.ROSTER_TRUST_PROXY, false)
    assert.isTrue(Option.isNone(defaults.ROSTER_ADMIN_PORT))
    assert.deepStrictEqual(defaults.ROSTER_CORS_ORIGINS, [])
    assert.strictEqual(defaults.ROSTER_SHUTDOWN_TIMEOUT, 10)
    assert.strictEqual(defaults.NO_COLOR, false)
    for (const name of ["ROSTER_URL", "ROSTER_TOKEN", "ROSTER_PROFILE", "XDG_CONFIG_HOME"] as const) {
      assert.isTrue(Option.isNone(defaults[name] as Option.Option<unknown>), name)
    }
  })

  it("takes a blank value as unset, except for the paths and the key", () => {
    const blank = read(
      Object.fromEntries(names.map((name) => [name, "  "]).filter(([name]) => !/DIR|FILE|KEY/.test(name!)))
    )
    assert.deepStrictEqual(blank, read({}))
    for (const variable of ["ROSTER_DATA_DIR", "ROSTER_KEY_FILE"]) {
      assert.deepStrictEqual(refused(everything, { [variable]: " " }).problems, [
        { variable, problem: "must not be empty" }
      ])
    }
    assert.strictEqual(refused(everything, { ROSTER_SECRET_KEY: "" }).problems[0].variable, "ROSTER_SECRET_KEY")
  })

  it("reads each variable's values, trimmed", () => {
    const values = read({
      PORT: " 0 ",
      HOST: "127.0.0.1",
      DATABASE_URL: " postgresql://roster:secret@db.internal:5432/roster",
      ROSTER_DATA_DIR: "/srv/roster/data ",
      ROSTER_KEY_FILE: "/srv/roster/secret.key",
      ROSTER_PUBLIC_URL: "https://app.example.com/roster",
      LOG_LEVEL: "WARN",
      LOG_FORMAT: "JSON",
      ROSTER_SIGN_IN_LIMIT: "0",
      ROSTER_TRUST_PROXY: "loopback, 10.0.0.0/8",
      ROSTER_ADMIN_PORT: " 9090",
      ROSTER_SHUTDOWN_TIMEOUT: "30",
      ROSTER_CORS_ORIGINS: "https://app.example.com, http://localhost:5173",
      NO_COLOR: "1"
    })
    assert.strictEqual(values.PORT, 0)
    assert.deepStrictEqual(values.HOST, Option.some("127.0.0.1"))
    assert.deepStrictEqual(values.DATABASE_URL, Option.some("postgresql://roster:secret@db.internal:5432/roster"))
    assert.deepStrictEqual(values.ROSTER_DATA_DIR, Option.some("/srv/roster/data"))
    assert.deepStrictEqual(values.ROSTER_KEY_FILE, Option.some("/srv/roster/secret.key"))
    assert.strictEqual(values.ROSTER_PUBLIC_URL, "https://app.example.com/roster")
    assert.strictEqual(values.LOG_LEVEL, LogLevel.Warning)
    assert.strictEqual(values.LOG_FORMAT, "json")
    assert.strictEqual(values.ROSTER_SIGN_IN_LIMIT, 0)
    assert.deepStrictEqual(values.ROSTER_TRUST_PROXY, ["loopback", "10.0.0.0/8"])
    assert.deepStrictEqual(values.ROSTER_ADMIN_PORT, Option.some(9090))
    assert.strictEqual(values.ROSTER_SHUTDOWN_TIMEOUT, 30)
    assert.deepStrictEqual(values.ROSTER_CORS_ORIGINS, ["https://app.example.com", "http://localhost:5173"])
    assert.strictEqual(values.NO_COLOR, true)
    for (const [text, trust] of [
      ["true", true],
      ["false", false],
      ["2", 2],
      ["::1", ["::1"]]
    ] as const) {
      assert.deepStrictEqual(read({ ROSTER_TRUST_PROXY: text }).ROSTER_TRUST_PROXY, trust)
    }
    for (const [text, level] of [
      ["debug", LogLevel.Debug],
      ["info", LogLevel.Info],
      ["warning", LogLevel.Warning],
      ["error", LogLevel.Error],
      ["none", LogLevel.None]
    ] as const) {
      assert.strictEqual(read({ LOG_LEVEL: text }).LOG_LEVEL, level)
    }
  })

  it("defaults ROSTER_PUBLIC_URL to the server's address on HOST and PORT", () => {
    const publicUrl = (env: Record<string, string>) => read(env).ROSTER_PUBLIC_URL
    assert.strictEqual(publicUrl({ PORT: "8080" }), "http://localhost:8080")
    assert.strictEqual(publicUrl({ HOST: "127.0.0.1", PORT: "8080" }), "http://127.0.0.1:8080")
    assert.strictEqual(publicUrl({ HOST: "0.0.0.0" }), "http://localhost:3000")
    assert.strictEqual(publicUrl({ HOST: "::" }), "http://localhost:3000")
    assert.strictEqual(publicUrl({ HOST: "::1" }), "http://[::1]:3000")
  })

  it("takes ROSTER_SECRET_KEY in base64 or base64url, padded or not", () => {
    const key = randomBytes(32)
    for (const encoded of [
      key.toString("base64"),
      key.toString("base64").replace(/=+$/, ""),
      key.toString("base64url"),
      ` ${key.toString("base64")}\n`
    ]) {
      const given = read({ ROSTER_SECRET_KEY: encoded }).ROSTER_SECRET_KEY
      assert.isTrue(Option.isSome(given))
      assert.deepStrictEqual(Buffer.from(Redacted.value(Option.getOrThrow(given))), key)
    }
  })

  const tooShortKey = randomBytes(16).toString("base64")

  it.each([
    ["PORT", "abc", "must be a whole number from 0 to 65535"],
    ["PORT", "70000", "must be a whole number from 0 to 65535"],
    ["PORT", "-1", "must be a whole number from 0 to 65535"],
    ["PORT", "80.5", "must be a whole number from 0 to 65535"],
    ["DATABASE_URL", "mysql://root:hunter2@db/roster", databaseUrlProblem],
    ["DATABASE_URL", "not a url", databaseUrlProblem],
    ["ROSTER_SECRET_KEY", "not a key", `${secretKeyProblem}; it is not valid base64`],
    ["ROSTER_SECRET_KEY", `${randomBytes(32).toString("base64")}!`, `${secretKeyProblem}; it is not valid base64`],
    ["ROSTER_SECRET_KEY", tooShortKey, `${secretKeyProblem}; it decodes to 16 bytes`],
    ["ROSTER_PUBLIC_URL", "ftp://app.example", "must be an http:// or https:// URL without a query or a fragment"],
    [
      "ROSTER_PUBLIC_URL",
      "https://app.example/?a=1",
      "must be an http:// or https:// URL without a query or a fragment"
    ],
    ["ROSTER_PUBLIC_URL", "not a url", "must be an http:// or https:// URL without a query or a fragment"],
    ["LOG_LEVEL", "loud", "must be one of debug, info, warning, warn, error, none"],
    ["LOG_FORMAT", "xml", "must be logfmt or json"],
    ["ROSTER_SIGN_IN_LIMIT", "many", "must be a whole number of requests per minute, from 0 (no limit) to 1000000"],
    ["ROSTER_SIGN_IN_LIMIT", "2000000", "must be a whole number of requests per minute, from 0 (no limit) to 1000000"],
    ["ROSTER_ADMIN_PORT", "metrics", "must be a whole number from 0 to 65535, other than PORT"],
    ["ROSTER_ADMIN_PORT", "65536", "must be a whole number from 0 to 65535, other than PORT"],
    ["ROSTER_SHUTDOWN_TIMEOUT", "10s", "must be a whole number of seconds from 0 to 3600"],
    ["ROSTER_SHUTDOWN_TIMEOUT", "3601", "must be a whole number of seconds from 0 to 3600"],
    ["ROSTER_CORS_ORIGINS", "*", corsProblem],
    ["ROSTER_CORS_ORIGINS", "https://app.example.com/", corsProblem],
    ["ROSTER_CORS_ORIGINS", "https://app.example.com/path", corsProblem],
    ["ROSTER_CORS_ORIGINS", "https://APP.example.com", corsProblem],
    ["ROSTER_CORS_ORIGINS", "ftp://files.example.com", corsProblem],
    ["ROSTER_CORS_ORIGINS", "https://a.example.com,,https://b.example.com", corsProblem],
    [
      "ROSTER_TRUST_PROXY",
      "maybe please",
      "must be true, false, a number of proxy hops, or comma-separated proxy addresses (loopback, 10.0.0.0/8, …)"
    ]
  ])("refuses %s=%s, naming it and what it allows, never its value", (variable, value, problem) => {
    const error = refused(everything, { [variable]: value })
    assert.instanceOf(error, StoreConfigError)
    assert.deepStrictEqual(error.problems, [{ variable, problem }])
    assert.strictEqual(error.message, `${variable}: ${problem}`)
    if (variable === "DATABASE_URL" || variable === "ROSTER_SECRET_KEY") assert.notInclude(error.message, value)
  })

  it("names every wrong variable at once, each once", () => {
    const error = refused(Configuration.server, { PORT: "abc", LOG_LEVEL: "loud", DATABASE_URL: "mysql://x" })
    assert.deepStrictEqual(
      error.problems.map(({ variable }) => variable),
      ["PORT", "LOG_LEVEL", "DATABASE_URL"]
    )
    assert.match(error.message, /^PORT: must be .*; LOG_LEVEL: must be .*; DATABASE_URL: must be /)
  })
})

describe("Configuration.server", () => {
  it("is every default when nothing is set: PGlite in .roster/data, its key beside it", () => {
    assert.deepStrictEqual(ok(Configuration.server, {}), {
      port: 3000,
      host: undefined,
      logLevel: LogLevel.Info,
      logFormat: "logfmt",
      publicUrl: "http://localhost:3000",
      signInLimit: 60,
      trustProxy: false,
      adminPort: undefined,
      corsOrigins: [],
      shutdownTimeoutMs: 10_000,
      storage: {
        database: { _tag: "Embedded", dataDir: ".roster/data" },
        secretKey: { _tag: "File", path: Path.resolve(".roster/secret.key") }
      }
    })
  })

  it("takes ROSTER_ADMIN_PORT apart from PORT; the same port twice is refused (0, any free port, is not)", () => {
    assert.strictEqual(ok(Configuration.server, { ROSTER_ADMIN_PORT: "9090" }).adminPort, 9090)
    assert.strictEqual(ok(Configuration.server, { PORT: "0", ROSTER_ADMIN_PORT: "0" }).adminPort, 0)
    assert.deepStrictEqual(refused(Configuration.server, { PORT: "8080", ROSTER_ADMIN_PORT: "8080" }).problems, [
      { variable: "ROSTER_ADMIN_PORT", problem: "must be a whole number from 0 to 65535, other than PORT" }
    ])
    assert.deepStrictEqual(refused(Configuration.server, { ROSTER_ADMIN_PORT: "3000" }).problems, [
      { variable: "ROSTER_ADMIN_PORT", problem: "must be a whole number from 0 to 65535, other than PORT" }
    ])
  })

  it("ignores NO_COLOR, which only the CLI reads", () => {
    assert.isTrue(Either.isRight(readWith(Configuration.server, { NO_COLOR: "1" })))
  })
})

describe("Configuration.cli", () => {
  it("reads only what the CLI uses: a bad LOG_LEVEL or ROSTER_SIGN_IN_LIMIT is the server's business", () => {
    const config = ok(Configuration.cli, { LOG_LEVEL: "loud", ROSTER_SIGN_IN_LIMIT: "many", NO_COLOR: "" })
    assert.strictEqual(config.publicUrl, "http://localhost:3000")
    assert.strictEqual(config.noColor, false)
  })

  it("reads HOST and PORT only for ROSTER_PUBLIC_URL's default", () => {
    assert.strictEqual(
      ok(Configuration.cli, { ROSTER_PUBLIC_URL: "https://app.example", PORT: "abc" }).publicUrl,
      "https://app.example"
    )
    assert.deepStrictEqual(refused(Configuration.cli, { PORT: "abc" }).problems, [
      { variable: "PORT", problem: "must be a whole number from 0 to 65535" }
    ])
  })
})

describe("Configuration.cli's remote", () => {
  const remote = (env: Record<string, string>) => ok(Configuration.cli, env).remote

  it("is nothing but where profiles are kept when nothing is set: ~/.config/roster", () => {
    const found = remote({})
    assert.isTrue(Option.isNone(found.url) && Option.isNone(found.token) && Option.isNone(found.profile))
    assert.strictEqual(found.configDir, Path.join(Os.homedir(), ".config", "roster"))
    assert.strictEqual(remote({ XDG_CONFIG_HOME: "/srv/config " }).configDir, "/srv/config/roster")
  })

  it("reads ROSTER_URL, ROSTER_TOKEN (kept redacted) and ROSTER_PROFILE", () => {
    const token = `tot_${"a".repeat(52)}`
    const found = remote({
      ROSTER_URL: "https://roster.example.com",
      ROSTER_TOKEN: ` ${token} `,
      ROSTER_PROFILE: "prod"
    })
    assert.deepStrictEqual(found.url, Option.some("https://roster.example.com"))
    assert.strictEqual(Option.map(found.token, Redacted.value).pipe(Option.getOrUndefined), token)
    assert.notInclude(String(Option.getOrUndefined(found.token)), token)
    assert.deepStrictEqual(found.profile, Option.some("prod"))
  })

  it("refuses what cannot work, naming each variable and never quoting the token", () => {
    const error = refused(Configuration.cli, {
      ROSTER_URL: "ftp://roster.example.com",
      ROSTER_TOKEN: "s3cret-value",
      XDG_CONFIG_HOME: "relative/dir"
    })
    assert.deepStrictEqual(
      error.problems.map((problem) => problem.variable),
      ["ROSTER_URL", "ROSTER_TOKEN", "XDG_CONFIG_HOME"]
    )
    assert.notInclude(error.message, "s3cret-value")
    assert.isTrue(Either.isLeft(readWith(Configuration.cli, { ROSTER_URL: "https://user:pw@roster.example.com" })))
  })
})

describe("Configuration.storage", () => {
  const url = "postgres://roster@db.internal:5432/roster"
  const storageOf = (env: Record<string, string>, flags: Configuration.StorageFlags = {}) =>
    Configuration.storage(ok(Configuration.cli, env).storage, flags)
  const chosen = (env: Record<string, string>, flags: Configuration.StorageFlags = {}) =>
    Either.getOrThrow(storageOf(env, flags))

  it("takes a typed --data-dir over DATABASE_URL in the environment", () => {
    assert.deepStrictEqual(chosen({ DATABASE_URL: url }, { dataDir: "./scratch" }).database, {
      _tag: "Embedded",
      dataDir: "./scratch",
      source: "--data-dir"
    })
  })

  it("takes a typed --database-url over ROSTER_DATA_DIR and DATABASE_URL", () => {
    assert.deepStrictEqual(
      chosen({ ROSTER_DATA_DIR: "/srv/roster", DATABASE_URL: "postgres://x@y/z" }, { databaseUrl: url }).database,
      { _tag: "Server", url, source: "--database-url" }
    )
  })

  it("without flags: DATABASE_URL, then ROSTER_DATA_DIR, then the default; an empty DATABASE_URL is unset", () => {
    assert.deepStrictEqual(chosen({ DATABASE_URL: url, ROSTER_DATA_DIR: "/srv/roster" }).database, {
      _tag: "Server",
      url,
      source: "DATABASE_URL"
    })
    assert.deepStrictEqual(chosen({ DATABASE_URL: "", ROSTER_DATA_DIR: "/srv/roster" }).database, {
      _tag: "Embedded",
      dataDir: "/srv/roster",
      source: "ROSTER_DATA_DIR"
    })
    assert.deepStrictEqual(chosen({}).database, { _tag: "Embedded", dataDir: ".roster/data" })
    assert.deepStrictEqual(chosen({ ROSTER_DATA_DIR: "memory://" }).database, {
      _tag: "Embedded",
      dataDir: "memory://",
      source: "ROSTER_DATA_DIR"
    })
  })

  it("refuses a bad flag, naming it", () => {
    const bad = Either.flip(storageOf({}, { databaseUrl: "notaurl" }))
    assert.deepStrictEqual(Either.getOrThrow(bad).problems, [
      { variable: "--database-url", problem: databaseUrlProblem }
    ])
    const empty = Either.flip(storageOf({}, { dataDir: " " }))
    assert.strictEqual(Either.getOrThrow(empty).message, "--data-dir: must not be empty")
  })

  it("keeps the key beside the embedded data directory, unless ROSTER_KEY_FILE or ROSTER_SECRET_KEY says", () => {
    assert.deepStrictEqual(chosen({ ROSTER_DATA_DIR: "/srv/roster/data" }).secretKey, {
      _tag: "File",
      path: "/srv/roster/secret.key"
    })
    assert.deepStrictEqual(chosen({ ROSTER_DATA_DIR: "/srv/roster/data" }, { dataDir: "/tmp/x/data" }).secretKey, {
      _tag: "File",
      path: "/tmp/x/secret.key"
    })
    assert.deepStrictEqual(chosen({ DATABASE_URL: url }).secretKey, { _tag: "File", path: ".roster/secret.key" })
    assert.deepStrictEqual(chosen({ ROSTER_DATA_DIR: "memory://" }).secretKey, {
      _tag: "File",
      path: ".roster/secret.key"
    })
    assert.deepStrictEqual(
      chosen({ ROSTER_KEY_FILE: "/etc/roster.key", ROSTER_DATA_DIR: "/srv/roster/data" }).secretKey,
      {
        _tag: "File",
        path: "/etc/roster.key"
      }
    )
    const key = randomBytes(32)
    const given = chosen({ ROSTER_SECRET_KEY: key.toString("base64"), ROSTER_KEY_FILE: "/etc/roster.key" }).secretKey
    assert.strictEqual(given._tag, "Given")
    if (given._tag === "Given") assert.deepStrictEqual(Buffer.from(Redacted.value(given.key)), key)
  })
})

describe("README.md", () => {
  it("lists every variable in its configuration table, and no other", () => {
    const readme = Fs.readFileSync(
      Path.join(Path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "README.md"),
      "utf8"
    )
    const section = readme.slice(
      readme.indexOf("## Configuration"),
      readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1)
    )
    const listed = [...section.matchAll(/^\| `([A-Z_]+)`/gm)].map((match) => match[1])
    assert.deepStrictEqual([...listed].sort(), [...names].sort())
  })
})
