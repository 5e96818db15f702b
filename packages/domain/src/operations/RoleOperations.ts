/**
 * The organization a caller acts in, and its roles, so that a client can find the `roleId` to send
 * (and a token's holder which organization it acts in).
 */
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

export const viewOrganization = Operation.make({
  id: "view-organization",
  tag: "Roles",
  summary: "The organization the caller acts in",
  description:
    "Its id, name and creation time: the organization of the token, or the one a session names in X-Organization-Id. Any caller of the organization may read it.",
  guard: "organization",
  permission: null,
  input: Schema.Struct({}),
  success: OrganizationResponse.OrganizationResponse,
  errors: [],
  run: ({ access }) =>
    Effect.flatMap(Organizations, (organizations) => organizations.current(access)).pipe(
      Effect.map(OrganizationResponse.fromOrganization)
    )
})

export const all = [viewOrganization, listRoles] as const
