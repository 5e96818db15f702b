/** An organization's roles, so that a client can find the `roleId` to send. */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as OrganizationResponse from "../api/OrganizationResponse.js"
import * as Operation from "./Operation.js"
import { Organizations } from "./Organizations.js"

export const listRoles = Operation.make({
  id: "list-roles",
  tag: "Roles",
  summary: "List the organization's roles",
  description: "In creation order. Any caller of the organization may read them: they hold no personal data.",
  guard: "organization",
  permission: null,
  input: Schema.Struct({}),
  success: OrganizationResponse.RoleListResponse,
  errors: [],
  run: ({ access }) =>
    Effect.flatMap(Organizations, (organizations) => organizations.listRoles(access)).pipe(
      Effect.map((roles) => roles.map(OrganizationResponse.fromRole))
    )
})

export const all = [listRoles] as const
