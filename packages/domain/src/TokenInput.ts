import * as Schema from "effect/Schema"
import { Permission } from "./Permission.js"
import { TokenName } from "./OrganizationToken.js"

export const CreateToken = Schema.Struct({
  name: TokenName,
  permissions: Schema.NonEmptyArray(Permission),
  /** Never expires when absent. */
  expiresAt: Schema.optional(Schema.DateFromSelf)
})
export type CreateToken = typeof CreateToken.Type
