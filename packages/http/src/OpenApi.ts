/**
 * The whole API as an OpenAPI 3.1 document (`GET /openapi/roster.json`), built once from the routes
 * themselves: the contract's operations as the contract states them, and every other route from
 * the schemas its requests are decoded with and its responses are made with. It cannot drift from
 * what the server does, and the suites check every response against the schemas it names.
 * (`GET /openapi.json` keeps serving the Users API contract exactly, for drop-in clients.)
 */
import * as JSONSchema from "effect/JSONSchema"
import * as Schema from "effect/Schema"
import * as Contract from "./Contract.js"
import type * as Route from "./Route.js"
import * as Schemas from "./Schemas.js"

type Json = Schemas.Json
type JsonObject = Record<string, unknown>

const componentPath = "#/components/schemas/"

/** An express path (`/users/:userId`) as OpenAPI writes it (`/users/{userId}`). */
export const pathOf = (expressPath: string): string => expressPath.replace(/:([A-Za-z]+)/g, "{$1}")

const ref = (name: string): Json => ({ $ref: `${componentPath}${name}` })

const errorResponse = {
  description: "An `ErrorResponse`: `{ errors: [{ code, message }], fingerprint }`; the code says what went wrong",
  content: { "application/json": { schema: ref("ErrorResponse") } }
}

const organizationHeader: Json = {
  name: "X-Organization-Id",
  in: "header",
  required: false,
  description: "With a session: the organization to act in (the user's membership there must be ACTIVE)",
  schema: { type: "string", format: "uuid" }
}

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

const whoMayCall = (route: Route.Route): string => {
  switch (route.guard) {
    case "organization":
      return route.permission === null
        ? "Any organization token, or a member's session."
        : `Needs \`${route.permission}\` (an organization token holding it, or a member's session whose role does).`
    case "session":
      return "Any signed-in user's session."
    case "platform":
      return "A platform admin's session."
    case "public":
      return "Anyone."
  }
}

export const make = (routes: ReadonlyArray<Route.Route>): JsonObject => {
  // Schemas the generated ones share (`$ref`s) land in the components, beside the contract's.
  const definitions: Record<string, JSONSchema.JsonSchema7> = {}
  const jsonSchema = (schema: Schema.Schema<any, any>): Json =>
    JSONSchema.fromAST(schema.ast, {
      definitions,
      definitionPath: componentPath,
      target: "openApi3.1"
    }) as unknown as Json

  const contractSchemas = Schemas.toJsonSchema(structuredClone(Contract.schemas) as unknown as Json, false)
  const contractPaths = Schemas.toJsonSchema(structuredClone(Contract.document.paths) as unknown as Json, false) as {
    readonly [path: string]: { readonly [method: string]: JsonObject }
  }

  /**
   * What a client may send: the encoded side, with the checks that apply to it before any
   * transformation (lengths of passwords, enums). Checks on the decoded side (a trimmed string's
   * length, an email's pattern) are left out rather than stated of the raw input, where they would
   * refuse what the server accepts (" ada@example.com " is trimmed, not refused).
   */
  const requestSchema = (schema: Schema.Schema<any, any>): Schema.Schema<any, any> => Schema.encodedBoundSchema(schema)

  const bodyOf = (success: Route.Success): Json | undefined =>
    success.body === undefined
      ? undefined
      : {
          "application/json": {
            schema: typeof success.body === "string" ? ref(success.body) : jsonSchema(success.body)
          }
        }

  const generated = (route: Route.Route): JsonObject => {
    const parameters: Array<Json> = Object.entries(route.params).map(([name, schema]) => ({
      name,
      in: "path",
      required: true,
      schema: jsonSchema(requestSchema(schema))
    }))
    if (route.query !== undefined) {
      const query = jsonSchema(requestSchema(route.query)) as {
        readonly properties?: Record<string, Json>
      }
      // Which parameters may be left out is the sender's side (a default fills them in after decoding).
      const required = new Set(
        (JSONSchema.make(Schema.encodedSchema(route.query)) as { readonly required?: ReadonlyArray<string> })
          .required ?? []
      )
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        const list = route.lists.includes(name)
        parameters.push({
          name,
          in: "query",
          required: required.has(name),
          ...(list ? { description: "Repeat it, or separate values with commas", explode: true } : {}),
          schema
        })
      }
    }
    if (route.guard === "organization") parameters.push(organizationHeader)
    const content = bodyOf(route.success)
    return {
      operationId: `${route.method.toLowerCase()}${pathOf(route.path)
        .replace(/[{}]/g, "")
        .replace(/[/-]([a-z])/g, (_, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      description: whoMayCall(route),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { "application/json": { schema: jsonSchema(requestSchema(route.body)) } }
            }
          }),
      responses: {
        [String(route.success.status)]: {
          description: route.success.description ?? route.summary,
          ...(content === undefined ? {} : { content })
        },
        "4XX": errorResponse
      }
    }
  }

  /**
   * The contract's operation as the contract states it, plus what Roster adds: sessions, and the
   * parameters the route takes beyond the contract's (filters of the user list).
   */
  const fromContract = (route: Route.Route, operation: JsonObject): JsonObject => {
    const stated =
      (operation.parameters as ReadonlyArray<{ readonly name: string; readonly in: string }> | undefined) ?? []
    const extra = (
      (generated(route).parameters as ReadonlyArray<{ readonly name: string; readonly in: string }>) ?? []
    ).filter((parameter) => !stated.some((known) => known.name === parameter.name && known.in === parameter.in))
    return {
      ...operation,
      description: [operation.description, whoMayCall(route)].filter((text) => typeof text === "string").join("\n\n"),
      parameters: [...stated, ...extra]
    }
  }

  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const path = pathOf(route.path)
    const method = route.method.toLowerCase()
    const stated = contractPaths[path]?.[method]
    const operation = stated === undefined ? generated(route) : fromContract(route, stated)
    paths[path] = { ...paths[path], [method]: { ...operation, security: securityOf(route.guard) } }
  }

  const open = (summary: string, content: Json): Record<string, JsonObject> => ({
    get: { summary, security: [], responses: { "200": { description: summary, content } } }
  })
  paths["/health"] = open("Liveness", { "application/json": { schema: ref("Health") } })
  paths["/openapi.json"] = open("The Users API contract (OpenAPI 3.0), exactly", { "application/json": {} })
  paths["/openapi/roster.json"] = open("This document", { "application/json": {} })

  return {
    openapi: "3.1.0",
    info: {
      title: "Roster",
      version: "0.1.0",
      description:
        "Organization user management: members and their lifecycle, API tokens, the audit log, sign-in, sessions, two-factor, magic links and platform administration. The Users API contract's operations are served exactly as the contract states them (`GET /openapi.json`)."
    },
    paths,
    components: {
      securitySchemes: {
        organizationToken: {
          type: "apiKey",
          in: "header",
          name: "Authorization",
          description: "An organization API token (`tot_…`), raw as the contract says, or as `Bearer tot_…`"
        },
        session: {
          type: "http",
          scheme: "bearer",
          description: "A session (`ses_…`) from `POST /auth/login` or `POST /auth/magic-link`"
        }
      },
      schemas: {
        ...(contractSchemas as JsonObject),
        ...(Schemas.additions as unknown as JsonObject),
        ...(definitions as unknown as JsonObject)
      }
    }
  }
}
