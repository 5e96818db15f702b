/** `roster roles list`: the roles of an organization, to pass to `--role`. */
import type { Command } from "commander"
import * as Effect from "effect/Effect"
import { Organizations, type Role } from "@roster/domain"
import * as Input from "../Input.js"
import * as Operator from "../Operator.js"
import type { Define } from "../Plan.js"
import * as Render from "../Render.js"

export const json = (role: Role.Role) => ({
  id: role.id,
  name: role.name,
  permissions: role.permissions,
  isDefault: role.isDefault
})

export const table = (render: Render.Renderer, roles: ReadonlyArray<Role.Role>) =>
  render.table(
    ["id", "name", "permissions", "default"],
    roles.map((role) => [role.id, role.name, Render.lines(role.permissions), role.isDefault ? "yes" : "no"])
  )

export const register = (program: Command, define: Define) => {
  const roles = program.command("roles").description("List an organization's roles")

  define(
    roles
      .command("list")
      .description("List the roles of an organization, in creation order")
      .requiredOption("--org <org>", "organization id or name"),
    (line) =>
      Input.reference("--org", line.text("org")!).pipe(
        Effect.map((org) =>
          Effect.gen(function* () {
            const { access } = yield* Operator.inOrganization(org)
            const found = yield* Effect.flatMap(Organizations, (organizations) => organizations.listRoles(access))
            return { json: found.map(json), text: (render: Render.Renderer) => table(render, found) }
          })
        )
      )
  )
}
