/**
 * The server's logger: logfmt or JSON lines on stdout, from the configured minimum level. Anything
 * shaped like a bearer secret (an organization token, a session, a magic or verification link) is
 * masked in every line, whoever logged it: a library's debug line may quote what a client sent (a
 * path, a field, a failure's cause), and a client may have pasted a secret there. The first-run
 * welcome, the one place a token is shown, is written apart (`line`), never through the logger.
 */
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import { Log } from "@roster/http"

/**
 * Each line straight to stdout, as `console.log` would put it there, without `console.log`'s
 * formatting pass over a line that is already whole: at one line per request, that pass shows.
 */
const toStdout = <Message>(self: Logger.Logger<Message, string>): Logger.Logger<Message, void> =>
  Logger.make((options) => {
    process.stdout.write(`${self.log(options)}\n`)
  })

export const layer = (format: "logfmt" | "json", minimum: LogLevel.LogLevel): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.replace(
      Logger.defaultLogger,
      toStdout(Logger.map(format === "json" ? Logger.jsonLogger : Logger.logfmtLogger, Log.redact))
    ),
    Logger.minimumLogLevel(minimum)
  )

/**
 * One line written without the logger, in `format`: what start-up says before the logger exists or
 * when it must not mask (the welcome's token). JSON lines have the logger's keys (message,
 * logLevel, timestamp, annotations, spans).
 */
export const line = (
  format: "logfmt" | "json",
  level: "INFO" | "ERROR",
  message: string,
  annotations: Readonly<Record<string, string>> = {},
  /** The text for logfmt, when it is not `message`: the welcome's block, a `roster: …` line. */
  plain: string = message
): string =>
  format === "json"
    ? JSON.stringify({ message, logLevel: level, timestamp: new Date().toISOString(), annotations, spans: {} })
    : plain
