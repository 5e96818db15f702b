/** `run`: the whole CLI as a function of its arguments and its world, returning the exit status. */
import { CommanderError } from "commander"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import type { Services } from "@roster/domain"
import * as Backend from "./Backend.js"
import * as Backups from "./Backups.js"
import * as Connection from "./Connection.js"
import * as ExitCode from "./ExitCode.js"
import * as Failure from "./Failure.js"
import * as Format from "./Format.js"
import { type Io, readProcessStdin } from "./Io.js"
import * as Login from "./Login.js"
import type { Output } from "./Plan.js"
import * as Program from "./Program.js"
import * as Remote from "./Remote.js"
import * as Render from "./Render.js"
import * as Runner from "./Runner.js"
import * as CounterCheck from "./CounterCheck.js"
import * as Seeding from "./Seeding.js"

/** Commander's ways of saying "help (or the version) was shown": not failures. */
const helpCodes = new Set(["commander.helpDisplayed", "commander.help", "commander.version"])

/** Where links point when neither `--public-url` nor the app (`Io.publicUrl`) says: the server's default address. */
const defaultPublicUrl = "http://localhost:3000"

/**
 * Runs one `roster` command. `argv` holds the user's arguments only (`process.argv.slice(2)`).
 * Where it goes is decided first (`Connection`); storage is opened only when a valid command is
 * about to run on the database, and closed before returning.
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

  let environment: Connection.Environment
  try {
    environment = io.environment?.() ?? Connection.databaseOnly
  } catch (error) {
    return fail(Failure.fromError(error))
  }

  switch (invocation._tag) {
    case "Login":
      return finish(
        io,
        await Effect.runPromiseExit(Login.login(invocation.options, invocation.line, environment)),
        { format: invocation.format, wide: false },
        fail
      )
    case "Logout":
      return finish(
        io,
        await Effect.runPromiseExit(Login.logout(invocation, environment)),
        { format: invocation.format, wide: false },
        fail
      )
    case "Print":
      write(io, invocation.text)
      return ExitCode.success
    case "Database":
      return finish(
        io,
        await Effect.runPromiseExit(Backups.run(invocation, environment, io.embedded)),
        { format: invocation.format, wide: false },
        fail
      )
    case "Counters":
      return finish(
        io,
        await Effect.runPromiseExit(CounterCheck.run(invocation, environment, io.counters)),
        { format: invocation.format, wide: false },
        fail
      )
    case "Seed":
      return finish(
        io,
        await Effect.runPromiseExit(Seeding.run(invocation, environment, io.seed, io.progress)),
        { format: invocation.format, wide: false },
        fail
      )
    case "Operation":
      break
  }
  const { binding, line, format } = invocation
  const printing = { format, wide: invocation.wide }

  const connected = Effect.runSyncExit(
    Connection.decide({ storage: invocation.storage, profile: invocation.profile }, environment)
  )
  if (Exit.isFailure(connected)) return fail(Failure.fromCause(connected.cause))
  const connection = connected.value
  // --all in a format that streams: each page written as it arrives, as one document.
  const writer = format === "table" ? undefined : Format.streaming(format)
  const settings: Runner.Settings = {
    format,
    publicUrl: io.publicUrl ?? defaultPublicUrl,
    ...(writer === undefined ? {} : { emit: (items) => write(io, writer.items(items)) })
  }

  if (connection._tag !== "Database") {
    const backend =
      connection._tag === "Api"
        ? Remote.api({ url: connection.url, token: connection.token, fetch: environment.fetch })
        : Remote.operator({ url: connection.url, key: connection.key, fetch: environment.fetch })
    // Checking the input needs no server.
    const checked = Effect.runSyncExit(Runner.plan(binding, line, settings, backend))
    if (Exit.isFailure(checked)) return fail(Failure.fromCause(checked.cause))
    return finish(io, await Effect.runPromiseExit(checked.value), printing, fail, writer)
  }

  // Checking the input needs no database.
  const checked = Effect.runSyncExit(Runner.plan(binding, line, settings, Backend.local))
  if (Exit.isFailure(checked)) return fail(Failure.fromCause(checked.cause))

  let runtime: ManagedRuntime.ManagedRuntime<Services.UseCases | Services.IdentityUseCases, unknown>
  try {
    runtime = await io.makeRuntime(connection.storage)
  } catch (error) {
    return fail(Failure.fromError(error))
  }

  let code: number
  try {
    code = finish(io, await runtime.runPromiseExit(checked.value), printing, fail, writer)
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

/** Prints a success, or reports a failure. */
const finish = (
  io: Io,
  exit: Exit.Exit<Output, unknown>,
  printing: { readonly format: Format.Format; readonly wide: boolean },
  fail: (failure: Failure.Failure) => number,
  writer?: Format.Writer
): number => {
  if (Exit.isFailure(exit)) return fail(Failure.fromCause(exit.cause))
  const output = exit.value
  if (output.streamed === true && writer !== undefined) {
    write(io, writer.end())
    return ExitCode.success
  }
  const text =
    printing.format === "table"
      ? output.text(Render.make(io.color ?? false, printing.wide ? undefined : io.terminal?.columns))
      : Format.whole(printing.format, output.json)
  write(io, text)
  return ExitCode.success
}

/** Whole lines: what is written ends with a newline. */
const write = (io: Io, text: string) => {
  if (text !== "") io.stdout(text.endsWith("\n") ? text : `${text}\n`)
}
