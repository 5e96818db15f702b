/**
 * The server's logger: logfmt or JSON lines on stdout, from the configured minimum level. Anything
 * shaped like a bearer secret (an organization token, a session, a magic or verification link) is
 * masked in every line, whoever logged it: a library's debug line may quote what a client sent (a
 * path, a field, a failure's cause), and a client may have pasted a secret there. The first-run
 * welcome, the one place a token is shown, is not a log line.
 */
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import { Log } from "@roster/http"

export const layer = (format: "logfmt" | "json", minimum: LogLevel.LogLevel): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.replace(
      Logger.defaultLogger,
      Logger.withConsoleLog(Logger.map(format === "json" ? Logger.jsonLogger : Logger.logfmtLogger, Log.redact))
    ),
    Logger.minimumLogLevel(minimum)
  )
