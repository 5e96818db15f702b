/**
 * The Roster server: configuration, storage, the use cases and the HTTP API, composed once here.
 * SIGTERM and SIGINT drain requests in flight, close the database and exit 0.
 */
import * as Crypto from "@roster/crypto"
import { Services } from "@roster/domain"
import { App, Log, Metrics, Monitoring, OperatorChannel, Server } from "@roster/http"
import { Backup, Configuration, DataDirLock, RequestLimits, Store } from "@roster/store"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Path from "node:path"
import * as FirstRun from "./FirstRun.js"
import * as Logging from "./Logging.js"
import * as ServerMonitoring from "./Monitoring.js"

/**
 * LOG_FORMAT alone, to say even a configuration error as a JSON line when asked to; logfmt when it
 * is itself what is wrong.
 */
let format = Either.getOrElse(Configuration.read(Configuration.variables.LOG_FORMAT), () => "logfmt" as const)

const stop = (message: string): never => {
  process.stderr.write(`${Logging.line(format, "ERROR", message, {}, `roster: ${message}`)}\n`)
  process.exit(1)
}

// Read once, here; everything below gets its values from `config`.
const config = Either.getOrElse(Configuration.read(Configuration.server), (error) =>
  stop(`invalid configuration: ${error.message}`)
)
format = config.logFormat
const {
  port,
  host,
  logLevel,
  logFormat,
  publicUrl,
  signInLimit,
  trustProxy,
  adminPort,
  corsOrigins,
  shutdownTimeoutMs,
  storage
} = config

const logging = Logging.layer(logFormat, logLevel)

const runtime = ManagedRuntime.make(
  Services.fullLayer.pipe(
    // Merged: the store's Monitor serves readiness and metrics (ServerMonitoring), and its
    // RequestLimits, keyed by KeyedHash digests, count the sign-in limit for every server.
    Layer.provideMerge(Store.layer(storage.database)),
    Layer.provideMerge(Crypto.layer(storage.secretKey)),
    Layer.provideMerge(logging)
  )
)

/** Set once a signal asks the server to stop: readiness then fails, so that no new traffic comes. */
let stopping = false
/** What stopping closes: the listeners start-up opened. */
const listeners: Array<Server.Handle> = []
let startedUp: () => void = () => undefined
const started = new Promise<void>((resolve) => {
  startedUp = resolve
})
const shutdown = async (signal: string) => {
  if (stopping) return
  stopping = true
  // Caught as early as possible (the default would kill the process): a signal during start-up
  // stops the server once start-up is done, when what it opened is known.
  await started
  // Requests in flight get ROSTER_SHUTDOWN_TIMEOUT (then their connections are cut); closing the
  // database gets a few seconds more. Past that, something hangs: say so and stop anyway.
  setTimeout(() => {
    process.stderr.write(`${Logging.line(logFormat, "ERROR", `${signal}: could not stop cleanly in time; exiting`)}\n`)
    process.exit(1)
  }, shutdownTimeoutMs + 10_000).unref()
  await runtime.runPromise(Effect.logInfo(`${signal}: finishing requests in flight, then stopping`))
  await Promise.all(listeners.map((listener) => listener.close()))
  await runtime.runPromise(Effect.logInfo("Requests finished; closing the database"))
  await runtime.dispose()
  process.exit(0)
}
process.on("SIGTERM", () => void shutdown("SIGTERM"))
process.on("SIGINT", () => void shutdown("SIGINT"))

/** The message of a failure (a locked data directory, an unreachable database), else the cause. */
const describe = (cause: Cause.Cause<unknown>): string =>
  Option.match(Cause.failureOption(cause), {
    onSome: (error) => (error instanceof Error ? error.message : String(error)),
    onNone: () => Cause.pretty(cause)
  })

// Creating an embedded database takes seconds (longer on a busy machine): say so, not a silent wait.
if (storage.database._tag === "Embedded" && Store.createsEmbeddedDatabase(storage.database)) {
  Effect.runSync(
    Effect.logInfo(
      `Creating the embedded database in ${Path.resolve(storage.database.dataDir)}: a first start takes a few seconds`
    ).pipe(Effect.provide(logging))
  )
}

// Opening storage happens here, before listening: a locked or unreachable database stops start-up.
const firstRun = await runtime.runPromiseExit(FirstRun.ensureFirstOrganization())
if (Exit.isFailure(firstRun)) {
  await runtime.dispose().catch(() => undefined)
  stop(describe(firstRun.cause))
}

// The roster CLI on this machine finds this server through the embedded database's lock, and acts
// as the operator with this key, written beside it (DataDirLock.recordServer, below).
const operatorKey = storage.database._tag === "Embedded" ? OperatorChannel.newKey() : undefined
const probes = ServerMonitoring.probes(runtime, () => stopping, adminPort !== undefined)
const metrics = Metrics.make(probes.gauges)
// Handed-out links point at ROSTER_PUBLIC_URL (a front end), else at this server.
const app = App.make(runtime, {
  publicUrl,
  trustProxy,
  metrics,
  readiness: probes.readiness,
  // With ROSTER_ADMIN_PORT, health checks and metrics are served there only.
  serveMonitoring: adminPort === undefined,
  // Counted in the database: servers sharing it share the limit.
  signInRateLimit:
    signInLimit === 0 ? false : { limit: signInLimit, windowMs: 60_000, counter: RequestLimits.counter(runtime) },
  corsOrigins,
  // The operator's backups (roster db backup) are taken by this process, which holds the database.
  // So are its restores (roster db restore): checked and loaded beside it, then swapped in while requests wait.
  ...(operatorKey === undefined
    ? {}
    : {
        operatorKey,
        operatorBackup: () => runtime.runPromise(Backup.current),
        operatorRestore: (archive, options) =>
          runtime.runPromise(
            Backup.restoreLive(archive, options).pipe(
              Effect.map((restored) => ({
                _tag: "Restored" as const,
                ...restored,
                previous: restored.previous ?? null
              })),
              Effect.catchTag("InvalidBackup", (error) =>
                Effect.succeed({ _tag: "InvalidBackup" as const, message: error.message })
              )
            )
          )
      })
})
// Requests node's parser refuses are answered and logged by the server, through the same logger.
const handle = await Server.listen(app, {
  port,
  ...(host === undefined ? {} : { host }),
  shutdownTimeoutMs,
  logger: Log.fromRuntime(runtime)
}).catch(async (error: NodeJS.ErrnoException) => {
  await runtime.dispose().catch(() => undefined)
  return stop(
    error.code === "EADDRINUSE"
      ? `PORT ${port} is already in use on ${host ?? "this machine"}; choose another with PORT=`
      : // Say which setting to fix: a HOST that does not resolve or is not this machine's, say.
        `cannot listen on ${host === undefined ? "every interface" : `HOST ${host}`}, PORT ${port}: ${error.message}`
  )
})

// The second listener, for health checks and metrics, when ROSTER_ADMIN_PORT asks for one.
const admin =
  adminPort === undefined
    ? undefined
    : await Server.listen(
        Monitoring.adminApp({ metrics, readiness: probes.readiness, logger: Log.fromRuntime(runtime) }),
        {
          port: adminPort,
          ...(host === undefined ? {} : { host }),
          shutdownTimeoutMs,
          logger: Log.fromRuntime(runtime)
        }
      ).catch(async (error: NodeJS.ErrnoException) => {
        await handle.close()
        await runtime.dispose().catch(() => undefined)
        return stop(
          error.code === "EADDRINUSE"
            ? `ROSTER_ADMIN_PORT ${adminPort} is already in use on ${host ?? "this machine"}; choose another`
            : `cannot listen on ${host === undefined ? "every interface" : `HOST ${host}`}, ROSTER_ADMIN_PORT ${adminPort}: ${error.message}`
        )
      })

listeners.push(handle, ...(admin === undefined ? [] : [admin]))

const url = Configuration.serverUrl(Option.fromNullable(host), handle.port)
if (storage.database._tag === "Embedded") {
  await runtime.runPromise(DataDirLock.recordServer(storage.database.dataDir, { url, operatorKey }))
}
const where = storage.database._tag === "Server" ? "a PostgreSQL server (DATABASE_URL)" : "the embedded database"
await runtime.runPromise(
  Logger.withMinimumLogLevel(
    // Start-up always says where it listens, whatever LOG_LEVEL filters later.
    Effect.logInfo(`Roster is listening on ${url}, on ${where}`).pipe(
      Effect.zipRight(
        admin === undefined
          ? Effect.void
          : Effect.logInfo(
              `Health checks and metrics are on ${Configuration.serverUrl(Option.fromNullable(host), admin.port)}`
            )
      )
    ),
    LogLevel.Info
  )
)
if (Exit.isSuccess(firstRun) && Option.isSome(firstRun.value)) {
  // The token's one showing: a block of text, or with LOG_FORMAT=json one line, the token in its own field.
  const { message, annotations } = FirstRun.welcomeEntry(firstRun.value.value, url)
  const plain = FirstRun.welcomeMessage(firstRun.value.value, url)
  process.stdout.write(`${Logging.line(logFormat, "INFO", message, annotations, plain)}\n`)
}
startedUp()
