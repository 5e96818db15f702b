/**
 * What a command turns into once commander has parsed it. Checking the input is pure, so a plan
 * first decodes (no database), then yields the program that runs against the use cases.
 */
import type { Command } from "commander"
import type * as Effect from "effect/Effect"
import type { ErrorCode, Services, ValidationFailed } from "@roster/domain"
import type { Renderer } from "./Render.js"

export interface Output {
  /** What `--json` prints. */
  readonly json: unknown
  /** What a person reads. */
  readonly text: (render: Renderer) => string
}

export type Program = Effect.Effect<Output, ErrorCode.DomainError, Services.UseCases | Services.IdentityUseCases>

export type Plan = Effect.Effect<Program, ValidationFailed>

/** The arguments and options of one parsed command, global options included. */
export interface CommandLine {
  readonly args: ReadonlyArray<string>
  /** A single-valued option; undefined when absent. */
  readonly text: (name: string) => string | undefined
  /** A repeatable option, in the order given; undefined when absent. */
  readonly texts: (name: string) => ReadonlyArray<string> | undefined
  readonly flag: (name: string) => boolean
  /** Everything on standard input (read only by commands that take `--password-stdin`). */
  readonly readStdin: () => Promise<string>
}

export type Handler = (line: CommandLine) => Plan

/** Attaches a handler to a leaf command. */
export type Define = (command: Command, handler: Handler) => Command

export const commandLine = (
  args: ReadonlyArray<string>,
  options: Readonly<Record<string, unknown>>,
  readStdin: () => Promise<string> = () => Promise.resolve("")
): CommandLine => ({
  args,
  readStdin,
  text: (name) => (typeof options[name] === "string" ? (options[name] as string) : undefined),
  texts: (name) => (Array.isArray(options[name]) ? (options[name] as ReadonlyArray<string>) : undefined),
  flag: (name) => options[name] === true
})
