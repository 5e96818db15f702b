import * as Schema from "effect/Schema"
import { OrganizationId } from "../../kernel/Ids.js"
import * as Text from "../../kernel/Text.js"

export const OrganizationName = Text.TrimmedNfc.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Text.maxCharacters(100)
)

export const Organization = Schema.Struct({
  id: OrganizationId,
  /** Unique, compared case-insensitively. */
  name: Schema.String,
  createdAt: Schema.DateFromSelf
})
export type Organization = typeof Organization.Type
