/**
 * The server's logger: logfmt or JSON lines on stdout, from the configured minimum level. Anything
 * shaped like an organization token is masked in every line, whoever logged it: a library's debug
 * line may quote what a client sent (a path, a field), and a client may have pasted a token there.
 * The first-run welcome, the one place a token is shown, is not a log line.
 */
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"

/** Ids are decoded to lower case, so a token may reach a message lower-cased: any case is masked. */
const tokenLike = /tot_[0-9A-Za-z]+/g

export const redact = (line: string): string => line.replace(tokenLike, "tot_[redacted]")

export const layer = (format: "logfmt" | "json", minimum: LogLevel.LogLevel): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.replace(
      Logger.defaultLogger,
      Logger.withConsoleLog(Logger.map(format === "json" ? Logger.jsonLogger : Logger.logfmtLogger, redact))
    ),
    Logger.minimumLogLevel(minimum)
  )
