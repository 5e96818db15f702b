/**
 * The whole API as an OpenAPI 3.1 document (`GET /openapi/roster.json`), derived from the routes and
 * the operations they bind: each operation's id, tag, summary, who may call it, its inputs, its
 * success schema and every error it can answer. The contract's operations keep what the contract
 * states (paths, parameters, bodies, schemas), without its `Authorization` parameter (security
 * schemes say how to authenticate). It cannot drift from what the server does, and the suites check
 * every response against the schemas it names. (`GET /openapi.json` keeps serving the Users API
 * contract exactly, for drop-in clients.)
 */
import { STATUS_CODES } from "node:http"
import { AuditResponse, IdentityResponse, Operation, OrganizationResponse, UserResponse } from "@roster/domain"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import * as Contract from "./Contract.js"
import * as ErrorResponse from "./ErrorResponse.js"
import type * as Route from "./Route.js"
import * as Schemas from "./Schemas.js"

type Json = Schemas.Json
type JsonObject = Schemas.JsonObject

/** An express path (`/users/:userId`) as OpenAPI writes it (`/users/{userId}`). */
export const pathOf = (expressPath: string): string => expressPath.replace(/:([A-Za-z]+)/g, "{$1}")

const ref = (name: string): JsonObject => ({ $ref: `${Schemas.componentPath}${name}` })

/** How each group of operations is introduced. */
const tags: { readonly [T in Operation.Tag]: string } = {
  Users:
    "An organization's members: list, add, view, every change of a membership, and a managed member's sign-in. The Users API contract's operations are here, as the contract states them.",
  Roles: "The organization's roles, to find the `roleId` to send.",
  Tokens: "The organization's API tokens: the secret is shown once, when a token is created.",
  Events: "The audit log, newest first: who changed what, and when.",
  Me: "The signed-in user's own account: profile, organizations, sessions, password and second factor.",
  Auth: "Signing in (password, magic link) and out; confirming an email address.",
  Platform: "Platform administration of identities, for platform admins."
}

const securitySchemes = {
  organizationToken: {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description:
      "An organization API token (`tot_…`), raw as the Users API contract says (`Authorization: tot_…`), or as `Bearer tot_…`. It acts in its own organization with its own permissions."
  },
  session: {
    type: "http",
    scheme: "bearer",
    description:
      "A session (`ses_…`) from `POST /auth/login` or `POST /auth/magic-link`. In an organization's operations, `X-Organization-Id` names the organization to act in."
  }
} as const

const securityOf = (guard: Route.Guard): Json => {
  switch (guard) {
    case "organization":
      return [{ organizationToken: [] }, { session: [] }]
    case "session":
    case "platform":
      return [{ session: [] }]
    case "public":
      return []
  }
}

const organizationHeader: JsonObject = {
  name: "X-Organization-Id",
  in: "header",
  required: false,
  description: "With a session: the organization to act in (the user's membership there must be ACTIVE)",
  schema: { type: "string", format: "uuid" }
}

const whoMayCall = (operation: Operation.Any): string => {
  switch (operation.guard) {
    case "organization":
      return operation.permission === null
        ? "Any organization token, or a member's session."
        : `Needs \`${operation.permission}\` (an organization token holding it, or a member's session whose role does).`
    case "session":
      return "Any signed-in user's session."
    case "platform":
      return "A platform admin's session."
    case "public":
      return "Anyone."
    case "operator":
      return "The operator alone."
  }
}

const code = (text: string): string => `\`${text}\``

/** The operation a route binds: every route of the API is a binding. */
const operationOf = (route: Route.Route): Operation.Any => route.operation

/**
 * The errors a route can answer with, by status: its guard's, its operation's, and the HTTP layer's
 * where they apply — a body over the limit (413), and the sign-in rate limit that `App` puts on
 * public POSTs (429).
 */
const errorsOf = (route: Route.Route, operation: Operation.Any): ReadonlyMap<number, ReadonlyArray<string>> => {
  const declared: Array<ErrorResponse.KnownError["_tag"]> = [
    ...(Operation.impliedErrors[operation.guard] as ReadonlyArray<ErrorResponse.KnownError["_tag"]>),
    ...operation.errors,
    ...(route.body === undefined ? [] : (["PayloadTooLarge"] as const)),
    ...(route.guard === "public" && route.method === "POST" ? (["RateLimited"] as const) : [])
  ]
  const byStatus = new Map<number, Array<string>>()
  for (const tag of declared) {
    const status = ErrorResponse.statuses[tag]
    const codes = byStatus.get(status) ?? []
    if (!codes.includes(ErrorResponse.codes[tag])) codes.push(ErrorResponse.codes[tag])
    byStatus.set(status, codes)
  }
  byStatus.set(500, [ErrorResponse.internalCode])
  return new Map([...byStatus].sort(([a], [b]) => a - b))
}

const errorResponse = (status: number, codes: ReadonlyArray<string>): JsonObject => ({
  description: `${STATUS_CODES[status]}: ${codes.map(code).join(", ")}${status === 500 ? " (report it with its fingerprint)" : ""}`,
  content: { "application/json": { schema: ref("ErrorResponse") } }
})

/** Domain response schemas by the name they are exported under (`AuditResponse.TokenResponse` → `TokenResponse`). */
const responseNames = (): ReadonlyMap<SchemaAST.AST, string> => {
  const names = new Map<SchemaAST.AST, string>()
  for (const module of [UserResponse, AuditResponse, IdentityResponse, OrganizationResponse]) {
    for (const [name, value] of Object.entries(module)) {
      // Objects only: a list reads better as `array` of a named item.
      if (Schema.isSchema(value) && value.ast._tag === "TypeLiteral" && !names.has(value.ast)) {
        names.set(value.ast, name)
      }
    }
  }
  return names
}

/** The default a parameter takes when left out: what decoding nothing gives. */
export const defaultOf = (schema: Schema.Schema<any, any>, name: string): Json | undefined => {
  const field = (schema as unknown as Partial<Schema.Struct<Schema.Struct.Fields>>).fields?.[name]
  if (field === undefined) return undefined
  const alone = Schema.Struct({ [name]: field }) as unknown as Schema.Schema<Record<string, unknown>, unknown>
  const decoded = Schema.decodeUnknownOption(alone)({})
  const value = Option.isSome(decoded) ? decoded.value[name] : undefined
  return typeof value === "number" || typeof value === "string" || typeof value === "boolean" ? value : undefined
}

type Parameter = JsonObject & { readonly name: string; readonly in: string }

/** The contract's ErrorResponse (which allows more properties), with the one Roster adds: the request's id. */
const withRequestId = (schemas: Record<string, JsonObject>): Record<string, JsonObject> => {
  const stated = schemas.ErrorResponse!
  return {
    ...schemas,
    ErrorResponse: {
      ...stated,
      properties: {
        ...(stated.properties as JsonObject),
        requestId: {
          type: "string",
          description: "The request's X-Request-Id: the one it came with when valid, else one the server made",
          pattern: "^[A-Za-z0-9._:-]{1,128}$"
        }
      },
      required: [...((stated.required as ReadonlyArray<string> | undefined) ?? []), "requestId"]
    }
  }
}

export const make = (routes: ReadonlyArray<Route.Route>): JsonObject => {
  const contractSchemas = withRequestId(
    Schemas.toJsonSchema(structuredClone(Contract.schemas) as unknown as Json, false) as Record<string, JsonObject>
  )
  const contractPaths = Schemas.toJsonSchema(structuredClone(Contract.document.paths) as unknown as Json, false) as {
    readonly [path: string]: { readonly [method: string]: JsonObject }
  }

  // A name the contract has keeps the contract's schema, which lists as required every property the
  // server always sends (the contract leaves `required` out of some).
  const components: Schemas.Components = {
    names: responseNames(),
    definitions: {},
    define: (name, generated) => {
      const stated = contractSchemas[name]
      if (stated === undefined) return generated
      const properties = Object.keys((stated.properties as JsonObject | undefined) ?? {})
      const required = [...new Set([...Schemas.requiredOf(stated), ...Schemas.requiredOf(generated)])]
      return { ...stated, required: required.filter((property) => properties.includes(property)) }
    }
  }
  for (const [ast, name] of components.names) {
    if (contractSchemas[name] !== undefined) Schemas.fromAST(ast, "response", components)
  }

  const parametersOf = (route: Route.Route): ReadonlyArray<Parameter> => {
    const parameters: Array<Parameter> = Object.entries(route.params).map(([name, schema]) => ({
      name,
      in: "path",
      required: true,
      schema: Schemas.fromSchema(schema, "parameter")
    }))
    if (route.query !== undefined) {
      const query = Schemas.fromSchema(route.query, "parameter")
      const required = Schemas.requiredOf(query)
      for (const [name, schema] of Object.entries((query.properties as JsonObject | undefined) ?? {})) {
        const fallback = defaultOf(route.query, name)
        parameters.push({
          name,
          in: "query",
          required: required.includes(name),
          ...(route.lists.includes(name)
            ? { description: "Repeat it, or separate values with commas", style: "form", explode: true }
            : {}),
          schema: fallback === undefined ? (schema as JsonObject) : { ...(schema as JsonObject), default: fallback }
        })
      }
    }
    if (route.guard === "organization") parameters.push(organizationHeader as Parameter)
    return parameters
  }

  const responsesOf = (route: Route.Route, operation: Operation.Any): Record<string, JsonObject> => {
    const success: JsonObject = {
      description: STATUS_CODES[route.success.status] ?? "Success",
      ...(operation.success === undefined
        ? {}
        : {
            content: {
              "application/json": { schema: Schemas.fromSchema(operation.success, "response", components) }
            }
          })
    }
    const responses: Record<string, JsonObject> = { [String(route.success.status)]: success }
    for (const [status, codes] of errorsOf(route, operation)) responses[String(status)] = errorResponse(status, codes)
    return responses
  }

  const descriptionOf = (route: Route.Route, operation: Operation.Any): string =>
    [
      operation.description,
      whoMayCall(operation),
      route.safe ? undefined : "It makes something: `HEAD` is refused (405), so that a probe cannot make one unseen.",
      operation.events.length === 0 ? undefined : `Records ${operation.events.map(code).join(", ")}.`
    ]
      .filter((text) => text !== undefined)
      .join("\n\n")

  const generated = (route: Route.Route, operation: Operation.Any): JsonObject => {
    const parameters = parametersOf(route)
    return {
      tags: [operation.tag],
      summary: operation.summary,
      description: descriptionOf(route, operation),
      operationId: operation.id,
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { "application/json": { schema: Schemas.fromSchema(route.body, "request") } }
            }
          }),
      responses: responsesOf(route, operation)
    }
  }

  /**
   * The contract's operation as the contract states it, with Roster's tag and description, security
   * instead of its `Authorization` parameter, the parameters Roster adds (filters of the user list,
   * the session's organization) and every status it can answer; a status the contract states keeps
   * its response, its description naming the codes.
   */
  const fromContract = (route: Route.Route, operation: Operation.Any, stated: JsonObject): JsonObject => {
    const statedParameters = ((stated.parameters as ReadonlyArray<Parameter> | undefined) ?? []).filter(
      (parameter) => !(parameter.in === "header" && parameter.name.toLowerCase() === "authorization")
    )
    const extra = parametersOf(route).filter(
      (parameter) => !statedParameters.some((known) => known.name === parameter.name && known.in === parameter.in)
    )
    const statedResponses = stated.responses as Record<string, JsonObject>
    const responses: Record<string, JsonObject> = { ...statedResponses }
    for (const [status, codes] of errorsOf(route, operation)) {
      const known = statedResponses[String(status)]
      responses[String(status)] =
        known === undefined
          ? errorResponse(status, codes)
          : { ...known, description: `${String(known.description)}: ${codes.map(code).join(", ")}` }
    }
    const { tags: _tags, parameters: _parameters, responses: _responses, ...rest } = stated
    return {
      tags: [operation.tag],
      ...rest,
      operationId: operation.id,
      // Roster's own: the contract's descriptions name permissions Roster's operations declare otherwise.
      description: descriptionOf(route, operation),
      parameters: [...statedParameters, ...extra],
      responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)))
    }
  }

  const paths: Record<string, Record<string, JsonObject>> = {}
  const used = new Set<Operation.Tag>()
  for (const route of routes) {
    const operation = operationOf(route)
    const path = pathOf(route.path)
    const method = route.method.toLowerCase()
    const stated = contractPaths[path]?.[method]
    used.add(operation.tag)
    paths[path] = {
      ...paths[path],
      [method]: {
        ...(stated === undefined ? generated(route, operation) : fromContract(route, operation, stated)),
        security: securityOf(route.guard)
      }
    }
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Roster",
      version: "0.1.0",
      description: [
        "Organization user management: members and their lifecycle, API tokens, the audit log, sign-in, sessions, two-factor, magic links and platform administration.",
        "Every error answers an `ErrorResponse`, `{ errors: [{ code, message }], fingerprint, requestId }`: each operation lists the codes it can answer under each status. Every answer has an `X-Request-Id` header: the request's own when it sent a valid one (1–128 characters of `A-Z a-z 0-9 . _ : -`), else a new one.",
        'The Users API contract\'s operations are here as the contract states them; `GET /openapi.json` serves the contract itself, exactly. `GET /health` answers `{ "status": "ok" }` while the server runs.'
      ].join("\n\n"),
      license: { name: "MIT", identifier: "MIT" }
    },
    // Relative: the API is served at the root of whatever address serves this document. (The app's
    // public URL is the front end's, where handed-out links point, not necessarily the API's.)
    servers: [{ url: "/", description: "The server this document is served from" }],
    tags: (Object.keys(tags) as ReadonlyArray<Operation.Tag>)
      .filter((tag) => used.has(tag))
      .map((name) => ({ name, description: tags[name] })),
    paths,
    components: {
      securitySchemes,
      schemas: { ...contractSchemas, ...components.definitions }
    }
  }
}
