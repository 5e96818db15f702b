/**
 * What a command turns into once commander has parsed it. Checking the input is pure, so a plan
 * first decodes (no database), then yields the program that runs the operation.
 */
import type * as Effect from "effect/Effect"
import type { ValidationFailed } from "@roster/domain"
import type { Failure } from "./Backend.js"
import type { CliError } from "./CliError.js"
import type { Terminal } from "./Io.js"
import type { Renderer } from "./Render.js"

export interface Output {
  /** What `--json` prints (and the other formats but `table`). */
  readonly json: unknown
  /** Already written, page by page (`--all`): nothing more to print but the end. */
  readonly streamed?: boolean
  /** What a person reads. */
  readonly text: (render: Renderer) => string
}

export type Program<R> = Effect.Effect<Output, Failure, R>

export type Plan<R> = Effect.Effect<Program<R>, ValidationFailed | CliError>

/** The arguments and options of one parsed command, global options included. */
export interface CommandLine {
  readonly args: ReadonlyArray<string>
  /** A single-valued option; undefined when absent. */
  readonly text: (name: string) => string | undefined
  /** A repeatable option, in the order given; undefined when absent. */
  readonly texts: (name: string) => ReadonlyArray<string> | undefined
  readonly flag: (name: string) => boolean
  /** Whether an option was given at all. */
  readonly has: (name: string) => boolean
  /** Everything on standard input (read only by commands that take `--password-stdin`). */
  readonly readStdin: () => Promise<string>
  /** The terminal a person types on, when standard input is one: secrets are asked for, unseen. */
  readonly terminal?: Terminal | undefined
}

export const commandLine = (
  args: ReadonlyArray<string>,
  options: Readonly<Record<string, unknown>>,
  readStdin: () => Promise<string> = () => Promise.resolve(""),
  terminal?: Terminal
): CommandLine => ({
  args,
  readStdin,
  terminal,
  text: (name) => (typeof options[name] === "string" ? (options[name] as string) : undefined),
  texts: (name) => (Array.isArray(options[name]) ? (options[name] as ReadonlyArray<string>) : undefined),
  flag: (name) => options[name] === true,
  has: (name) => options[name] !== undefined && options[name] !== false
})
