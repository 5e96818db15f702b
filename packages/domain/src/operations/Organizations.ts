/** Organizations and their roles: created by the operator, each seen only by its own actors. */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Access } from "../model/access/Access.js"
import { Forbidden } from "../model/access/AccessError.js"
import * as Actor from "../model/access/Actor.js"
import { EventId, OrganizationId, RoleId, randomUuid } from "../kernel/Ids.js"
import type { Organization } from "../model/organization/Organization.js"
import { OrganizationNotFound } from "../model/organization/OrganizationError.js"
import * as Policy from "../model/policy/Policy.js"
import { EventRepository, OrganizationRepository, RoleRepository, Transactor } from "../ports/Ports.js"
import * as Role from "../model/organization/Role.js"
import { now } from "../kernel/Time.js"

/** Ids are accepted in any case, as everywhere. */
const asOrganizationId = Schema.decodeUnknownOption(OrganizationId)
const asRoleId = Schema.decodeUnknownOption(RoleId)

export class Organizations extends Effect.Service<Organizations>()("@roster/domain/Organizations", {
  effect: Effect.gen(function* () {
    const organizations = yield* OrganizationRepository
    const roles = yield* RoleRepository
    const events = yield* EventRepository
    const { transaction } = yield* Transactor

    /** Only the operator creates organizations; `name` is decoded with `Organization.OrganizationName`. */
    const create = (actor: Actor.Actor, name: string) =>
      Effect.gen(function* () {
        if (actor._tag !== "Operator") return yield* new Forbidden({ required: "operator" })
        const at = yield* now
        const organization: Organization = { id: OrganizationId.make(randomUuid()), name, createdAt: at }
        const organizationRoles: ReadonlyArray<Role.Role> = Role.builtIn.map((role) => ({
          ...role,
          id: RoleId.make(randomUuid()),
          organizationId: organization.id
        }))
        yield* transaction(null)(
          organizations.insert(organization, organizationRoles).pipe(
            Effect.zipRight(
              events.append({
                id: EventId.make(randomUuid()),
                organizationId: organization.id,
                userId: null,
                actor: Actor.describe(actor),
                type: "organization.created",
                before: null,
                after: { name },
                reason: null,
                at
              })
            )
          )
        )
        return { organization, roles: organizationRoles }
      })

    /**
     * The operator and platform admins see every organization; a token or a member only its own; a
     * session of anyone else none (its own memberships are `Me.organizations`).
     */
    const list = (actor: Actor.Actor) => {
      switch (actor._tag) {
        case "Operator":
          return organizations.list
        case "Session":
          return actor.isPlatformAdmin && actor.purpose === "full" ? organizations.list : Effect.succeed([])
        default:
          return organizations.findById(actor.organizationId).pipe(Effect.map(Option.toArray))
      }
    }

    /** An organization by id or, failing that, by name (case-insensitive). */
    const resolve = (idOrName: string) =>
      Option.match(asOrganizationId(idOrName), {
        onNone: () => Effect.succeed(Option.none<Organization>()),
        onSome: organizations.findById
      }).pipe(
        Effect.flatMap((byId) => (Option.isSome(byId) ? Effect.succeed(byId) : organizations.findByName(idOrName))),
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.fail(new OrganizationNotFound({ organization: idOrName })),
            onSome: Effect.succeed
          })
        )
      )

    /** The organization an actor acts in: any actor of it may see its name. */
    const current = (access: Access) =>
      Policy.requireOrganization(access).pipe(
        Effect.zipRight(organizations.findById(access.organizationId)),
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.fail(new OrganizationNotFound({ organization: access.organizationId })),
            onSome: Effect.succeed
          })
        )
      )

    /** Any actor of the organization may see its roles: they carry no personal data. */
    const listRoles = (access: Access) =>
      Policy.requireOrganization(access).pipe(Effect.zipRight(roles.list(access.organizationId)))

    /** A role by id or name (case-insensitive), for adapters that let people type a role's name. */
    const resolveRole = (access: Access, idOrName: string) =>
      Policy.requireOrganization(access).pipe(
        Effect.zipRight(
          Option.match(asRoleId(idOrName), {
            onNone: () => Effect.succeed(Option.none<Role.Role>()),
            onSome: (roleId) => roles.findById(access.organizationId, roleId)
          })
        ),
        Effect.flatMap((byId) =>
          Option.isSome(byId) ? Effect.succeed(byId) : roles.findByName(access.organizationId, idOrName)
        )
      )

    return { create, list, resolve, current, listRoles, resolveRole } as const
  })
}) {}
