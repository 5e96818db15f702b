/**
 * The profiles `roster login` saves: a server's URL and the credential to present there (an
 * organization token, or the session a sign-in gave), by name. They are kept in
 * `<configDir>/config.json` — `$XDG_CONFIG_HOME/roster`, else `~/.config/roster` — readable by
 * their owner alone: the directory 0700, the file 0600, written whole through a temporary file so
 * that nobody ever reads half of it.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { CliError } from "./CliError.js"
import * as ExitCode from "./ExitCode.js"

/** The profile used when none is named. */
export const defaultName = "default"

/** A profile's name, as `--profile` and `ROSTER_PROFILE` take it. */
export const isName = (name: string): boolean => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)

export const nameProblem =
  "must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit"

export const Profile = Schema.Struct({
  /** Where the server answers. */
  url: Schema.String,
  /** An organization token (`tot_…`) or a session (`ses_…`): never printed. */
  token: Schema.String,
  /** For a session: whose. */
  email: Schema.optional(Schema.String),
  /** The organization a token acts in, or a session's only one, as it was when saved (for people). */
  organization: Schema.optional(Schema.String)
})
export type Profile = typeof Profile.Type

const File = Schema.Struct({ profiles: Schema.Record({ key: Schema.String, value: Profile }) })
export type File = typeof File.Type

const decodeFile = Schema.decodeUnknownEither(Schema.parseJson(File))

export const fileOf = (configDir: string): string => Path.join(configDir, "config.json")

/** The profiles saved in `configDir`; none when there is no file yet. */
export const read = (configDir: string): Effect.Effect<File, CliError> =>
  Effect.suspend(() => {
    const file = fileOf(configDir)
    let text: string
    try {
      text = Fs.readFileSync(file, "utf8")
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return Effect.succeed({ profiles: {} })
      return Effect.fail(invalid(file, (error as Error).message))
    }
    return decodeFile(text).pipe(
      Effect.mapError(() => invalid(file, "it is not a roster configuration; fix it, or delete it and log in again"))
    )
  })

const invalid = (file: string, why: string) =>
  new CliError({ code: "CONFIG_INVALID", reason: `Cannot read ${file}: ${why}`, exitCode: ExitCode.unexpected })

/** Writes `profiles` to `configDir`, readable by its owner alone. */
export const write = (configDir: string, profiles: File): Effect.Effect<void, CliError> =>
  Effect.try({
    try: () => {
      Fs.mkdirSync(configDir, { recursive: true, mode: 0o700 })
      // A directory made earlier, or by someone else's umask: ours alone all the same.
      Fs.chmodSync(configDir, 0o700)
      const file = fileOf(configDir)
      const temp = `${file}.${process.pid}.${Crypto.randomBytes(6).toString("hex")}.tmp`
      Fs.writeFileSync(temp, `${JSON.stringify(profiles, null, 2)}\n`, { mode: 0o600, flag: "wx" })
      try {
        Fs.renameSync(temp, file)
      } finally {
        Fs.rmSync(temp, { force: true })
      }
      Fs.chmodSync(file, 0o600)
    },
    catch: (error) =>
      new CliError({
        code: "CONFIG_UNWRITABLE",
        reason: `Cannot save ${fileOf(configDir)}: ${(error as Error).message}`,
        exitCode: ExitCode.unexpected
      })
  })

/** The profile named `name`, failing with what to do when there is none. */
export const find = (file: File, name: string, configDir: string): Effect.Effect<Profile, CliError> => {
  const found = file.profiles[name]
  if (found !== undefined) return Effect.succeed(found)
  const known = Object.keys(file.profiles)
  return Effect.fail(
    new CliError({
      code: "PROFILE_NOT_FOUND",
      reason: `No profile "${name}" in ${fileOf(configDir)}${
        known.length === 0 ? "" : ` (there is ${known.map((one) => `"${one}"`).join(", ")})`
      }: save it with roster login --url <url> --profile ${name}`,
      exitCode: ExitCode.notFound
    })
  )
}
