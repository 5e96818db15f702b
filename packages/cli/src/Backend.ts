/**
 * Where a command's operation runs. Here, in process on the database, as the operator; a remote
 * backend (the typed client of `@roster/client`, one method per operation id) fits the same shape:
 * the runner hands it an operation, its decoded input and the organization, and reads back the
 * success body the API would send.
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

/** Where an operation acts, and where the links it hands out point. */
export interface Scope {
  /** The organization an organization's operation acts in (`--org`). */
  readonly organizationId?: OrganizationId | undefined
  readonly publicUrl: string
}

export interface Backend<R> {
  /** The organization `--org` names: its id, or its name in any case. */
  readonly organization: (
    idOrName: string
  ) => Effect.Effect<OrganizationResponse.OrganizationResponse, ErrorCode.DomainError, R>
  /** Runs `operation` on an input its schema decoded; answers its success body (undefined when none). */
  readonly run: (
    operation: Operation.Any,
    input: unknown,
    scope: Scope
  ) => Effect.Effect<unknown, ErrorCode.DomainError, R>
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
  organization: (idOrName) =>
    Effect.flatMap(Organizations, (organizations) => organizations.resolve(idOrName)).pipe(
      Effect.map(OrganizationResponse.fromOrganization)
    ),
  run: (operation, input, scope) =>
    Effect.flatMap(callerOf(operation, scope), (caller) => Operation.runAny(operation, caller, input)).pipe(
      Effect.provideService(PublicUrl.Base, scope.publicUrl)
    ) as Effect.Effect<unknown, ErrorCode.DomainError, UseCases>
}
