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
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import {
  type AuditResponse,
  type IdentityResponse,
  MembershipStatus,
  type Operation,
  OrganizationOperations,
  type OrganizationResponse,
  PlatformOperations,
  PublicUrl,
  RoleNotFound,
  RoleOperations,
  Time,
  TokenNotFound,
  TokenOperations,
  UserNotFound,
  UserOperations,
  type UserResponse,
  ValidationFailed
} from "@roster/domain"
import type { Backend, Failure, Scope } from "./Backend.js"
import type { Binding, Lookup } from "./Binding.js"
import type { Format } from "./Format.js"
import { CliError, usage } from "./CliError.js"
import * as ExitCode from "./ExitCode.js"
import type * as Flag from "./Flag.js"
import * as Input from "./Input.js"
import type { CommandLine, Plan } from "./Plan.js"
import * as Stdin from "./Stdin.js"
import type { Context, Named } from "./View.js"

export interface Settings {
  /** `--output`: anything but a table prints the API's body; no view, so nothing more is read for one. */
  readonly format: Format
  /** Where handed-out links point unless `--public-url` says otherwise. */
  readonly publicUrl: string
  /** With `--all` in a format that streams: each page's items, as they arrive. */
  readonly emit?: (items: ReadonlyArray<unknown>) => void
}

/** What a list answers: a page of items and where it stands. */
interface Page {
  readonly content: ReadonlyArray<unknown>
  readonly totalElements: number
  readonly totalPages: number
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
    // Asked only once the command line is right; off a terminal nobody can answer.
    if (binding.confirm !== undefined && !line.flag("yes") && line.terminal?.interactive !== true) {
      return yield* new CliError({
        code: "CONFIRMATION_REQUIRED",
        reason: `${command} asks before it acts, and nobody can answer here (not a terminal): pass --yes to go ahead`,
        exitCode: ExitCode.usage
      })
    }

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
      // What was typed instead of an id: a member's or an account's email, a token's name.
      for (const [field, lookup, text] of read.lookups) input[field] = yield* find(backend, scope, lookup, text)
      // A time from now, from when the command runs rather than when it was checked.
      for (const flag of binding.flags) {
        if (flag._tag === "Value" && flag.fromNow === true && line.has(flag.attribute)) {
          input[flag.field] = yield* flag.read(line)
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
      if (binding.confirm !== undefined && !line.flag("yes")) {
        const typed = Object.fromEntries(
          binding.arguments.map((argument, index) => [argument.field, line.args[index]!])
        )
        const question = binding.confirm(typed, { organization, roles: [], now: yield* Time.now })
        const answered = yield* Effect.promise(() => line.terminal!.line(`${question} [y/N] `))
        if (!/^\s*y(es)?\s*$/i.test(answered)) {
          return yield* new CliError({ code: "CANCELLED", reason: "Nothing was done", exitCode: ExitCode.unexpected })
        }
      }
      const before =
        binding.unchanged === undefined
          ? undefined
          : yield* backend.run(
              binding.unchanged.read,
              pick(decoded, Object.keys(binding.unchanged.read.input.fields)),
              scope
            )
      const run = (input: object) =>
        backend
          .run(operation, input, scope)
          .pipe(
            Effect.mapError((error) =>
              error._tag === "ValidationFailed"
                ? Input.rename(error, read.names, input as Record<string, unknown>)
                : error
            )
          )
      const answer = line.flag("all")
        ? yield* everyPage(
            (page) => run({ size: 200, ...decoded, page }) as Effect.Effect<Page, Failure, R>,
            settings.emit
          )
        : yield* run(decoded)
      const shown =
        binding.show !== undefined
          ? yield* backend.run(binding.show, pick(decoded, Object.keys(binding.show.input.fields)), scope)
          : binding.receipt !== undefined
            ? binding.receipt(decoded)
            : answer

      const forPeople = settings.format === "table"
      const context: Context = {
        organization,
        roles: forPeople && binding.view.roles === true && organization !== undefined ? yield* roles : [],
        now: yield* Time.now,
        ...(forPeople && binding.view.names !== undefined
          ? { names: yield* namesOf(backend, scope, binding.view.names(shown), organization !== undefined) }
          : {})
      }
      // A change that changed nothing says so (the answer is what was there before).
      const summary =
        binding.unchanged !== undefined && JSON.stringify(before) === JSON.stringify(shown)
          ? binding.unchanged.summary
          : binding.summary
      return {
        json: shown,
        streamed: line.flag("all") && settings.emit !== undefined,
        text: (render) =>
          [...(summary === undefined ? [] : [summary(shown, context)]), binding.view.text(render, shown, context)].join(
            "\n"
          )
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
  /** Arguments typed as something to look up (an email, a name), by the field they fill. */
  readonly lookups: ReadonlyArray<readonly [string, Lookup, string]>
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
    const names: Record<string, Input.Field> = {}
    const late = new Set<string>()
    const lookups: Array<readonly [string, Lookup, string]> = []
    for (const [index, argument] of binding.arguments.entries()) {
      const text = line.args[index]
      given[argument.field] = text
      if (argument.lookup === undefined || text === undefined || isUuid(text)) continue
      if (argument.lookup !== "token" && !/^[^@\s]+@[^@\s]+$/.test(text.trim())) {
        return yield* ValidationFailed.single(argument.field, `must be an email or an id, not ${JSON.stringify(text)}`)
      }
      late.add(argument.field)
      lookups.push([argument.field, argument.lookup, text])
    }
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
        case "Yes":
        case "All":
          break
      }
    }
    if (binding.nothingGiven !== undefined && !filled) {
      return yield* ValidationFailed.single("options", binding.nothingGiven)
    }
    return { given, names, late, roles, lookups, publicUrl } satisfies Read
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

/**
 * What the ids a view shows by name stand for: a member's (or, everywhere, an account's) email, a
 * token's name, an organization's name (the operator lists them). An id the backend cannot read —
 * a token list a token may not see, a member since forgotten — is left out: the view shows the id.
 */
const namesOf = <R>(backend: Backend<R>, scope: Scope, named: Named, inOrganization: boolean) =>
  Effect.gen(function* () {
    const names = new Map<string, string>()
    const read = <A>(effect: Effect.Effect<A, Failure, R>) => Effect.option(effect)
    const users = [...new Set(named.users)]
    yield* Effect.forEach(
      users,
      (userId) =>
        read(
          backend.run(
            inOrganization ? UserOperations.viewUser : PlatformOperations.viewAccount,
            { userId },
            scope
          ) as Effect.Effect<{ readonly email: string }, Failure, R>
        ).pipe(Effect.map(Option.map((found) => names.set(userId, found.email)))),
      { concurrency: 8, discard: true }
    )
    if (named.tokens.length > 0 && inOrganization) {
      const tokens = yield* read(
        backend.run(TokenOperations.listTokens, {}, scope) as Effect.Effect<AuditResponse.TokenListResponse, Failure, R>
      )
      for (const token of Option.getOrElse(tokens, () => [])) names.set(token.id, token.name)
    }
    if (named.organizations.length > 0 && backend.actor === "operator") {
      const organizations = yield* read(
        backend.run(OrganizationOperations.listOrganizations, {}, scope) as Effect.Effect<
          OrganizationResponse.OrganizationListResponse,
          Failure,
          R
        >
      )
      for (const organization of Option.getOrElse(organizations, () => []))
        names.set(organization.id, organization.name)
    }
    return names as ReadonlyMap<string, string>
  })

/**
 * Every page of a list, one after the other: each page's items go to `emit` as it arrives, or, with
 * nowhere to stream them (a table), all of them make one page.
 */
const everyPage = <R>(
  page: (number: number) => Effect.Effect<Page, Failure, R>,
  emit: ((items: ReadonlyArray<unknown>) => void) | undefined
) =>
  Effect.gen(function* () {
    const items: Array<unknown> = []
    for (let number = 0; ; number++) {
      const found = yield* page(number)
      if (emit === undefined) items.push(...found.content)
      else emit(found.content)
      if (number + 1 >= found.totalPages) {
        return {
          ...found,
          content: items,
          totalPages: found.totalElements === 0 ? 0 : 1,
          size: items.length,
          number: 0
        }
      }
    }
  })

const isUuid = (text: string) => /^\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*$/i.test(text)

/** Every page of a list, 200 at a time, until `pick` finds what it looks for. */
const search = <R, P extends { readonly totalPages: number }, A>(
  page: (page: number) => Effect.Effect<P, Failure, R>,
  pick: (found: P) => A | undefined
): Effect.Effect<A | undefined, Failure, R> =>
  Effect.gen(function* () {
    for (let number = 0; ; number++) {
      const found = yield* page(number)
      const picked = pick(found)
      if (picked !== undefined) return picked
      if (number + 1 >= found.totalPages) return undefined
    }
  })

/** The id of what `text` names: a member's or an account's email (any case), or a token's name. */
const find = <R>(backend: Backend<R>, scope: Scope, lookup: Lookup, text: string) =>
  Effect.gen(function* () {
    const wanted = text.trim().toLowerCase()
    const list = <O extends Operation.Any, P>(operation: O, input: Record<string, unknown>) =>
      Effect.flatMap(Input.decode(struct(operation.input), input, {}), (decoded) =>
        backend.run(operation, decoded, scope)
      ) as Effect.Effect<P, Failure, R>
    switch (lookup) {
      case "member": {
        const found = yield* search(
          (page) =>
            list<typeof UserOperations.listUsers, UserResponse.UserPageResponse>(UserOperations.listUsers, {
              q: text.trim(),
              status: [...MembershipStatus.all],
              page,
              size: 200
            }),
          (found) => found.content.find((user) => user.email.toLowerCase() === wanted)?.id
        )
        return found ?? (yield* new UserNotFound({ userId: text }))
      }
      case "account": {
        const found = yield* search(
          (page) =>
            list<typeof PlatformOperations.listAccounts, IdentityResponse.AccountPageResponse>(
              PlatformOperations.listAccounts,
              { q: text.trim(), page, size: 200 }
            ),
          (found) => found.content.find((account) => account.email.toLowerCase() === wanted)?.id
        )
        return found ?? (yield* new UserNotFound({ userId: text, scope: "platform" }))
      }
      case "token": {
        const tokens = yield* list<typeof TokenOperations.listTokens, AuditResponse.TokenListResponse>(
          TokenOperations.listTokens,
          {}
        )
        const named = tokens.filter((token) => token.name.toLowerCase() === wanted)
        // A name given to several tokens: the one not revoked, if that tells them apart.
        const live = named.length > 1 ? named.filter((token) => token.revokedAt === null) : named
        if (live.length === 1) return live[0]!.id
        if (named.length === 0) return yield* new TokenNotFound({ tokenId: text })
        return yield* ValidationFailed.single(
          "tokenId",
          `${named.length} tokens are named ${JSON.stringify(text)}: give the id of the one to revoke (see tokens list)`
        )
      }
    }
  })

// An operation's input as any struct of fields: what a generic runner decodes with.
const struct = (schema: Schema.Struct<any>) =>
  schema as unknown as Schema.Schema<object, Readonly<Record<string, unknown>>>

const without = (input: Readonly<Record<string, unknown>>, fields: ReadonlySet<string>) =>
  Object.fromEntries(Object.entries(input).filter(([field]) => !fields.has(field)))

const pick = (input: unknown, fields: ReadonlyArray<string>) =>
  Object.fromEntries(Object.entries(input as Record<string, unknown>).filter(([field]) => fields.includes(field)))
