/**
 * A compatible surface's OpenAPI 3.1 document, derived from its routes as Roster's own document is
 * from its bindings (`OpenApi.ts`, with the same JSON Schemas, `Schemas.ts`): each route's path,
 * method, id and summary; its query, path and body from the schemas that decode them; its success
 * from the schema it declares; who may call it; and every status it can fail with — what
 * `SurfaceRoute` checks and what the operations it calls declare, given the status the surface
 * gives each, every one answering the surface's error body. Written by hand nowhere, so it cannot
 * drift from what the routes do.
 */
import { STATUS_CODES } from "node:http"
import type { Surface } from "@roster/api"
import { Catalog, Operation } from "@roster/domain"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as ErrorResponse from "./ErrorResponse.js"
import { defaultOf } from "./OpenApi.js"
import * as Schemas from "./Schemas.js"

type JsonObject = Schemas.JsonObject

export interface Options {
  readonly version: string
  /** What the document says of the surface as a whole: what it is, and what it decides. */
  readonly description: string
  /** The body of every failure, as the surface's `error` writes it. */
  readonly errorSchema: Schema.Schema.AnyNoContext
}

type Tag = ErrorResponse.KnownError["_tag"]

/**
 * What `SurfaceRoute` itself may refuse, whatever the route calls: no or a bad secret (401);
 * another organization, a permission the caller lacks or a session that must change its password
 * first (403); a missing organization or a request its schemas refuse (400); a body over the limit.
 */
const routeErrors = (route: Surface.Route): ReadonlyArray<Tag> => [
  "Unauthorized",
  "Forbidden",
  "PasswordChangeRequired",
  "ValidationFailed",
  ...(route.body === undefined ? [] : (["PayloadTooLarge"] as const))
]

/** The declared operations a route calls; an id no operation has is a mistake in the route. */
export const operationsOf = (route: Surface.Route): ReadonlyArray<Operation.Any> =>
  route.operations.map((id) => {
    const operation = Catalog.byId.get(id)
    if (operation === undefined) throw new Error(`${route.method} ${route.path} calls ${id}, which is no operation`)
    return operation
  })

/** The codes a route can fail with, by the status the surface answers each with, 500 included. */
export const errorsOf = (
  surface: Surface.Surface,
  route: Surface.Route
): ReadonlyMap<number, ReadonlyArray<string>> => {
  const tags: Array<Tag> = [...routeErrors(route)]
  for (const operation of operationsOf(route)) {
    tags.push(...(Operation.impliedErrors[operation.guard] as ReadonlyArray<Tag>), ...operation.errors)
  }
  const failures = [
    ...tags.map((tag) => ({ status: ErrorResponse.statuses[tag], code: ErrorResponse.codes[tag] })),
    { status: 500, code: ErrorResponse.internalCode }
  ]
  const byStatus = new Map<number, Array<string>>()
  for (const { status, code } of failures) {
    const answered = surface.status({ status, code, message: "", errors: [], fingerprint: "" })
    const codes = byStatus.get(answered) ?? []
    if (!codes.includes(code)) codes.push(code)
    byStatus.set(answered, codes)
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b))
}

/** The schemas a schema is made of, one level down. */
const partsOf = (ast: SchemaAST.AST): ReadonlyArray<SchemaAST.AST> => {
  switch (ast._tag) {
    case "TypeLiteral":
      return [
        ...ast.propertySignatures.map((signature) => signature.type),
        ...ast.indexSignatures.map((index) => index.type)
      ]
    case "Refinement":
      return [ast.from]
    case "Transformation":
      return [ast.from, ast.to]
    case "Union":
      return ast.types
    case "TupleType":
      return [...ast.elements.map((element) => element.type), ...ast.rest.map((rest) => rest.type)]
    case "Suspend":
      return [ast.f()]
    default:
      return []
  }
}

/** Object schemas with an `identifier` annotation, anywhere in `roots`: named in the components. */
const identified = (roots: ReadonlyArray<SchemaAST.AST>): ReadonlyMap<SchemaAST.AST, string> => {
  const names = new Map<SchemaAST.AST, string>()
  const taken = new Map<string, SchemaAST.AST>()
  const seen = new Set<SchemaAST.AST>()
  const pending = [...roots]
  while (pending.length > 0) {
    const ast = pending.pop()!
    if (seen.has(ast)) continue
    seen.add(ast)
    const name = ast._tag === "TypeLiteral" ? Option.getOrUndefined(SchemaAST.getIdentifierAnnotation(ast)) : undefined
    if (name !== undefined) {
      const other = taken.get(name)
      if (other !== undefined && other !== ast) throw new Error(`Two schemas are named ${name}`)
      taken.set(name, ast)
      names.set(ast, name)
    }
    pending.push(...partsOf(ast))
  }
  return names
}

const code = (text: string): string => `\`${text}\``

type Parameter = JsonObject & { readonly name: string; readonly in: string }

/** A schema's own description, said once: on the parameter that holds it. */
const parameter = (name: string, where: string, required: boolean, schema: JsonObject): Parameter => {
  const { description, ...rest } = schema
  return { name, in: where, required, ...(typeof description === "string" ? { description } : {}), schema: rest }
}

const whereNamed = { path: "path", query: "query string", body: "body" } as const

export const make = (surface: Surface.Surface, options: Options): JsonObject => {
  const errorAst = options.errorSchema.ast
  const components: Schemas.Components = {
    names: identified([
      errorAst,
      ...surface.routes.flatMap((route) => (route.success.schema === undefined ? [] : [route.success.schema.ast]))
    ]),
    definitions: {},
    define: (_name, generated) => generated
  }
  const errorBody = Schemas.fromSchema(options.errorSchema, "response", components)
  const media = (schema: JsonObject): JsonObject => ({ [surface.contentType]: { schema } })

  const parametersOf = (route: Surface.Route): ReadonlyArray<Parameter> => {
    const parameters: Array<Parameter> = [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) =>
      route.organization.from === "path" && route.organization.name === name
        ? parameter(name!, "path", true, {
            type: "string",
            format: "uuid",
            description: "The organization to act in, by its id"
          })
        : parameter(name!, "path", true, { type: "string" })
    )
    if (route.query !== undefined) {
      const query = Schemas.fromSchema(route.query, "parameter")
      const required = Schemas.requiredOf(query)
      for (const [name, schema] of Object.entries((query.properties as JsonObject | undefined) ?? {})) {
        const fallback = defaultOf(route.query, name)
        parameters.push(
          parameter(
            name,
            "query",
            required.includes(name),
            fallback === undefined ? (schema as JsonObject) : { ...(schema as JsonObject), default: fallback }
          )
        )
      }
    }
    return parameters
  }

  const descriptionOf = (route: Surface.Route, operations: ReadonlyArray<Operation.Any>): string => {
    const events = [...new Set(operations.flatMap((operation) => operation.events))]
    return [
      `Needs ${code(route.permission)} in the organization named by ${code(route.organization.name)} in the ${whereNamed[route.organization.from]}: an organization token holding it, or the session of a member whose role does.`,
      `Served by Roster's operations ${operations.map((operation) => code(operation.id)).join(", ")}.`,
      route.readOnly
        ? undefined
        : events.length === 0
          ? undefined
          : `Records what they record, as Roster's own API does: ${events.map(code).join(", ")}.`
    ]
      .filter((text) => text !== undefined)
      .join("\n\n")
  }

  const responsesOf = (route: Surface.Route): Record<string, JsonObject> => {
    const { success } = route
    const responses: Record<string, JsonObject> = {
      [String(success.status)]: {
        description: success.description,
        ...(success.schema === undefined
          ? {}
          : { content: media(Schemas.fromSchema(success.schema, "response", components)) })
      }
    }
    for (const [status, codes] of errorsOf(surface, route)) {
      responses[String(status)] = {
        description: `${STATUS_CODES[status] ?? "Error"}: ${codes.map(code).join(", ")}${status === 500 ? " (report it with its fingerprint)" : ""}`,
        content: media(errorBody)
      }
    }
    return responses
  }

  const paths: Record<string, Record<string, JsonObject>> = {}
  for (const route of surface.routes) {
    const operations = operationsOf(route)
    const parameters = parametersOf(route)
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        tags: [surface.id],
        summary: route.summary,
        description: descriptionOf(route, operations),
        operationId: route.id,
        ...(parameters.length === 0 ? {} : { parameters }),
        ...(route.body === undefined
          ? {}
          : { requestBody: { required: true, content: media(Schemas.fromSchema(route.body, "request")) } }),
        responses: responsesOf(route),
        security: [{ bearer: [] }],
        "x-roster-operations": operations.map((operation) => operation.id)
      }
    }
  }

  return {
    openapi: "3.1.0",
    info: {
      title: surface.title,
      version: options.version,
      description: options.description,
      license: { name: "MIT", identifier: "MIT" }
    },
    servers: [{ url: "/", description: "The server this document is served from" }],
    tags: [{ name: surface.id, description: surface.title }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description:
            "An organization API token (`tot_…`), acting in its own organization with its own permissions; or a session (`ses_…`, from Roster's `POST /auth/login`), acting with the user's role in the organization the request names, where their membership must be ACTIVE."
        }
      },
      schemas: components.definitions
    }
  }
}
