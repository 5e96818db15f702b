/** `roster orgs …`: organizations, created by the operator with their built-in roles. */
import type { Command } from "commander"
import * as Effect from "effect/Effect"
import { Actor, Organization, Organizations, type Role } from "@roster/domain"
import * as Input from "../Input.js"
import type { Define, Output } from "../Plan.js"
import * as Render from "../Render.js"
import * as Roles from "./Roles.js"

export const json = (organization: Organization.Organization) => ({
  id: organization.id,
  name: organization.name,
  createdDateTime: organization.createdAt.toISOString()
})

const created = (organization: Organization.Organization, roles: ReadonlyArray<Role.Role>): Output => ({
  json: { ...json(organization), roles: roles.map(Roles.json) },
  text: (render) =>
    [
      `Created organization ${organization.name}.`,
      render.record([
        ["id", organization.id],
        ["name", organization.name],
        ["created", Render.date(organization.createdAt)]
      ]),
      "Roles:",
      Roles.table(render, roles)
    ].join("\n")
})

const listed = (organizations: ReadonlyArray<Organization.Organization>): Output => ({
  json: organizations.map(json),
  text: (render) =>
    organizations.length === 0
      ? "No organizations yet. Create one with: roster orgs create --name <name>"
      : render.table(
          ["id", "name", "created"],
          organizations.map((organization) => [organization.id, organization.name, Render.date(organization.createdAt)])
        )
})

export const register = (program: Command, define: Define) => {
  const orgs = program.command("orgs").description("Create and list organizations")

  define(
    orgs
      .command("create")
      .description("Create an organization with the built-in roles Admin and Member")
      .requiredOption("--name <name>", "the organization's name, unique (case-insensitive)"),
    (line) =>
      Input.decodeValue(Organization.OrganizationName, line.text("name"), "--name").pipe(
        Effect.map((name) =>
          Effect.flatMap(Organizations, (organizations) => organizations.create(Actor.operator, name)).pipe(
            Effect.map(({ organization, roles }) => created(organization, roles))
          )
        )
      )
  )

  define(orgs.command("list").description("List every organization, oldest first"), () =>
    Effect.succeed(
      Effect.flatMap(Organizations, (organizations) => organizations.list(Actor.operator)).pipe(Effect.map(listed))
    )
  )
}
