/**
 * What the HTTP adapter logs: one entry per request, with the fingerprint of any error and, for a
 * 500, its cause. Never the Authorization header, a token or a body.
 */
import * as Effect from "effect/Effect"
import * as LogLevel from "effect/LogLevel"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Runtime from "effect/Runtime"

export type Level = "Debug" | "Info" | "Warning" | "Error"

export interface Entry {
  readonly level: Level
  readonly message: string
  readonly annotations: Readonly<Record<string, string | number | ReadonlyArray<string>>>
}

/** A sink for log entries. It must not throw. */
export type Logger = (entry: Entry) => void

/**
 * Organization tokens, sessions, magic links and email verification tokens, in any case: a message
 * may quote a value after decoding it to lower case (an id), and a client may have typed it in capitals.
 */
const secretLike = /(tot|ses|mlt|evt)_[0-9A-Za-z]+/gi

const asciiEscape = /%([0-7][0-9A-Fa-f])/g

/**
 * Masks anything shaped like a bearer secret, wherever a client may have put one (a path, a field),
 * also when some of its characters are percent-encoded (`ses%5F…`, `ses_%33…`): the text is then
 * masked as decoded, since a reader of the log could decode it just as easily.
 */
export const redact = (text: string): string => {
  const masked = text.replace(secretLike, "$1_[redacted]")
  if (!text.includes("%")) return masked
  // Secrets are ASCII: decoding ASCII escapes is enough, and never fails on a stray `%`.
  const decoded = text.replace(asciiEscape, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
  const decodedMasked = decoded.replace(secretLike, "$1_[redacted]")
  return decodedMasked === decoded ? masked : decodedMasked
}

/**
 * Logs through the Effect logger of the runtime, so that whatever logger the app composed
 * (format, minimum level from LOG_LEVEL) applies to these entries too. Once the runtime is built, a
 * line is logged synchronously (`Runtime.runSync`): a forked fiber per request line, scheduled and
 * then run, was a measurable part of every request's cost.
 */
export const fromRuntime = <R, E>(runtime: ManagedRuntime.ManagedRuntime<R, E>): Logger => {
  let built: Runtime.Runtime<R> | undefined
  return (entry) => {
    const program = Effect.logWithLevel(LogLevel.fromLiteral(entry.level), entry.message).pipe(
      Effect.annotateLogs(entry.annotations)
    )
    try {
      if (built !== undefined) return Runtime.runSync(built, program)
      // Not built yet (the first line): fork, as building may be asynchronous, and keep it for the next.
      runtime.runFork(program)
      runtime.runtime().then(
        (value) => {
          built = value
        },
        () => undefined
      )
    } catch {
      // A disposed runtime cannot log; losing the line beats failing the response.
    }
  }
}
