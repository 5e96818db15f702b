/**
 * Organizations and their roles as the HTTP API and the CLI's `--json` output show them, so that
 * scripts see one shape whichever they use.
 */
import * as Schema from "effect/Schema"
import { IsoDateTime } from "../kernel/Time.js"
import { Permission } from "../model/access/Permission.js"
import type { Organization } from "../model/organization/Organization.js"
import type { Role } from "../model/organization/Role.js"

const DateTime = IsoDateTime

/** A role, to find the `roleId` to send (`GET /organizations/roles`, `roster roles list`). */
export const RoleResponse = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  permissions: Schema.Array(Permission),
  /** The role a new member gets when none is named. */
  isDefault: Schema.Boolean
})
export type RoleResponse = typeof RoleResponse.Type

/** The organization's roles, in creation order. */
export const RoleListResponse = Schema.Array(RoleResponse)
export type RoleListResponse = typeof RoleListResponse.Type

export const fromRole = (role: Role): RoleResponse => ({
  id: role.id,
  name: role.name,
  permissions: role.permissions,
  isDefault: role.isDefault
})

/** An organization (`roster orgs list`). */
export const OrganizationResponse = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  createdDateTime: DateTime
})
export type OrganizationResponse = typeof OrganizationResponse.Type

export const OrganizationListResponse = Schema.Array(OrganizationResponse)
export type OrganizationListResponse = typeof OrganizationListResponse.Type

export const fromOrganization = (organization: Organization): OrganizationResponse => ({
  id: organization.id,
  name: organization.name,
  createdDateTime: organization.createdAt.toISOString()
})

/** An organization just created (`roster orgs create`), with its built-in roles. */
export const CreatedOrganizationResponse = Schema.Struct({
  ...OrganizationResponse.fields,
  roles: RoleListResponse
})
export type CreatedOrganizationResponse = typeof CreatedOrganizationResponse.Type

export const fromCreatedOrganization = (created: {
  readonly organization: Organization
  readonly roles: ReadonlyArray<Role>
}): CreatedOrganizationResponse => ({
  ...fromOrganization(created.organization),
  roles: created.roles.map(fromRole)
})
