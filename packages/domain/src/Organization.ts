import * as Schema from "effect/Schema"
import { OrganizationId } from "./Ids.js"

export const OrganizationName = Schema.Trim.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Schema.maxLength(100, { message: () => "must be at most 100 characters" })
)

export const Organization = Schema.Struct({
  id: OrganizationId,
  /** Unique, compared case-insensitively. */
  name: Schema.String,
  createdAt: Schema.DateFromSelf
})
export type Organization = typeof Organization.Type
