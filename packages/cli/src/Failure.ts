/** How a failed command reports itself: one line on stderr, `error CODE: message`, and an exit status. */
import * as Cause from "effect/Cause"
import * as Option from "effect/Option"
import { ErrorCode } from "@roster/domain"
import { CliError } from "./CliError.js"
import * as ExitCode from "./ExitCode.js"

export interface Failure {
  readonly code: string
  readonly message: string
  readonly exitCode: number
}

export const usage = (message: string): Failure => ({
  code: "USAGE",
  // Commander prefixes its messages with "error: "; ours already says so.
  message: message.replace(/^error:\s*/, ""),
  exitCode: ExitCode.usage
})

/** A bug or a broken environment: the message only, never a stack trace. */
export const internal = (defect: unknown): Failure => ({
  code: "INTERNAL",
  message: messageOf(defect) ?? "An unexpected error occurred",
  exitCode: ExitCode.unexpected
})

export const fromError = (error: unknown): Failure => {
  if (error instanceof CliError) return { code: error.code, message: error.message, exitCode: error.exitCode }
  if (ErrorCode.isDomainError(error)) {
    return { code: ErrorCode.codeOf(error), message: error.message, exitCode: ExitCode.of(error) }
  }
  // Storage named wrongly on the command line or in the environment: bad input, as any other.
  if (isTagged(error) && error._tag === "StoreConfigError") {
    return { code: "VALIDATION_FAILED", message: messageOf(error) ?? error._tag, exitCode: ExitCode.usage }
  }
  // An expected failure of another layer (opening storage, say): its tag is the best code we have.
  if (isTagged(error)) {
    return { code: constantCase(error._tag), message: messageOf(error) ?? error._tag, exitCode: ExitCode.unexpected }
  }
  return internal(error)
}

export const fromCause = (cause: Cause.Cause<unknown>): Failure => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return fromError(failure.value)
  if (Cause.isInterruptedOnly(cause)) {
    return { code: "INTERRUPTED", message: "The command was interrupted", exitCode: ExitCode.interrupted }
  }
  return internal(Cause.squash(cause))
}

/** The single line a failure prints, newline included. */
export const line = (failure: Failure): string => `error ${failure.code}: ${oneLine(failure.message)}\n`

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim()

const isTagged = (error: unknown): error is { readonly _tag: string } =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"

const messageOf = (error: unknown): string | undefined => {
  if (typeof error === "string" && error.length > 0) return error
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") {
    return error.message.length > 0 ? error.message : undefined
  }
  return undefined
}

const constantCase = (tag: string) =>
  tag
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase()
