/**
 * The backends that reach Roster over HTTP, in the `Backend` shape the runner uses for the database:
 * - `api`: the API, through the typed client (`@roster/client`), with an organization token (it acts
 *   in the token's organization) or a signed-in user's session (in the organizations they belong
 *   to, or on the platform when they are its admin);
 * - `operator`: the operator's channel of a server on this machine that holds the embedded
 *   database, with the key it wrote beside the data directory's lock: the operator, as on the
 *   database itself.
 * Either answers the bodies the API answers, and fails with the API's codes and the same exit
 * statuses as the database would (`fromAnswer`).
 */
import { createRosterClient, RosterApiError } from "@roster/client"
import {
  type Operation,
  OrganizationNotFound,
  type OrganizationResponse,
  Operation as Operations,
  ValidationFailed
} from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Backend, Failure } from "./Backend.js"
import { CliError } from "./CliError.js"
import * as ExitCode from "./ExitCode.js"

export interface Options {
  /** Where the server answers: `https://roster.example.com`. */
  readonly url: string
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** One problem as the API reports it. */
interface Detail {
  readonly code: string
  readonly message: string
}

/**
 * An error answer as the command line reports it: a validation failure as the domain's (so that
 * the runner names the flag typed), anything else with the API's code and message, and the exit
 * status the database path gives the same error.
 */
export const fromAnswer = (status: number, errors: ReadonlyArray<Detail>): Failure => {
  const [first] = errors
  if (first === undefined) {
    return new CliError({
      code: `HTTP_${status}`,
      reason: `The server answered HTTP ${status}`,
      exitCode: ExitCode.ofCode("", status)
    })
  }
  if (first.code === "VALIDATION_FAILED") {
    const [issue, ...issues] = errors
      .filter((error) => error.code === first.code)
      .map(({ message }) => {
        const colon = message.indexOf(": ")
        return colon > 0
          ? { field: message.slice(0, colon), message: message.slice(colon + 2) }
          : { field: "input", message }
      })
    return new ValidationFailed({ issues: [issue!, ...issues] })
  }
  return new CliError({ code: first.code, reason: first.message, exitCode: ExitCode.ofCode(first.code, status) })
}

/** No answer at all: the server is down, or the URL is wrong. */
const unreachable = (url: string, error: unknown): CliError => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  const why =
    typeof cause?.code === "string"
      ? cause.code
      : typeof cause?.message === "string"
        ? cause.message
        : error instanceof Error
          ? error.message
          : String(error)
  return new CliError({
    code: "SERVER_UNREACHABLE",
    reason: `Cannot reach the Roster server at ${url}: ${why}`,
    exitCode: ExitCode.unexpected
  })
}

/** A failed call of the typed client: an error answer, or none at all. */
export const fromThrown = (url: string) => (error: unknown) =>
  error instanceof RosterApiError ? fromAnswer(error.status, error.errors) : unreachable(url, error)

/** The input as JSON carries it: what the runner decoded, encoded again by the operation's schema. */
const encoded = (operation: Operation.Any, input: unknown) =>
  Schema.encodeUnknown(operation.input as unknown as Schema.Schema<unknown, unknown>)(input).pipe(Effect.orDie)

const matches = (organization: { readonly id: string; readonly name: string }, reference: string) =>
  organization.id.toLowerCase() === reference.toLowerCase() ||
  organization.name.toLowerCase() === reference.trim().toLowerCase()

/** The API, with an organization token (`tot_…`) or a signed-in user's session (`ses_…`). */
export const api = (options: Options & { readonly token: string }): Backend<never> => {
  const session = options.token.startsWith("ses_")
  const call = <A>(organizationId: string | undefined, method: string, input: unknown = {}) =>
    Effect.tryPromise({
      try: () => {
        const client = createRosterClient({
          baseUrl: options.url,
          token: options.token,
          ...(organizationId === undefined ? {} : { organizationId }),
          ...(options.fetch === undefined ? {} : { fetch: options.fetch })
        }) as unknown as Record<string, (input: unknown) => Promise<A>>
        return client[method]!(input)
      },
      catch: fromThrown(options.url)
    })
  const view = (organizationId?: string) =>
    call<OrganizationResponse.OrganizationResponse>(organizationId, "viewOrganization")
  return {
    actor: session ? "session" : "token",
    where: options.url,
    organization: (reference) =>
      session
        ? // One's own organizations, by id or name; then the organization itself, as the API shows it.
          call<ReadonlyArray<{ readonly id: string; readonly name: string }>>(undefined, "listMyOrganizations").pipe(
            Effect.flatMap((mine) => {
              const found = mine.find((organization) => matches(organization, reference))
              return found === undefined
                ? Effect.fail(new OrganizationNotFound({ organization: reference }))
                : view(found.id)
            })
          )
        : // A token acts in its own organization: another is not found, as the API says of another's.
          Effect.filterOrFail(
            view(),
            (organization) => matches(organization, reference),
            () => new OrganizationNotFound({ organization: reference })
          ),
    implied: session ? Effect.succeed(undefined) : view(),
    run: (operation, input, scope) =>
      Effect.flatMap(encoded(operation, input), (body) =>
        call(session ? scope.organizationId : undefined, Operations.camelCase(operation.id), body)
      )
  }
}

/** The operator's channel of the server on this machine that holds the embedded database. */
export const operator = (options: Options & { readonly key: string }): Backend<never> => {
  const send = options.fetch ?? globalThis.fetch
  const post = <A>(path: string, body: unknown) =>
    Effect.tryPromise({
      try: () =>
        send(`${options.url.replace(/\/+$/, "")}${path}`, {
          method: "POST",
          headers: { authorization: `Operator ${options.key}`, "content-type": "application/json" },
          body: JSON.stringify(body)
        }),
      catch: (error) => unreachable(options.url, error)
    }).pipe(
      Effect.flatMap((response) =>
        Effect.tryPromise({
          try: () => response.json() as Promise<unknown>,
          catch: (error) => unreachable(options.url, error)
        }).pipe(
          Effect.flatMap((json) => {
            if (response.ok) return Effect.succeed(json as A)
            const errors = (json as { errors?: unknown } | null)?.errors
            return Effect.fail(fromAnswer(response.status, Array.isArray(errors) ? (errors as Array<Detail>) : []))
          })
        )
      )
    )
  return {
    actor: "operator",
    where: options.url,
    organization: (reference) =>
      post<OrganizationResponse.OrganizationResponse>("/operator/organization", { organization: reference }),
    implied: Effect.succeed(undefined),
    run: (operation, input, scope) =>
      Effect.flatMap(encoded(operation, input), (body) =>
        post<{ readonly output: unknown }>("/operator/run", {
          operation: operation.id,
          ...(scope.organizationId === undefined ? {} : { organizationId: scope.organizationId }),
          publicUrl: scope.publicUrl,
          input: body
        })
      ).pipe(Effect.map(({ output }) => (output === null ? undefined : output)))
  }
}
