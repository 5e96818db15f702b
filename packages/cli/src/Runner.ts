/**
 * Runs any bound operation from its command line, the same way for every command and whichever
 * backend runs it (the database, a server's API, this machine's server):
 * 1. before anything is opened or called: the command line decoded into the operation's input with
 *    the operation's own input schema, every problem named by the flag a person typed, and what the
 *    backend cannot do refused (the operator's own commands through the API, say);
 * 2. then: the password read, `--org` and `--role` looked up, the whole input decoded, the
 *    operation run by the backend, and its answer printed — `--json` as the API's success body,
 *    text through the binding's view of that same body.
 */
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import {
  type Operation,
  type OrganizationResponse,
  PublicUrl,
  RoleNotFound,
  RoleOperations,
  Time,
  ValidationFailed
} from "@roster/domain"
import type { Backend, Failure, Scope } from "./Backend.js"
import type { Binding } from "./Binding.js"
import { CliError, usage } from "./CliError.js"
import * as ExitCode from "./ExitCode.js"
import type * as Flag from "./Flag.js"
import * as Input from "./Input.js"
import type { CommandLine, Plan } from "./Plan.js"
import * as Stdin from "./Stdin.js"
import type { Context } from "./View.js"

export interface Settings {
  /** `--json`: the answer as the API's body; no view, so nothing more is read for one. */
  readonly json: boolean
  /** Where handed-out links point unless `--public-url` says otherwise. */
  readonly publicUrl: string
}

/** The plan of one command: its input checked now, its program run by `backend`. */
export const plan = <R>(binding: Binding, line: CommandLine, settings: Settings, backend: Backend<R>): Plan<R> =>
  Effect.gen(function* () {
    const command = `${binding.noun} ${binding.verb}`
    const orgText = line.text("org")
    // Without `--org`: a token acts in its own organization; anyone else, where the binding says
    // (`events list`: every organization's events, by another operation), or nowhere.
    const operation =
      orgText === undefined && binding.withoutOrg !== undefined && backend.actor !== "token"
        ? binding.withoutOrg
        : binding.operation
    yield* refusals(command, operation, line, backend)
    const org = orgText === undefined ? undefined : yield* Input.reference("--org", orgText)
    const read = yield* readLine(binding, operation, line)
    const publicUrl =
      read.publicUrl === undefined
        ? settings.publicUrl
        : yield* Input.decodeValue(PublicUrl.PublicUrl, read.publicUrl, "--public-url")
    // Everything the command line alone says, checked before anything is opened.
    yield* Input.decode(struct(operation.input.omit(...read.late)), without(read.given, read.late), read.names)

    return Effect.gen(function* () {
      const input: Record<string, unknown> = { ...read.given }
      // The password first, as it was typed: before anything is looked up.
      for (const flag of binding.flags) {
        if (flag._tag === "Password" && line.flag(flag.attribute)) {
          const text = yield* Stdin.password(line)
          // Checked at once, as the operation's schema checks it (named `password`, never quoted).
          yield* Input.decode(struct(operation.input.pick(flag.field)), { [flag.field]: text }, {})
          input[flag.field] = text
        }
      }
      const organization =
        org !== undefined
          ? yield* backend.organization(org)
          : operation.guard === "organization"
            ? yield* backend.implied
            : undefined
      const scope: Scope = { organizationId: organization?.id as Scope["organizationId"], publicUrl }
      for (const flag of binding.flags) {
        if (flag._tag === "Org" && flag.field !== undefined && organization !== undefined) {
          input[flag.field] = organization.id
        }
      }
      const roles = yield* Effect.cached(
        backend.run(RoleOperations.listRoles, {}, scope) as Effect.Effect<
          OrganizationResponse.RoleListResponse,
          Failure,
          R
        >
      )
      for (const [field, reference] of read.roles) input[field] = yield* roleIdOf(yield* roles, reference)

      const decoded = yield* Input.decode(struct(operation.input), input, read.names)
      const answer = yield* backend
        .run(operation, decoded, scope)
        .pipe(
          Effect.mapError((error) =>
            error._tag === "ValidationFailed" ? Input.rename(error, read.names, input) : error
          )
        )
      const shown =
        binding.show !== undefined
          ? yield* backend.run(binding.show, pick(decoded, Object.keys(binding.show.input.fields)), scope)
          : binding.receipt !== undefined
            ? binding.receipt(decoded)
            : answer

      const context: Context = {
        organization,
        roles: !settings.json && binding.view.roles === true && organization !== undefined ? yield* roles : [],
        now: yield* Time.now
      }
      return {
        json: shown,
        text: (render) =>
          [
            ...(binding.summary === undefined ? [] : [binding.summary(shown, context)]),
            binding.view.text(render, shown, context)
          ].join("\n")
      }
    })
  })

/** What `backend` cannot run as asked, refused before anything is called. */
const refusals = <R>(command: string, operation: Operation.Any, line: CommandLine, backend: Backend<R>) =>
  Effect.gen(function* () {
    if (operation.guard === "operator" && backend.actor !== "operator") {
      return yield* forbidden(
        `${command} is the operator's: it runs on the database (--data-dir or --database-url, on the server's machine), not through the API at ${backend.where}`
      )
    }
    if (operation.guard === "platform" && backend.actor === "token") {
      return yield* forbidden(
        `${command} needs a platform admin's session, and a token acts in its own organization alone: roster login --url ${backend.where} --email <admin's email>`
      )
    }
    if (operation.guard === "organization" && line.text("org") === undefined && backend.actor !== "token") {
      return yield* usage("required option '--org <org>' not specified")
    }
    if (line.text("publicUrl") !== undefined && backend.actor !== "operator") {
      return yield* ValidationFailed.single(
        "--public-url",
        `applies on the database or this machine's server only: through the API at ${backend.where}, links point where its ROSTER_PUBLIC_URL says`
      )
    }
  })

const forbidden = (reason: string) => new CliError({ code: "FORBIDDEN", reason, exitCode: ExitCode.forbidden })

/** What the command line says, before anything is looked up. */
interface Read {
  /** The input as the operation's schema reads it (its encoded side), as far as the command line gives it. */
  readonly given: Readonly<Record<string, unknown>>
  /** How problems with each field are named: the flag typed for it. */
  readonly names: Readonly<Record<string, Input.Field>>
  /** Fields filled once the command runs: a role, the password, the organization's id. */
  readonly late: ReadonlySet<string>
  /** `--role` references, by the field they fill. */
  readonly roles: ReadonlyArray<readonly [string, string]>
  readonly publicUrl: string | undefined
}

const readLine = (binding: Binding, operation: Operation.Any, line: CommandLine) =>
  Effect.gen(function* () {
    for (const flag of binding.flags) {
      if (flag.needs !== undefined && line.has(flag.attribute) && !line.has(flag.needs.attribute)) {
        return yield* ValidationFailed.single(flag.name, flag.needs.message)
      }
    }
    const given: Record<string, unknown> = { ...binding.fixed }
    binding.arguments.forEach((argument, index) => {
      given[argument.field] = line.args[index]
    })
    const names: Record<string, Input.Field> = {}
    const late = new Set<string>()
    const roles: Array<readonly [string, string]> = []
    let publicUrl: string | undefined
    let filled = false
    for (const flag of binding.flags) {
      switch (flag._tag) {
        case "Value": {
          const value = yield* flag.read(line)
          const typed = value !== undefined
          filled ||= typed
          if (typed && given[flag.field] === undefined) given[flag.field] = value
          // Several flags may fill one field (`--expires-at`, `--expires-in`): the one typed names it.
          if (typed || names[flag.field] === undefined) names[flag.field] = nameOf(operation, flag)
          break
        }
        case "Role": {
          late.add(flag.field)
          names[flag.field] = { flag: flag.name }
          const text = line.text(flag.attribute)
          if (text !== undefined) {
            filled = true
            roles.push([flag.field, yield* Input.reference(flag.name, text)])
          }
          break
        }
        case "Password":
          late.add(flag.field)
          filled ||= line.flag(flag.attribute)
          break
        case "Org":
          if (flag.field !== undefined) late.add(flag.field)
          break
        case "PublicUrl":
          publicUrl = line.text(flag.attribute)
          break
      }
    }
    if (binding.nothingGiven !== undefined && !filled) {
      return yield* ValidationFailed.single("options", binding.nothingGiven)
    }
    return { given, names, late, roles, publicUrl } satisfies Read
  })

/** How problems with a field name it, and the words it takes when it takes only a few. */
const nameOf = (operation: Operation.Any, flag: Flag.Value): Input.Field => {
  const literals = Input.literals(operation.input, flag.field)
  return literals === undefined ? { flag: flag.name } : { flag: flag.name, oneOf: [...literals, ...(flag.words ?? [])] }
}

/** `--role`: an id, or a name in any case, of one of the organization's roles. */
const roleIdOf = (roles: OrganizationResponse.RoleListResponse, reference: string) => {
  const wanted = reference.toLowerCase()
  const found =
    roles.find((role) => role.id.toLowerCase() === wanted) ?? roles.find((role) => role.name.toLowerCase() === wanted)
  return found === undefined ? Effect.fail(new RoleNotFound({ roleId: reference })) : Effect.succeed(found.id)
}

// An operation's input as any struct of fields: what a generic runner decodes with.
const struct = (schema: Schema.Struct<any>) =>
  schema as unknown as Schema.Schema<object, Readonly<Record<string, unknown>>>

const without = (input: Readonly<Record<string, unknown>>, fields: ReadonlySet<string>) =>
  Object.fromEntries(Object.entries(input).filter(([field]) => !fields.has(field)))

const pick = (input: unknown, fields: ReadonlyArray<string>) =>
  Object.fromEntries(Object.entries(input as Record<string, unknown>).filter(([field]) => fields.includes(field)))
