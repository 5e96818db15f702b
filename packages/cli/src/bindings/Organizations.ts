/** `roster orgs …` and `roster roles list`: organizations, made by the operator, and their roles. */
import { OrganizationOperations, RoleOperations } from "@roster/domain"
import * as Binding from "../Binding.js"
import * as Flag from "../Flag.js"
import * as Organizations from "../views/Organizations.js"

export const bindings = [
  Binding.make(OrganizationOperations.createOrganization, {
    noun: "orgs",
    verb: "create",
    flags: [
      Flag.text("name", "--name <name>", "the organization's name, unique (case-insensitive)", { required: true })
    ],
    summary: (created) => `Created organization ${created.name}.`,
    view: Organizations.created
  }),
  Binding.make(OrganizationOperations.listOrganizations, { noun: "orgs", verb: "list", view: Organizations.list }),
  Binding.make(RoleOperations.listRoles, {
    noun: "roles",
    verb: "list",
    description: "List the roles of an organization, in creation order",
    view: Organizations.roles
  })
]
