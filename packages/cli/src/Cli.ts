/** `run`: the whole CLI as a function of its arguments and its world, returning the exit status. */
import { CommanderError } from "commander"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import type { Services } from "@roster/domain"
import * as ExitCode from "./ExitCode.js"
import * as Failure from "./Failure.js"
import { type Io, readProcessStdin } from "./Io.js"
import type { Output } from "./Plan.js"
import * as Program from "./Program.js"
import * as Render from "./Render.js"

/** Commander's ways of saying "help (or the version) was shown": not failures. */
const helpCodes = new Set(["commander.helpDisplayed", "commander.help", "commander.version"])

/**
 * Runs one `roster` command. `argv` holds the user's arguments only (`process.argv.slice(2)`).
 * Storage is opened only when a valid command is about to run, and closed before returning.
 */
export const run = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  const fail = (failure: Failure.Failure) => {
    io.stderr(Failure.line(failure))
    return failure.exitCode
  }

  let invocation: Program.Invocation | undefined
  try {
    Program.make({ ...io, readStdin: io.readStdin ?? readProcessStdin }, (chosen) => {
      invocation = chosen
    }).parse([...argv], { from: "user" })
  } catch (error) {
    if (error instanceof CommanderError) {
      return helpCodes.has(error.code) ? ExitCode.success : fail(Failure.usage(error.message))
    }
    return fail(Failure.internal(error))
  }
  if (invocation === undefined) return ExitCode.success

  // Checking the input needs no database.
  const checked = Effect.runSyncExit(invocation.plan)
  if (Exit.isFailure(checked)) return fail(Failure.fromCause(checked.cause))

  let runtime: ManagedRuntime.ManagedRuntime<Services.UseCases | Services.IdentityUseCases, unknown>
  try {
    runtime = io.makeRuntime(invocation.storage)
  } catch (error) {
    return fail(Failure.fromError(error))
  }

  let code: number
  try {
    const exit = await runtime.runPromiseExit(checked.value)
    code = Exit.isSuccess(exit) ? print(io, exit.value, invocation.json) : fail(Failure.fromCause(exit.cause))
  } catch (error) {
    code = fail(Failure.internal(error))
  }
  try {
    await runtime.dispose()
  } catch (error) {
    return code === ExitCode.success ? fail(Failure.fromError(error)) : code
  }
  return code
}

const print = (io: Io, output: Output, json: boolean): number => {
  const text = json ? JSON.stringify(output.json, null, 2) : output.text(Render.make(io.color ?? false))
  io.stdout(text.endsWith("\n") ? text : `${text}\n`)
  return ExitCode.success
}
