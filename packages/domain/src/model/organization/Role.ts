import * as Schema from "effect/Schema"
import { OrganizationId, RoleId } from "../../kernel/Ids.js"
import * as Permission from "../access/Permission.js"

export const Role = Schema.Struct({
  id: RoleId,
  organizationId: OrganizationId,
  name: Schema.String,
  permissions: Schema.Array(Permission.Permission),
  /** The role a new member gets when none is named. */
  isDefault: Schema.Boolean
})
export type Role = typeof Role.Type

/** The roles every organization starts with. */
export const builtIn: ReadonlyArray<{
  readonly name: string
  readonly permissions: ReadonlyArray<Permission.Permission>
  readonly isDefault: boolean
}> = [
  { name: "Admin", permissions: Permission.all, isDefault: false },
  { name: "Member", permissions: ["can_view_users"], isDefault: true }
]
