/**
 * Where a command's operation runs: the one place the command line chooses between the database
 * and a server. Here, `local`: in process on the database, as the operator. `Remote` has the same
 * shape over HTTP: the API through the typed client (a token or a session), or the operator's
 * channel of this machine's server. The runner hands a backend an operation, its decoded input
 * and the organization, and reads back the success body the API would send.
 */
import * as Effect from "effect/Effect"
import {
  Actor,
  type ErrorCode,
  Operation,
  type OrganizationId,
  OrganizationResponse,
  Organizations,
  PublicUrl,
  type Services
} from "@roster/domain"
import type { CliError } from "./CliError.js"

/** Where an operation acts, and where the links it hands out point. */
export interface Scope {
  /** The organization an organization's operation acts in (`--org`). */
  readonly organizationId?: OrganizationId | undefined
  readonly publicUrl: string
}

/** What a backend fails with: the domain's errors, or the command line's own (a server's answer, say). */
export type Failure = ErrorCode.DomainError | CliError

/**
 * Who a backend's commands act as, which decides what they may run: the operator (the database,
 * or this machine's server on it), an organization's token, or a signed-in user's session.
 */
export type ActsAs = "operator" | "token" | "session"

export interface Backend<R> {
  readonly actor: ActsAs
  /** Where it goes, for messages: `the database`, or the server's URL. */
  readonly where: string
  /** The organization `--org` names: its id, or its name in any case. */
  readonly organization: (idOrName: string) => Effect.Effect<OrganizationResponse.OrganizationResponse, Failure, R>
  /** The organization its commands act in without `--org`: a token's own; none for the others. */
  readonly implied: Effect.Effect<OrganizationResponse.OrganizationResponse | undefined, Failure, R>
  /** Runs `operation` on an input its schema decoded; answers its success body (undefined when none). */
  readonly run: (operation: Operation.Any, input: unknown, scope: Scope) => Effect.Effect<unknown, Failure, R>
}

/** The operator, as an operation's guard takes its caller. The CLI binds no `session` or `public` operation. */
const callerOf = (operation: Operation.Any, scope: Scope): Effect.Effect<Operation.Caller<Operation.Guard>> => {
  const client = {}
  switch (operation.guard) {
    case "organization":
      return scope.organizationId === undefined
        ? Effect.dieMessage(`${operation.id} acts in an organization: none was named`)
        : Effect.succeed({ access: { actor: Actor.operator, organizationId: scope.organizationId }, client })
    case "platform":
    case "operator":
      return Effect.succeed({ actor: Actor.operator, client } as Operation.Caller<"operator">)
    case "session":
    case "public":
      return Effect.dieMessage(`${operation.id} is not the operator's to run`)
  }
}

export type UseCases = Services.UseCases | Services.IdentityUseCases

/** The operator's own backend: the use cases on the database this command opened. */
export const local: Backend<UseCases> = {
  actor: "operator",
  where: "the database",
  implied: Effect.succeed(undefined),
  organization: (idOrName) =>
    Effect.flatMap(Organizations, (organizations) => organizations.resolve(idOrName)).pipe(
      Effect.map(OrganizationResponse.fromOrganization)
    ),
  run: (operation, input, scope) =>
    Effect.flatMap(callerOf(operation, scope), (caller) => Operation.runAny(operation, caller, input)).pipe(
      Effect.provideService(PublicUrl.Base, scope.publicUrl)
    ) as Effect.Effect<unknown, ErrorCode.DomainError, UseCases>
}
