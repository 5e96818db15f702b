/**
 * What only the operator does (the CLI with direct access to the database): create and list every
 * organization, and make the first platform admin, who can then do the rest through the API.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as IdentityInput from "../api/IdentityInput.js"
import * as IdentityResponse from "../api/IdentityResponse.js"
import * as OrganizationResponse from "../api/OrganizationResponse.js"
import { OrganizationName } from "../model/organization/Organization.js"
import * as Operation from "./Operation.js"
import { Organizations } from "./Organizations.js"
import { Platform } from "./Platform.js"

export const createOrganization = Operation.make({
  id: "create-organization",
  tag: "Platform",
  summary: "Create an organization with the built-in roles Admin and Member",
  description: "Its name is unique, compared case-insensitively.",
  guard: "operator",
  input: Schema.Struct({ name: OrganizationName }),
  success: OrganizationResponse.CreatedOrganizationResponse,
  events: ["organization.created"],
  errors: ["OrganizationNameTaken"],
  run: ({ actor }, { name }) =>
    Effect.flatMap(Organizations, (organizations) => organizations.create(actor, name)).pipe(
      Effect.map(OrganizationResponse.fromCreatedOrganization)
    )
})

export const listOrganizations = Operation.make({
  id: "list-organizations",
  tag: "Platform",
  summary: "List every organization, oldest first",
  guard: "operator",
  input: Schema.Struct({}),
  success: OrganizationResponse.OrganizationListResponse,
  errors: [],
  run: ({ actor }) =>
    Effect.flatMap(Organizations, (organizations) => organizations.list(actor)).pipe(
      Effect.map((found) => found.map(OrganizationResponse.fromOrganization))
    )
})

export const bootstrapPlatformAdmin = Operation.make({
  id: "bootstrap-platform-admin",
  tag: "Platform",
  summary: "Make an email a platform admin who signs in with this password (creating the identity if needed)",
  description: "Running it again repairs the same account: the password set, the identity reactivated and promoted.",
  guard: "operator",
  input: IdentityInput.BootstrapAdmin,
  success: IdentityResponse.AccountResponse,
  events: ["identity.created", "identity.password_set", "identity.reactivated", "platform_admin.promoted"],
  errors: ["EmailTaken", "UserNotFound"],
  run: ({ actor }, input) =>
    Effect.flatMap(Platform, (platform) => platform.bootstrapAdmin(actor, input)).pipe(
      // Only a session can be asked to change its password first: for the operator it is a bug.
      Effect.catchTag("PasswordChangeRequired", (error) => Effect.die(error)),
      Effect.map(IdentityResponse.fromAccount)
    )
})

export const all = [createOrganization, listOrganizations, bootstrapPlatformAdmin] as const
