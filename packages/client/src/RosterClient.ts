/**
 * A typed client for Roster's HTTP API: one method per operation, named after its id
 * (`terminate-user` → `terminateUser`), each taking one input object (path, query and body fields
 * together) and resolving to the success body. Nothing here is written per operation: the methods
 * and their types come from the declarations (`Catalog`), the requests from their bindings in
 * `@roster/api`.
 */
import { type Binding, bindings } from "@roster/api"
import type { Catalog, Operation } from "@roster/domain"

/** `terminate-user` → `terminateUser`, as types. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S

/** Every operation the API serves: all but the operator's own (the CLI's alone). */
type Served = Exclude<Catalog.Declared, { readonly guard: "operator" }>

/** A method: one input object (optional when every field is), the success body. */
type Method<O extends Operation.Any> =
  {} extends Operation.InputOf<O>
    ? (input?: Operation.InputOf<O>) => Promise<Operation.OutputOf<O>>
    : (input: Operation.InputOf<O>) => Promise<Operation.OutputOf<O>>

/** Every operation of the API as a method. */
export type RosterClient = {
  readonly [O in Served as CamelCase<O["id"]>]: Method<O>
}

export interface RosterClientOptions {
  /** Where the server is: `https://roster.example.com`. */
  readonly baseUrl: string
  /** An organization token (`tot_…`) or a session (`ses_…`). */
  readonly token?: string
  /** With a session: the organization to act in (the user's membership there must be ACTIVE). */
  readonly organizationId?: string
  /** The `fetch` to use; the global one by default. */
  readonly fetch?: typeof globalThis.fetch
}

/** One problem the server reported: a stable code and a message for people. */
export interface ErrorDetail {
  readonly code: string
  readonly message: string
}

/** A call the server refused or failed: its status, the first error's code, and every error. */
export class RosterApiError extends Error {
  override readonly name = "RosterApiError"
  readonly status: number
  readonly code: string
  readonly errors: ReadonlyArray<ErrorDetail>
  /** The server logs the failure under this, to find it from a report. */
  readonly fingerprint: string | undefined
  /** The request's `X-Request-Id` (the server's answer header): every log line of the request has it. */
  readonly requestId: string | undefined

  constructor(status: number, errors: ReadonlyArray<ErrorDetail>, fingerprint?: string, requestId?: string) {
    super(errors.map((error) => `${error.code}: ${error.message}`).join("; ") || `HTTP ${status}`)
    this.status = status
    this.code = errors[0]?.code ?? `HTTP_${status}`
    this.errors = errors
    this.fingerprint = fingerprint
    this.requestId = requestId
  }
}

const camelCase = (id: string): string => id.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())

const appendQuery = (search: URLSearchParams, name: string, value: unknown): void => {
  if (value === undefined) return
  if (Array.isArray(value)) for (const item of value) search.append(name, String(item))
  else search.append(name, String(value))
}

/** The request a binding makes of an input: path, query string and JSON body. */
const requestOf = (binding: Binding.Binding, input: Readonly<Record<string, unknown>>) => {
  const path = binding.path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = input[name]
    if (value === undefined || value === null)
      throw new TypeError(`${camelCase(binding.operation.id)}: ${name} is required`)
    return encodeURIComponent(String(value))
  })
  const given = binding.restFields.filter((name) => input[name] !== undefined)
  if (binding.rest === "query") {
    const search = new URLSearchParams()
    for (const name of given) appendQuery(search, name, input[name])
    const query = search.toString()
    return { path: query === "" ? path : `${path}?${query}`, body: undefined }
  }
  return {
    path,
    body:
      binding.restFields.length === 0
        ? undefined
        : JSON.stringify(Object.fromEntries(given.map((name) => [name, input[name]])))
  }
}

const errorOf = async (response: Response): Promise<RosterApiError> => {
  const text = await response.text()
  const requestId = response.headers.get("x-request-id") ?? undefined
  try {
    const body = JSON.parse(text) as { errors?: ReadonlyArray<ErrorDetail>; fingerprint?: string }
    if (Array.isArray(body.errors)) {
      return new RosterApiError(response.status, body.errors, body.fingerprint, requestId)
    }
  } catch {
    // Not the API's error shape (a proxy's page, say): the status says what happened.
  }
  return new RosterApiError(response.status, [], undefined, requestId)
}

export const createRosterClient = (options: RosterClientOptions): RosterClient => {
  const baseUrl = options.baseUrl.replace(/\/+$/, "")
  const send = options.fetch ?? globalThis.fetch
  const call =
    (binding: Binding.Binding) =>
    async (input: Readonly<Record<string, unknown>> = {}) => {
      const request = requestOf(binding, input)
      const headers: Record<string, string> = { accept: "application/json" }
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
      if (options.organizationId !== undefined) headers["x-organization-id"] = options.organizationId
      if (request.body !== undefined) headers["content-type"] = "application/json"
      const response = await send(`${baseUrl}${request.path}`, {
        method: binding.method,
        headers,
        ...(request.body === undefined ? {} : { body: request.body })
      })
      if (!response.ok) throw await errorOf(response)
      if (binding.operation.success === undefined) {
        await response.body?.cancel()
        return undefined
      }
      return response.json()
    }
  return Object.fromEntries(
    bindings.map((binding) => [camelCase(binding.operation.id), call(binding)])
  ) as unknown as RosterClient
}
