/**
 * Every environment variable Roster reads, declared once here with its default and what it allows.
 * The server and the `roster` CLI each read their configuration through this module, once, when they
 * start (`read(server)`, `read(cli)`), and hand the values on explicitly: nothing else in Roster
 * reads `process.env`, and nothing writes it. Tests read from a map (`ConfigProvider.fromMap`).
 *
 * A blank value counts as unset, except for the paths and the key (`ROSTER_DATA_DIR`,
 * `ROSTER_KEY_FILE`, `ROSTER_SECRET_KEY`): a blank one there is a mistake (an unset shell variable)
 * that would otherwise put the data or the key somewhere else without a word.
 *
 * It lives in `@roster/store` because both apps import this package, and where the data and its key
 * are is most of it.
 */
import { PublicUrl } from "@roster/domain"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Location from "./Location.js"
import { type ConfigProblem, StoreConfigError } from "./StoreError.js"

// Errors carry no path: effect prefixes the variable's name to what a primitive's `mapOrFail` returns.
const unset = Either.left(ConfigError.MissingData([], "blank"))
const invalid = (problem: string) => Either.left(ConfigError.InvalidData([], problem))

/** A variable's text, trimmed, read by `parse`; `problem` ("must …") when it cannot. Blank counts as unset. */
const parsed = <A>(variable: string, problem: string, parse: (text: string) => Option.Option<A>): Config.Config<A> =>
  Config.string(variable).pipe(
    Config.mapOrFail((value) =>
      value.trim() === ""
        ? unset
        : Option.match(parse(value.trim()), { onNone: () => invalid(problem), onSome: Either.right })
    )
  )

/** A variable's text, trimmed; blank counts as unset. */
const text = (variable: string): Config.Config<string> => parsed(variable, "", Option.some)

/** A path, trimmed; set but blank is refused. */
const path = (variable: string): Config.Config<string> =>
  Config.string(variable).pipe(
    Config.mapOrFail((value) => (value.trim() === "" ? invalid("must not be empty") : Either.right(value.trim())))
  )

const wholeNumber =
  (max: number) =>
  (text: string): Option.Option<number> =>
    /^\d+$/.test(text) && Number(text) <= max ? Option.some(Number(text)) : Option.none()

const logLevels: Record<string, LogLevel.LogLevel> = {
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warning: LogLevel.Warning,
  warn: LogLevel.Warning,
  error: LogLevel.Error,
  none: LogLevel.None
}

/** Express's `trust proxy`: off, every proxy, a number of hops, or the proxies' addresses. */
export type TrustProxy = boolean | number | ReadonlyArray<string>

/**
 * Behind a reverse proxy, the client's address (for sessions and the sign-in limit) is in
 * `X-Forwarded-For`, which only a proxy we trust may set.
 */
const parseTrustProxy = (text: string): Option.Option<TrustProxy> => {
  if (text === "false") return Option.some(false)
  if (text === "true") return Option.some(true)
  if (/^\d+$/.test(text)) return Option.some(Number(text))
  const entries = text.split(",").map((entry) => entry.trim())
  const known = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/
  return entries.every((entry) => known.test(entry)) ? Option.some(entries) : Option.none()
}

/** `https://app.example.com, http://localhost:5173`: each an origin exactly as a browser sends it. */
const parseOrigins = (text: string): Option.Option<ReadonlyArray<string>> => {
  const origins = text.split(",").map((entry) => entry.trim())
  const isOrigin = (origin: string) => {
    try {
      const url = new URL(origin)
      return (url.protocol === "http:" || url.protocol === "https:") && url.origin === origin
    } catch {
      return false
    }
  }
  return origins.every(isOrigin) ? Option.some(origins) : Option.none()
}

/** The length of the key that seals secrets (AES-256), in bytes. */
const keyLength = 32

/**
 * Base64 or base64url of exactly 32 bytes, padded or not, trimmed. Only an exact encoding passes: a
 * lenient decoder would ignore a typo, and every server sharing a database must have the same key.
 */
const decodeKey = (text: string): Either.Either<Uint8Array, string> => {
  const standard = text.trim().replace(/-/g, "+").replace(/_/g, "/")
  const unpadded = (encoded: string) => encoded.replace(/=+$/, "")
  const bytes = Buffer.from(standard, "base64")
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(standard) || unpadded(bytes.toString("base64")) !== unpadded(standard)) {
    return Either.left("it is not valid base64")
  }
  if (bytes.length !== keyLength) return Either.left(`it decodes to ${bytes.length} bytes`)
  return Either.right(new Uint8Array(bytes))
}

const secretKeyProblem = `must be ${keyLength} random bytes in base64, e.g. from \`openssl rand -base64 ${keyLength}\``

/** The address people should use for a server on `host` and `port`: a wildcard host is reachable as localhost. */
export const serverUrl = (host: Option.Option<string>, port: number): string =>
  Option.match(
    Option.filter(host, (name) => name !== "0.0.0.0" && name !== "::"),
    {
      onNone: () => `http://localhost:${port}`,
      onSome: (name) => `http://${name.includes(":") ? `[${name}]` : name}:${port}`
    }
  )

const PORT = parsed("PORT", "must be a whole number from 0 to 65535", wholeNumber(65_535)).pipe(
  Config.withDefault(3000)
)
const HOST = Config.option(text("HOST"))

/** A URL a server answers at. */
export const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text)
    return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === ""
  } catch {
    return false
  }
}

/**
 * Every variable Roster reads, by name. Each one's value when it is unset is its default; `None`
 * where the default depends on others (`ROSTER_DATA_DIR` and `ROSTER_KEY_FILE`: see `storage`).
 */
export const variables = {
  /** Where the server listens; 0 takes any free port. */
  PORT,
  /** The interface the server binds; every interface when unset. */
  HOST,
  /** A PostgreSQL server; when set, the embedded database is not used. Never echoed: it holds a password. */
  DATABASE_URL: Config.option(
    parsed("DATABASE_URL", Location.serverUrlProblem, (url) =>
      Location.isServerUrl(url) ? Option.some(url) : Option.none()
    )
  ),
  /** The embedded database's directory (`memory://`: a throwaway one). */
  ROSTER_DATA_DIR: Config.option(path("ROSTER_DATA_DIR")),
  /** Where the key is kept when `ROSTER_SECRET_KEY` is unset: created on first use. */
  ROSTER_KEY_FILE: Config.option(path("ROSTER_KEY_FILE")),
  /** The key that seals TOTP secrets; servers sharing a database must share it. Never echoed. */
  ROSTER_SECRET_KEY: Config.option(
    Config.string("ROSTER_SECRET_KEY").pipe(
      Config.mapOrFail((value) =>
        Either.match(decodeKey(value), {
          onLeft: (why) => invalid(`${secretKeyProblem}; ${why}`),
          onRight: (key) => Either.right(Redacted.make(key))
        })
      )
    )
  ),
  /** Where handed-out links point (a front end); the server's own address on HOST and PORT when unset. */
  ROSTER_PUBLIC_URL: parsed(
    "ROSTER_PUBLIC_URL",
    "must be an http:// or https:// URL without a query or a fragment",
    (url) => (PublicUrl.isPublicUrl(url) ? Option.some(url) : Option.none())
  ).pipe(
    // HOST and PORT are read only when they are needed.
    Config.orElseIf({
      if: ConfigError.isMissingDataOnly,
      orElse: () => Config.map(Config.all([HOST, PORT]), ([host, port]) => serverUrl(host, port))
    })
  ),
  /** The server's least severe log line. */
  LOG_LEVEL: parsed("LOG_LEVEL", `must be one of ${Object.keys(logLevels).join(", ")}`, (name) =>
    Option.fromNullable(logLevels[name.toLowerCase()])
  ).pipe(Config.withDefault(LogLevel.Info)),
  LOG_FORMAT: parsed(
    "LOG_FORMAT",
    "must be logfmt or json",
    (format): Option.Option<"logfmt" | "json"> =>
      format.toLowerCase() === "logfmt" || format.toLowerCase() === "json"
        ? Option.some(format.toLowerCase() as "logfmt" | "json")
        : Option.none()
  ).pipe(Config.withDefault("logfmt")),
  /** Failed sign-in requests per minute per client address; 0 turns the limit off. */
  ROSTER_SIGN_IN_LIMIT: parsed(
    "ROSTER_SIGN_IN_LIMIT",
    "must be a whole number of requests per minute, from 0 (no limit) to 1000000",
    wholeNumber(1_000_000)
  ).pipe(Config.withDefault(60)),
  ROSTER_TRUST_PROXY: parsed(
    "ROSTER_TRUST_PROXY",
    "must be true, false, a number of proxy hops, or comma-separated proxy addresses (loopback, 10.0.0.0/8, …)",
    parseTrustProxy
  ).pipe(Config.withDefault(false)),
  /**
   * A second port for `/health/live`, `/health/ready` and `/metrics`, which then leave the main one
   * (`/health` stays on both); on the main port when unset. 0 takes any free port.
   */
  ROSTER_ADMIN_PORT: Config.option(
    parsed("ROSTER_ADMIN_PORT", "must be a whole number from 0 to 65535, other than PORT", wholeNumber(65_535))
  ),
  /**
   * How long stopping (SIGTERM, SIGINT) waits for requests in flight before cutting their
   * connections, in whole seconds.
   */
  ROSTER_SHUTDOWN_TIMEOUT: parsed(
    "ROSTER_SHUTDOWN_TIMEOUT",
    "must be a whole number of seconds from 0 to 3600",
    wholeNumber(3600)
  ).pipe(Config.withDefault(10)),
  /** Origins whose browser pages may call the API (CORS), comma-separated; none when unset. */
  ROSTER_CORS_ORIGINS: parsed(
    "ROSTER_CORS_ORIGINS",
    "must be comma-separated origins such as https://app.example.com or http://localhost:5173 (scheme, host and port only)",
    parseOrigins
  ).pipe(Config.withDefault([] as ReadonlyArray<string>)),
  /** Any value turns the CLI's colours off (https://no-color.org). */
  NO_COLOR: Config.option(text("NO_COLOR")).pipe(Config.map(Option.isSome)),
  /** The CLI: a Roster server to call instead of opening a database, with `ROSTER_TOKEN`. */
  ROSTER_URL: Config.option(
    parsed("ROSTER_URL", "must be an http:// or https:// URL, such as https://roster.example.com", (url) =>
      isHttpUrl(url) ? Option.some(url) : Option.none()
    )
  ),
  /** The CLI: the credential for `ROSTER_URL` (or for the server found holding the data directory). Never echoed. */
  ROSTER_TOKEN: Config.option(
    parsed("ROSTER_TOKEN", "must be an organization token (tot_…) or a session (ses_…)", (token) =>
      /^(tot|ses)_[0-9A-Za-z]+$/.test(token) ? Option.some(Redacted.make(token)) : Option.none()
    )
  ),
  /** The CLI: the profile `roster login` saved to use, instead of `default` (the CLI checks its name). */
  ROSTER_PROFILE: Config.option(text("ROSTER_PROFILE")),
  /** The CLI: where its profiles are kept (`$XDG_CONFIG_HOME/roster/config.json`); `~/.config` when unset. */
  XDG_CONFIG_HOME: Config.option(
    parsed("XDG_CONFIG_HOME", "must be an absolute path", (dir) =>
      Path.isAbsolute(dir) ? Option.some(dir) : Option.none()
    )
  )
}

/** Where the key that seals secrets comes from: `ROSTER_SECRET_KEY`, or a key file made on first use. */
export type SecretKey =
  | { readonly _tag: "Given"; readonly key: Redacted.Redacted<Uint8Array> }
  | { readonly _tag: "File"; readonly path: string }

/** The variables that say where the data and its key are: both apps read them. */
export interface StorageVariables {
  readonly databaseUrl: Option.Option<string>
  readonly dataDir: Option.Option<string>
  readonly keyFile: Option.Option<string>
  readonly secretKey: Option.Option<Redacted.Redacted<Uint8Array>>
}

const storageVariables: Config.Config<StorageVariables> = Config.all({
  databaseUrl: variables.DATABASE_URL,
  dataDir: variables.ROSTER_DATA_DIR,
  keyFile: variables.ROSTER_KEY_FILE,
  secretKey: variables.ROSTER_SECRET_KEY
})

/** The CLI's `--data-dir` and `--database-url`, when typed. */
export interface StorageFlags {
  readonly dataDir?: string | undefined
  readonly databaseUrl?: string | undefined
}

/** The database to open and the key to seal secrets with. */
export interface Storage {
  readonly database: Location.Options
  readonly secretKey: SecretKey
}

/**
 * Which database, and which key: a typed flag first (an operator who types `--data-dir ./scratch`
 * with `DATABASE_URL` exported in the shell must get the scratch directory, not production), then
 * `DATABASE_URL`, then `ROSTER_DATA_DIR`, then `defaultDataDir` (the CLI passes the nearest
 * `.roster/data`). The key is `ROSTER_SECRET_KEY`, else the file at `ROSTER_KEY_FILE`, else
 * `secret.key` beside the embedded data directory, so that one directory holds both
 * (`.roster/secret.key` for a server's database, which shares a key through `ROSTER_SECRET_KEY`).
 */
export const storage = (
  environment: StorageVariables,
  flags: StorageFlags = {},
  defaultDataDir: string = Location.defaultDataDir
): Either.Either<Storage, StoreConfigError> => {
  const refuse = (flag: string, problem: string) =>
    Either.left(new StoreConfigError({ problems: [{ variable: flag, problem }] }))
  if (flags.databaseUrl !== undefined) {
    return Location.isServerUrl(flags.databaseUrl)
      ? Either.right(withKey(environment, { _tag: "Server", url: flags.databaseUrl, source: "--database-url" }))
      : refuse("--database-url", Location.serverUrlProblem)
  }
  if (flags.dataDir !== undefined) {
    return flags.dataDir.trim() === ""
      ? refuse("--data-dir", "must not be empty")
      : Either.right(withKey(environment, { _tag: "Embedded", dataDir: flags.dataDir, source: "--data-dir" }))
  }
  return Either.right(fromEnvironment(environment, defaultDataDir))
}

const fromEnvironment = (environment: StorageVariables, defaultDataDir: string): Storage =>
  withKey(
    environment,
    Option.match(environment.databaseUrl, {
      onSome: (url): Location.Options => ({ _tag: "Server", url, source: "DATABASE_URL" }),
      onNone: () =>
        Option.match(environment.dataDir, {
          onSome: (dataDir): Location.Options => ({ _tag: "Embedded", dataDir, source: "ROSTER_DATA_DIR" }),
          onNone: (): Location.Options => ({ _tag: "Embedded", dataDir: defaultDataDir })
        })
    })
  )

const withKey = (environment: StorageVariables, database: Location.Options): Storage => ({
  database,
  secretKey: Option.match(environment.secretKey, {
    onSome: (key): SecretKey => ({ _tag: "Given", key }),
    onNone: (): SecretKey => ({
      _tag: "File",
      path: Option.getOrElse(environment.keyFile, () => defaultKeyFile(database))
    })
  })
})

const defaultKeyFile = (database: Location.Options): string =>
  database._tag === "Embedded" && !database.dataDir.startsWith(Location.memoryDataDir)
    ? Path.join(Path.dirname(Path.resolve(database.dataDir)), "secret.key")
    : ".roster/secret.key"

/** What the server runs on. */
export interface Server {
  readonly port: number
  /** Every interface when absent. */
  readonly host: string | undefined
  readonly logLevel: LogLevel.LogLevel
  readonly logFormat: "logfmt" | "json"
  /** Where handed-out links point. */
  readonly publicUrl: string
  /** Failed sign-in requests per minute per client address; 0: no limit. */
  readonly signInLimit: number
  readonly trustProxy: TrustProxy
  /** Where health and metrics are served apart from the API; on the API's port when absent. */
  readonly adminPort: number | undefined
  /** Origins whose browser pages may call the API; none: CORS is off. */
  readonly corsOrigins: ReadonlyArray<string>
  /** How long stopping waits for requests in flight, in milliseconds. */
  readonly shutdownTimeoutMs: number
  readonly storage: Storage
}

/** The server's configuration: every variable but `NO_COLOR`. */
export const server: Config.Config<Server> = Config.all({
  port: variables.PORT,
  host: variables.HOST,
  logLevel: variables.LOG_LEVEL,
  logFormat: variables.LOG_FORMAT,
  publicUrl: variables.ROSTER_PUBLIC_URL,
  signInLimit: variables.ROSTER_SIGN_IN_LIMIT,
  trustProxy: variables.ROSTER_TRUST_PROXY,
  adminPort: variables.ROSTER_ADMIN_PORT,
  corsOrigins: variables.ROSTER_CORS_ORIGINS,
  shutdownTimeout: variables.ROSTER_SHUTDOWN_TIMEOUT,
  storage: storageVariables
}).pipe(
  Config.mapOrFail(({ shutdownTimeout, ...read }) =>
    // Two listeners on one port: the second could never start.
    Option.isSome(read.adminPort) && read.adminPort.value !== 0 && read.adminPort.value === read.port
      ? Either.left(
          ConfigError.InvalidData(["ROSTER_ADMIN_PORT"], "must be a whole number from 0 to 65535, other than PORT")
        )
      : Either.right<Server>({
          ...read,
          shutdownTimeoutMs: shutdownTimeout * 1000,
          host: Option.getOrUndefined(read.host),
          adminPort: Option.getOrUndefined(read.adminPort),
          storage: fromEnvironment(read.storage, Location.defaultDataDir)
        })
  )
)

/** Which server the CLI calls, when told: `ROSTER_URL`, `ROSTER_TOKEN`, `ROSTER_PROFILE`. */
export interface Remote {
  readonly url: Option.Option<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly profile: Option.Option<string>
  /** Where profiles are kept: `$XDG_CONFIG_HOME/roster`, else `~/.config/roster`. */
  readonly configDir: string
}

/** What the CLI reads before it knows which command runs; `storage` applies its flags. */
export interface Cli {
  readonly storage: StorageVariables
  /** Where links point unless `--public-url` says otherwise. */
  readonly publicUrl: string
  readonly noColor: boolean
  readonly remote: Remote
}

/**
 * The CLI's configuration: storage, the public URL (and HOST and PORT, only for its default),
 * NO_COLOR, and the server to call instead of a database.
 */
export const cli: Config.Config<Cli> = Config.all({
  storage: storageVariables,
  publicUrl: variables.ROSTER_PUBLIC_URL,
  noColor: variables.NO_COLOR,
  remote: Config.all({
    url: variables.ROSTER_URL,
    token: variables.ROSTER_TOKEN,
    profile: variables.ROSTER_PROFILE,
    configDir: variables.XDG_CONFIG_HOME.pipe(
      Config.map((dir) =>
        Path.join(
          Option.getOrElse(dir, () => Path.join(Os.homedir(), ".config")),
          "roster"
        )
      )
    )
  })
})

/**
 * `config` as `provider` gives it (the process's environment unless told otherwise), or one error
 * that names every variable that is wrong and what it must be.
 */
export const read = <A>(
  config: Config.Config<A>,
  provider: ConfigProvider.ConfigProvider = ConfigProvider.fromEnv()
): Either.Either<A, StoreConfigError> =>
  Effect.runSync(Effect.either(provider.load(config))).pipe(
    Either.mapLeft((error) => {
      // Every ConfigError has at least one leaf, so at least one problem.
      const [first, ...rest] = problems(error)
      return new StoreConfigError({ problems: [first!, ...rest] })
    })
  )

/** The variables `error` names, each once, in reading order; what is wrong before what is missing. */
const problems = (error: ConfigError.ConfigError): Array<ConfigProblem> => {
  const found: Array<ConfigProblem & { readonly missing: boolean }> = []
  const walk = (node: ConfigError.ConfigError): void => {
    switch (node._op) {
      case "And":
      case "Or":
        walk(node.left)
        walk(node.right)
        return
      case "InvalidData":
        found.push({ variable: node.path.join("_"), problem: node.message, missing: false })
        return
      case "MissingData":
        found.push({ variable: node.path.join("_"), problem: "must be set", missing: true })
        return
      case "SourceUnavailable":
      case "Unsupported":
        found.push({ variable: node.path.join("_"), problem: node.message, missing: false })
    }
  }
  walk(error)
  // A variable read again (PORT, for the public URL's default) is reported once; a missing one is
  // only a problem when nothing else is (an unset ROSTER_PUBLIC_URL when PORT is wrong, say).
  const wrong = found.some((problem) => !problem.missing) ? found.filter((problem) => !problem.missing) : found
  const byVariable = new Map<string, ConfigProblem>()
  for (const { variable, problem } of wrong)
    if (!byVariable.has(variable)) byVariable.set(variable, { variable, problem })
  return [...byVariable.values()]
}
