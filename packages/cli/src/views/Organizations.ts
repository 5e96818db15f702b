/** Organizations and their roles, as people read them. */
import type { OrganizationResponse } from "@roster/domain"
import * as Render from "../Render.js"
import type { View } from "../View.js"

const rolesTable = (render: Render.Renderer, roles: OrganizationResponse.RoleListResponse) =>
  render.table(
    ["id", "name", "permissions", "default"],
    roles.map((role) => [role.id, role.name, Render.lines(role.permissions), role.isDefault ? "yes" : "no"])
  )

export const roles: View<OrganizationResponse.RoleListResponse> = { text: rolesTable }

export const created: View<OrganizationResponse.CreatedOrganizationResponse> = {
  text: (render, organization) =>
    [
      render.record([
        ["id", organization.id],
        ["name", organization.name],
        ["created", organization.createdDateTime]
      ]),
      "Roles:",
      rolesTable(render, organization.roles)
    ].join("\n")
}

export const list: View<OrganizationResponse.OrganizationListResponse> = {
  text: (render, organizations) =>
    organizations.length === 0
      ? "No organizations yet. Create one with: roster orgs create --name <name>"
      : render.table(
          ["id", "name", "created"],
          organizations.map((organization) => [organization.id, organization.name, organization.createdDateTime])
        )
}
