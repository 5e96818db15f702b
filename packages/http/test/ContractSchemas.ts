/**
 * The contract's schemas (OpenAPI 3.0) as JSON Schema for ajv, plus schemas for the routes Roster
 * adds, so that every response body of the suite is checked against a schema.
 *
 * The check is "exact": every declared property is required (nullable ones must be present as
 * `null`) and no undeclared property may appear, so the API serves the contract's shapes exactly.
 */
import { Ajv } from "ajv"
import addFormats from "ajv-formats"
import { Contract, Schemas } from "../src/index.js"

export type SchemaName = keyof typeof Contract.schemas | keyof typeof Schemas.additions

export interface Validator {
  /** Throws, listing every violation, unless `value` matches the named schema. */
  readonly assert: (name: SchemaName, value: unknown) => void
}

export const make = (): Validator => {
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats.default(ajv)
  const contractSchemas = Schemas.toJsonSchema(
    structuredClone(Contract.schemas) as unknown as Schemas.Json,
    true
  ) as any
  // Roster's one addition to the contract's ErrorResponse, which allows more properties: the
  // request's id (its `X-Request-Id`), always there.
  const errorResponse = contractSchemas.ErrorResponse
  errorResponse.properties.requestId = { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" }
  errorResponse.required = [...errorResponse.required, "requestId"]
  // Roster's addition to the member page, which allows more properties too: `next`, the cursor of
  // the page after it (null on the last), always there.
  const userPage = contractSchemas.UserPageResponse
  userPage.properties.next = { type: ["string", "null"], pattern: "^[A-Za-z0-9_-]+$" }
  userPage.required = [...userPage.required, "next"]
  ajv.addSchema({ $id: "roster", components: { schemas: { ...(contractSchemas as object), ...Schemas.additions } } })
  return {
    assert: (name, value) => {
      const validate = ajv.getSchema(`roster#/components/schemas/${name}`)
      if (validate === undefined) throw new Error(`No schema ${name}`)
      if (!validate(value)) {
        throw new Error(
          `Response does not match ${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value, null, 2)}`
        )
      }
    }
  }
}
