import * as Schema from "effect/Schema"
import { Permission } from "../model/access/Permission.js"
import { TokenName } from "../model/access/OrganizationToken.js"

export const CreateToken = Schema.Struct({
  name: TokenName,
  permissions: Schema.Array(Permission).pipe(
    Schema.minItems(1, { message: () => "must list at least one permission" })
  ),
  /** Never expires when absent. */
  expiresAt: Schema.optional(Schema.DateFromSelf)
})
export type CreateToken = typeof CreateToken.Type
