/**
 * An operation bound to HTTP: its method, its path and the status of a success. Everything else —
 * which input fields travel in the path, the query or the body, which query parameters repeat, who
 * may call, what comes back — follows from the operation's declaration. The server mounts these;
 * the typed client calls them; OpenAPI describes them.
 */
import type { Operation } from "@roster/domain"
import type * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"

export type Method = "GET" | "POST" | "PUT" | "DELETE"

export interface Binding<O extends Operation.Any = Operation.Any> {
  readonly operation: O
  readonly method: Method
  /** As OpenAPI writes it: `/organizations/users/{userId}`. */
  readonly path: string
  /** The status of a success: 200, 201, 202 or 204. */
  readonly status: number
  /** Input fields named in the path. */
  readonly pathFields: ReadonlyArray<string>
  /** Where the other input fields travel: the query string (GET, DELETE) or a JSON body (POST, PUT). */
  readonly rest: "query" | "body"
  /** The other input fields, by name. */
  readonly restFields: ReadonlyArray<string>
  /** Query parameters that take several values: repeated, or separated by commas. */
  readonly lists: ReadonlyArray<string>
  /**
   * A GET whose operation changes something (it hands out a one-time link, say) is not safe: `HEAD`
   * must not run it unseen.
   */
  readonly safe: boolean
  /** The `Location` of what a `201` created. */
  readonly location?: (body: Operation.OutputOf<O>) => string
}

const pathNames = (path: string): ReadonlyArray<string> => Array.from(path.matchAll(/\{([A-Za-z]+)\}/g), (m) => m[1]!)

/** Whether a field's encoded side holds an array (`status=ACTIVE,INACTIVE`). */
const isList = (ast: SchemaAST.AST): boolean => {
  switch (ast._tag) {
    case "TupleType":
      return true
    case "Union":
      return ast.types.some(isList)
    default:
      return false
  }
}

export const make = <O extends Operation.Any>(
  operation: O,
  binding: {
    readonly method: Method
    readonly path: string
    readonly status?: number
    readonly location?: (body: Operation.OutputOf<O>) => string
  }
): Binding<O> => {
  const fields = Object.keys(operation.input.fields)
  const pathFields = pathNames(binding.path)
  const unknown = pathFields.filter((name) => !fields.includes(name))
  if (unknown.length > 0) {
    throw new Error(`${operation.id}: the path ${binding.path} names ${unknown.join(", ")}, not in its input`)
  }
  const rest = binding.method === "GET" || binding.method === "DELETE" ? "query" : "body"
  const restFields = fields.filter((name) => !pathFields.includes(name))
  const encoded = SchemaAST.encodedAST(operation.input.ast) as SchemaAST.TypeLiteral
  const lists =
    rest === "query"
      ? encoded.propertySignatures
          .filter((signature) => restFields.includes(String(signature.name)) && isList(signature.type))
          .map((signature) => String(signature.name))
      : []
  return {
    operation,
    method: binding.method,
    path: binding.path,
    status: binding.status ?? (operation.success === undefined ? 204 : 200),
    pathFields,
    rest,
    restFields,
    lists,
    safe: binding.method !== "GET" || operation.readOnly,
    ...(binding.location === undefined ? {} : { location: binding.location })
  }
}

/** The schema of the fields that travel in the query or the body: the input without the path's. */
export const restSchema = (binding: Binding): Schema.Struct<{}> =>
  binding.operation.input.omit(...binding.pathFields) as unknown as Schema.Struct<{}>

/** The schema of one path field. */
export const pathFieldSchema = (binding: Binding, name: string): Schema.Schema<any, string> =>
  binding.operation.input.fields[name] as Schema.Schema<any, string>

/** `/organizations/users/{userId}` as express writes it: `/organizations/users/:userId`. */
export const expressPath = (path: string): string => path.replace(/\{([A-Za-z]+)\}/g, ":$1")
