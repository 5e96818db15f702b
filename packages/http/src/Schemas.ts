/**
 * JSON Schemas for the OpenAPI document: derived from the Effect schemas that decode requests and
 * type responses (`fromSchema`), and the contract's own (OpenAPI 3.0, turned into JSON Schema by
 * `toJsonSchema`).
 */
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"

export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

export type JsonObject = { readonly [key: string]: Json }

/** OpenAPI 3.0's `nullable: true` in JSON Schema terms, and optionally every object made exact. */
export const toJsonSchema = (node: Json, exact: boolean): Json => {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, exact))
  if (node === null || typeof node !== "object") return node
  const { nullable, ...rest } = node as { readonly [key: string]: Json }
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(rest)) {
    // `properties` maps names to schemas: convert each schema, not the map itself.
    out[key] =
      key === "properties" && value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema, exact)]))
        : toJsonSchema(value, exact)
  }
  if (exact && out.properties !== undefined && out.properties !== null && typeof out.properties === "object") {
    out.additionalProperties = false
    out.required = Object.keys(out.properties)
  }
  if (nullable !== true) return out
  if (typeof out.$ref === "string") return { anyOf: [out, { type: "null" }] }
  const typed = typeof out.type === "string" ? { ...out, type: [out.type, "null"] } : out
  return Array.isArray(typed.enum) ? { ...typed, enum: [...typed.enum, null] } : typed
}

/**
 * Which side of a schema a document describes:
 * - `response`: what the server sends, every check included;
 * - `request`: what a client may send in a JSON body — the encoded side, with the checks that apply
 *   to it before any transformation. Checks on the decoded side (a trimmed name's length, an email's
 *   pattern) are left out rather than stated of the raw input, where they would refuse what the
 *   server accepts (" ada@example.com " is trimmed, not refused). A decoded side's `format` is kept:
 *   it says what the text is (a UUID, in any case);
 * - `parameter`: the same for a path or query parameter, except that a value the server takes as
 *   itself or as its text (`size=20`, `platformAdmin=true`) is described as the value it stands for.
 */
export type Side = "request" | "response" | "parameter"

/**
 * Object schemas that have a name in the document's components: a `$ref` stands for them in
 * responses. `definitions` collects the ones used; `define` says what a name's definition is.
 */
export interface Components {
  readonly names: ReadonlyMap<SchemaAST.AST, string>
  readonly definitions: Record<string, Json>
  readonly define: (name: string, generated: JsonObject) => Json
}

export const componentPath = "#/components/schemas/"

/**
 * Effect's own descriptions of its schemas ("a string that will be trimmed", "an integer") speak of
 * the schema library, not of the API: they all read "a …" / "an …"; Roster's are sentences.
 */
const isLibraryText = (text: string): boolean => /^an? /.test(text)

const descriptionOf = (annotated: SchemaAST.Annotated): string | undefined => {
  const found = Option.getOrUndefined(SchemaAST.getDescriptionAnnotation(annotated))
  return found === undefined || isLibraryText(found) ? undefined : found
}

const withoutKeys = (object: JsonObject, keys: ReadonlyArray<string>): JsonObject =>
  Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)))

/** What a schema says of itself for JSON Schema readers (`{ minLength: 8 }`, `{ type: "integer" }`). */
const jsonAnnotationOf = (ast: SchemaAST.AST): JsonObject => {
  const found = Option.getOrUndefined(SchemaAST.getJSONSchemaAnnotation(ast)) as JsonObject | undefined
  if (found === undefined) return {}
  // A format says what the text is; a pattern beside it (effect's UUID has one) only repeats it.
  const { title: _title, description, ...own } = found
  const rest = own.format === undefined ? own : withoutKeys(own, ["pattern"])
  return typeof description === "string" && !isLibraryText(description) ? { ...rest, description } : rest
}

/** Whether a refinement refines a transformation's output: its checks are on the decoded side. */
const refinesDecoded = (ast: SchemaAST.AST): boolean => {
  switch (ast._tag) {
    case "Refinement":
      return refinesDecoded(ast.from)
    case "Transformation":
      return true
    case "Suspend":
      return refinesDecoded(ast.f())
    default:
      return false
  }
}

const isText = (ast: SchemaAST.AST): boolean =>
  ast._tag === "StringKeyword" || (ast._tag === "Literal" && typeof ast.literal === "string")

const membersOf = (ast: SchemaAST.AST): ReadonlyArray<SchemaAST.AST> =>
  SchemaAST.isUnion(ast) ? ast.types.flatMap(membersOf) : [ast]

/** A value taken as itself or as its text (`20` or `"20"`, `true` or `"true"`). */
const isValueOrText = (ast: SchemaAST.AST): boolean => {
  const members = membersOf(SchemaAST.encodedAST(ast)).filter((member) => member._tag !== "UndefinedKeyword")
  return members.some(isText) && members.some((member) => !isText(member))
}

/** The `format` a schema's decoded side declares (`uuid`), through its refinements and transformations. */
const formatOf = (ast: SchemaAST.AST): string | undefined => {
  switch (ast._tag) {
    case "Refinement": {
      const { format } = jsonAnnotationOf(ast)
      return typeof format === "string" ? format : formatOf(ast.from)
    }
    case "Transformation":
      return formatOf(ast.to)
    case "Suspend":
      return formatOf(ast.f())
    default:
      return undefined
  }
}

/** A literal's JSON type; `null` for the `null` literal. */
const literalType = (literal: SchemaAST.LiteralValue): string | null => {
  if (literal === null) return null
  switch (typeof literal) {
    case "string":
      return "string"
    case "number":
      return "number"
    case "boolean":
      return "boolean"
    default:
      throw new Error(`A ${typeof literal} literal has no JSON form`)
  }
}

/** `X | null`: `type: [x, "null"]` where X has a plain type, else `anyOf`. */
const nullable = (schema: JsonObject): JsonObject => {
  const { type } = schema
  if (typeof type === "string" && schema.anyOf === undefined && schema.$ref === undefined) {
    return {
      ...schema,
      type: [type, "null"],
      ...(Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {})
    }
  }
  return { anyOf: [schema, { type: "null" }] }
}

const isPlainEnum = (schema: JsonObject): boolean =>
  typeof schema.type === "string" &&
  Array.isArray(schema.enum) &&
  Object.keys(schema).every((key) => key === "type" || key === "enum")

/**
 * The JSON Schema of an Effect schema, as the document states it (see `Side`). Titles and the
 * schema library's descriptions are left out; a nullable field is nullable; an object lists its
 * required properties and, in responses, admits no others.
 */
export const fromSchema = (schema: Schema.Schema<any, any>, side: Side, components?: Components): JsonObject =>
  fromAST(schema.ast, side, components)

export const fromAST = (root: SchemaAST.AST, side: Side, components?: Components): JsonObject => {
  const go = (ast: SchemaAST.AST, path: ReadonlyArray<string>): JsonObject => {
    const name = side === "response" ? components?.names.get(ast) : undefined
    if (name !== undefined && components !== undefined) {
      if (!Object.hasOwn(components.definitions, name)) {
        // Claimed before it is built, so that a schema that refers to itself ends.
        components.definitions[name] = {}
        components.definitions[name] = components.define(name, shape(ast, path))
      }
      return { $ref: `${componentPath}${name}` }
    }
    if (side === "parameter" && isValueOrText(ast)) {
      // Described as the value it is, with what the field says of itself (an optional one: its member's words).
      const value = fromAST(SchemaAST.typeAST(ast), "response")
      const description = membersOf(ast)
        .map(descriptionOf)
        .find((found) => found !== undefined)
      return description === undefined ? value : { ...value, description }
    }
    return shape(ast, path)
  }

  const annotated = (ast: SchemaAST.AST, schema: JsonObject): JsonObject => {
    const description = descriptionOf(ast)
    return description === undefined ? schema : { ...schema, description }
  }

  const shape = (ast: SchemaAST.AST, path: ReadonlyArray<string>): JsonObject => {
    const where = path.length === 0 ? "the schema" : path.join(".")
    switch (ast._tag) {
      case "Refinement": {
        const from = go(ast.from, path)
        const own = jsonAnnotationOf(ast)
        if (side !== "response" && refinesDecoded(ast.from)) {
          // Only what holds of the raw input too: what the text is, and what it is for.
          const { format, description } = own
          return annotated(ast, {
            ...from,
            ...(format === undefined ? {} : { format }),
            ...(description === undefined ? {} : { description })
          })
        }
        return annotated(ast, { ...from, ...own })
      }
      case "Transformation": {
        if (side === "response") return annotated(ast, go(SchemaAST.encodedAST(ast), path))
        const from = go(ast.from, path)
        const format = formatOf(ast.to)
        return annotated(ast, from.type === "string" && format !== undefined ? { ...from, format } : from)
      }
      case "TypeLiteral": {
        const properties: Record<string, Json> = {}
        const required: Array<string> = []
        for (const signature of ast.propertySignatures) {
          if (typeof signature.name !== "string") throw new Error(`${where}: a symbol key has no JSON form`)
          const description = descriptionOf(signature)
          const property = go(signature.type, [...path, signature.name])
          properties[signature.name] = description === undefined ? property : { ...property, description }
          if (!signature.isOptional) required.push(signature.name)
        }
        const index = ast.indexSignatures[0]
        return annotated(ast, {
          type: "object",
          ...(ast.propertySignatures.length === 0 ? {} : { properties }),
          ...(required.length === 0 ? {} : { required }),
          // A record (`{ [key: string]: X }`) takes any key; a struct, in responses, only its own.
          ...(index !== undefined
            ? { additionalProperties: go(index.type, [...path, "*"]) }
            : side === "response" || side === "request"
              ? { additionalProperties: false }
              : {})
        })
      }
      case "TupleType": {
        const rest = ast.rest[0]
        if (rest === undefined || ast.rest.length > 1 || ast.elements.some((element) => element.type !== rest.type)) {
          throw new Error(`${where}: only arrays (of one kind of item, the first few required) are described`)
        }
        const minItems = ast.elements.filter((element) => !element.isOptional).length
        return annotated(ast, {
          type: "array",
          items: go(rest.type, [...path, "[]"]),
          ...(minItems === 0 ? {} : { minItems })
        })
      }
      case "Union": {
        // `undefined` is how an optional field is absent: not a JSON value.
        const members = ast.types.filter((member) => member._tag !== "UndefinedKeyword")
        const isNull = (member: SchemaAST.AST) => member._tag === "Literal" && member.literal === null
        const others = members.filter((member) => !isNull(member))
        const merged: Array<JsonObject> = []
        for (const member of others.map((member) => go(member, path))) {
          const last = merged.at(-1)
          if (last !== undefined && isPlainEnum(last) && isPlainEnum(member) && last.type === member.type) {
            merged[merged.length - 1] = {
              type: last.type,
              enum: [...(last.enum as ReadonlyArray<Json>), ...(member.enum as ReadonlyArray<Json>)]
            }
          } else merged.push(member)
        }
        const one: JsonObject = merged.length === 1 ? merged[0]! : { anyOf: merged }
        return annotated(ast, others.length < members.length ? nullable(one) : one)
      }
      case "Literal": {
        const type = literalType(ast.literal)
        return annotated(ast, type === null ? { type: "null" } : { type, enum: [ast.literal as Json] })
      }
      case "Enums": {
        const values = ast.enums.map(([, value]) => value)
        const types = new Set(values.map((value) => typeof value))
        return annotated(ast, { ...(types.size === 1 ? { type: [...types][0]! } : {}), enum: values })
      }
      case "TemplateLiteral":
        return annotated(ast, { type: "string", pattern: SchemaAST.getTemplateLiteralRegExp(ast).source })
      case "StringKeyword":
        return annotated(ast, { type: "string", ...jsonAnnotationOf(ast) })
      case "NumberKeyword":
        return annotated(ast, { type: "number", ...jsonAnnotationOf(ast) })
      case "BooleanKeyword":
        return annotated(ast, { type: "boolean" })
      case "UnknownKeyword":
      case "AnyKeyword":
        return annotated(ast, {})
      case "ObjectKeyword":
        return annotated(ast, { type: "object" })
      case "Suspend":
        return go(ast.f(), path)
      case "Declaration": {
        const own = jsonAnnotationOf(ast)
        if (Object.keys(own).length > 0) return annotated(ast, own)
        throw new Error(`${where}: ${String(ast)} has no JSON form`)
      }
      default:
        throw new Error(`${where}: ${ast._tag} has no JSON form`)
    }
  }

  return go(root, [])
}

/** The names of a struct's required properties, as `fromSchema` lists them. */
export const requiredOf = (schema: JsonObject): ReadonlyArray<string> =>
  Array.isArray(schema.required) ? (schema.required as ReadonlyArray<string>) : []

const uuid = { type: "string", format: "uuid" } as const
const nullableUuid = { type: ["string", "null"], format: "uuid" } as const
const dateTime = { type: "string", format: "date-time" } as const
const nullableDateTime = { type: ["string", "null"], format: "date-time" } as const

const exactObject = (properties: Record<string, unknown>) => ({
  type: "object",
  properties,
  required: Object.keys(properties),
  additionalProperties: false
})

const role = exactObject({
  id: uuid,
  name: { type: "string" },
  permissions: { type: "array", items: { type: "string" } },
  isDefault: { type: "boolean" }
})

const tokenProperties = {
  id: uuid,
  name: { type: "string" },
  permissions: { type: "array", items: { type: "string" } },
  createdAt: dateTime,
  expiresAt: nullableDateTime,
  revokedAt: nullableDateTime,
  lastUsedAt: nullableDateTime,
  createdByUserId: {
    ...nullableUuid,
    description:
      "The member whose session minted it: it acts for them, within their role, while their membership is ACTIVE. Null: the organization's own."
  }
}

const snapshot = { type: ["object", "null"] }

const event = exactObject({
  id: uuid,
  type: { type: "string" },
  userId: { type: ["string", "null"], format: "uuid" },
  actor: exactObject({ type: { type: "string" }, id: { type: ["string", "null"] } }),
  before: snapshot,
  after: snapshot,
  reason: { type: ["string", "null"] },
  at: dateTime
})

const platformEvent = exactObject({
  ...event.properties,
  organizationId: { type: ["string", "null"], format: "uuid" }
})

/**
 * Hand-written schemas of the routes whose operations are not bound yet, in the contract's style
 * (exact objects), for the HTTP suites (`test/ContractSchemas.ts`). The OpenAPI document no longer
 * uses them: it derives every schema from the operations. They go once those routes are bindings
 * and the suites check responses against the document.
 */
export const additions = {
  RoleList: { type: "array", items: role },
  Token: exactObject(tokenProperties),
  TokenList: { type: "array", items: exactObject(tokenProperties) },
  CreatedToken: exactObject({ ...tokenProperties, token: { type: "string", pattern: "^tot_[0-9A-Za-z]{52}$" } }),
  EventPage: exactObject({
    content: { type: "array", items: event },
    totalElements: { type: "integer" },
    totalPages: { type: "integer" },
    size: { type: "integer" },
    number: { type: "integer" },
    next: { type: ["string", "null"] }
  }),
  PlatformEventPage: exactObject({
    content: { type: "array", items: platformEvent },
    totalElements: { type: "integer" },
    totalPages: { type: "integer" },
    size: { type: "integer" },
    number: { type: "integer" },
    next: { type: ["string", "null"] }
  }),
  Health: exactObject({ status: { const: "ok" } })
}
