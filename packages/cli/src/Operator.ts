/** The CLI acts as the operator, in the organization named by `--org`, naming roles by id or name. */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Access, Actor, type Organization, Organizations, type Role, RoleNotFound } from "@roster/domain"

export interface Scope {
  readonly access: Access
  readonly organization: Organization.Organization
}

/** `--org`: an id or a name (case-insensitive). */
export const inOrganization = (idOrName: string) =>
  Effect.flatMap(Organizations, (organizations) => organizations.resolve(idOrName)).pipe(
    Effect.map(
      (organization): Scope => ({ organization, access: { actor: Actor.operator, organizationId: organization.id } })
    )
  )

/** `--role`: an id or a name (case-insensitive) of one of the organization's roles. */
export const role = (access: Access, idOrName: string) =>
  Effect.flatMap(Organizations, (organizations) => organizations.resolveRole(access, idOrName)).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new RoleNotFound({ roleId: idOrName })),
        onSome: (found: Role.Role) => Effect.succeed(found)
      })
    )
  )
