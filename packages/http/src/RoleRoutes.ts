/**
 * The organization's roles, so that a client can find the `roleId` to send. A plain JSON array of
 * `{ id, name, permissions, isDefault }`, in creation order. Any token of the organization may read
 * them: they hold no personal data.
 */
import type { Role } from "@roster/domain"
import { Organizations } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Reply from "./Reply.js"
import * as Route from "./Route.js"

export interface RoleResponse {
  readonly id: string
  readonly name: string
  readonly permissions: ReadonlyArray<string>
  readonly isDefault: boolean
}

export const fromRole = (role: Role.Role): RoleResponse => ({
  id: role.id,
  name: role.name,
  permissions: role.permissions,
  isDefault: role.isDefault
})

export const routes: ReadonlyArray<Route.Route> = [
  Route.make({
    method: "GET",
    path: "/organizations/roles",
    summary: "List the organization's roles",
    success: { status: 200, body: "RoleList" },
    permission: null,
    handle: ({ access }) =>
      Effect.flatMap(Organizations, (organizations) => organizations.listRoles(access)).pipe(
        Effect.map((roles) => Reply.json(200, roles.map(fromRole)))
      )
  })
]
