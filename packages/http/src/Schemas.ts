/**
 * JSON Schemas in the contract's style: the contract's own (OpenAPI 3.0, turned into JSON Schema)
 * and those of the routes Roster adds. The OpenAPI document publishes them; the tests validate
 * responses with them.
 */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

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
 * Schemas of the routes the contract does not have, in the contract's style (exact objects). The
 * OpenAPI document publishes them, and the HTTP suites check every response against them.
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
    number: { type: "integer" }
  }),
  PlatformEventPage: exactObject({
    content: { type: "array", items: platformEvent },
    totalElements: { type: "integer" },
    totalPages: { type: "integer" },
    size: { type: "integer" },
    number: { type: "integer" }
  }),
  Health: exactObject({ status: { const: "ok" } })
}
