/**
 * `roster login` and `roster logout`: saving and forgetting a profile — a server's URL and the
 * credential to present there. `login` takes an organization token (`--token`), or signs in with
 * an email and password (asked for unseen on a terminal, else `--password-stdin`) and a second
 * factor's code when the account has one; it checks the credential with the server before saving
 * anything. Neither ever prints the token or the session.
 */
import { createRosterClient } from "@roster/client"
import type { IdentityResponse, OrganizationResponse } from "@roster/domain"
import * as Effect from "effect/Effect"
import { CliError, usage } from "./CliError.js"
import type { Environment } from "./Connection.js"
import * as ExitCode from "./ExitCode.js"
import type { Output } from "./Plan.js"
import * as Profiles from "./Profiles.js"
import * as Remote from "./Remote.js"
import * as Stdin from "./Stdin.js"
import type { CommandLine } from "./Plan.js"

/** What `login` is told: the command line's options. */
export interface LoginOptions {
  readonly url: string
  readonly token?: string | undefined
  readonly email?: string | undefined
  readonly code?: string | undefined
  /** `--profile`, else `ROSTER_PROFILE`, else `default`. */
  readonly profile?: string | undefined
}

/** The profile a command names: `--profile`, else `ROSTER_PROFILE`, else `default`. */
const profileName = (given: string | undefined, environment: Environment) =>
  Effect.gen(function* () {
    const name = given ?? environment.profile ?? Profiles.defaultName
    if (!Profiles.isName(name)) {
      return yield* new CliError({
        code: "VALIDATION_FAILED",
        reason: `${given === undefined ? "ROSTER_PROFILE" : "--profile"}: ${Profiles.nameProblem}`,
        exitCode: ExitCode.usage
      })
    }
    if (environment.configDir === undefined) return yield* usage("there is no place to keep profiles here")
    return { name, configDir: environment.configDir }
  })

const isHttpUrl = (text: string) => {
  try {
    const url = new URL(text)
    return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === ""
  } catch {
    return false
  }
}

export const login = (
  options: LoginOptions,
  line: CommandLine,
  environment: Environment
): Effect.Effect<Output, unknown> =>
  Effect.gen(function* () {
    const { name, configDir } = yield* profileName(options.profile, environment)
    if (!isHttpUrl(options.url.trim())) {
      return yield* invalid("--url", "must be an http:// or https:// URL, such as https://roster.example.com")
    }
    const url = options.url.trim().replace(/\/+$/, "")
    const client = (token?: string) =>
      createRosterClient({
        baseUrl: url,
        ...(token === undefined ? {} : { token }),
        ...(environment.fetch === undefined ? {} : { fetch: environment.fetch })
      })
    const call = <A>(request: () => Promise<A>) => Effect.tryPromise({ try: request, catch: Remote.fromThrown(url) })

    let profile: Profiles.Profile
    if (options.token !== undefined) {
      const token = options.token.trim()
      if (!/^tot_[0-9A-Za-z]+$/.test(token)) {
        return yield* invalid("--token", "must be an organization token (tot_…), as tokens create prints it")
      }
      const organization = yield* call<OrganizationResponse.OrganizationResponse>(() =>
        client(token).viewOrganization()
      )
      profile = { url, token, organization: organization.name }
    } else if (options.email !== undefined) {
      const password = yield* passwordOf(line)
      const signIn = (code: string | undefined) =>
        call<IdentityResponse.LoginResponse>(() =>
          client().signIn({ email: options.email!, password, ...(code === undefined ? {} : { code }) })
        )
      const signedIn = yield* signIn(options.code).pipe(
        // A second factor, asked for when the account has one and a person is there to answer.
        Effect.catchIf(
          (error) => error instanceof CliError && error.code === "MFA_REQUIRED" && line.terminal?.interactive === true,
          () =>
            Effect.flatMap(
              Effect.promise(() => line.terminal!.line("Code from your authenticator app (or a recovery code): ")),
              (code) => signIn(code.trim())
            )
        ),
        Effect.mapError((error) =>
          error instanceof CliError && error.code === "MFA_REQUIRED"
            ? new CliError({
                code: error.code,
                reason: `${error.reason}: pass it with --code <code>`,
                exitCode: error.exitCode
              })
            : error
        )
      )
      if (signedIn.passwordChangeRequired) {
        yield* Effect.ignore(call(() => client(signedIn.token).signOut()))
        return yield* new CliError({
          code: "PASSWORD_CHANGE_REQUIRED",
          reason: `${signedIn.user.email} must change their password before anything else (POST /me/password at ${url}), then log in again`,
          exitCode: ExitCode.forbidden
        })
      }
      profile = { url, token: signedIn.token, email: signedIn.user.email }
    } else {
      return yield* usage("login needs --token <token>, or --email <email> to sign in with a password")
    }

    const file = yield* Profiles.read(configDir)
    yield* Profiles.write(configDir, { profiles: { ...file.profiles, [name]: profile } })
    const who = profile.email ?? `a token of ${profile.organization}`
    return {
      json: {
        profile: name,
        url,
        credential: profile.email === undefined ? "token" : "session",
        email: profile.email ?? null,
        organization: profile.organization ?? null,
        file: Profiles.fileOf(configDir)
      },
      text: () =>
        `Logged in to ${url} as ${who}; saved as profile "${name}" in ${Profiles.fileOf(configDir)}.${
          name === Profiles.defaultName ? "" : ` Use it with --profile ${name} or ROSTER_PROFILE=${name}.`
        }`
    }
  })

/** The password: asked for unseen on a terminal, else `--password-stdin`. */
const passwordOf = (line: CommandLine) => {
  if (line.terminal?.interactive === true || line.flag("passwordStdin")) return Stdin.password(line)
  return Effect.fail(usage("signing in needs the password: pass it on standard input with --password-stdin"))
}

export const logout = (
  options: { readonly profile?: string | undefined },
  environment: Environment
): Effect.Effect<Output, unknown> =>
  Effect.gen(function* () {
    const { name, configDir } = yield* profileName(options.profile, environment)
    const file = yield* Profiles.read(configDir)
    const profile = yield* Profiles.find(file, name, configDir)
    const { [name]: _removed, ...rest } = file.profiles
    // A session ends on the server too; a token is the organization's, and stays valid.
    const ended =
      profile.token.startsWith("ses_") &&
      (yield* Effect.tryPromise(() =>
        createRosterClient({
          baseUrl: profile.url,
          token: profile.token,
          ...(environment.fetch === undefined ? {} : { fetch: environment.fetch })
        }).signOut()
      ).pipe(
        Effect.as(true),
        Effect.orElseSucceed(() => false)
      ))
    yield* Profiles.write(configDir, { profiles: rest })
    return {
      json: { profile: name, url: profile.url, sessionEnded: ended },
      text: () =>
        `Logged out of ${profile.url}: profile "${name}" removed.${
          profile.token.startsWith("tot_")
            ? " The token itself still works until it is revoked (roster tokens revoke)."
            : ended
              ? ""
              : " The session could not be ended on the server; it expires by itself."
        }`
    }
  })

const invalid = (flag: string, problem: string) =>
  new CliError({ code: "VALIDATION_FAILED", reason: `${flag}: ${problem}`, exitCode: ExitCode.usage })
