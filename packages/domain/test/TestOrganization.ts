/**
 * A fresh in-memory Roster with one organization in it, for the use-case tests. Every test provides
 * `layer` itself, so each one starts from empty storage and no state leaks between tests.
 */
import type { Access, Member, Permission, Role, UserInput } from "@roster/domain"
import {
  Actor,
  Audit,
  InMemory,
  OrganizationId,
  OrganizationRepository,
  RoleId,
  Services,
  TokenId,
  TokenRepository,
  Users,
  randomUuid
} from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** Every use case over fresh in-memory ports; the ports stay visible for set-ups no use case offers. */
export const layer: Layer.Layer<Services.UseCases | InMemory.Ports> = Services.layer.pipe(
  Layer.provideMerge(InMemory.layer)
)

export interface TestOrganization {
  readonly id: OrganizationId
  /** Built in: every permission. */
  readonly admin: Role.Role
  /** Built in and the default: `can_view_users`. */
  readonly member: Role.Role
  /** `can_manage_users` only: a manager who cannot hand out Admin. */
  readonly manager: Role.Role
  /** `can_reset_2fa` and `can_view_users`. */
  readonly support: Role.Role
  /** The operator acting in this organization. */
  readonly operator: Access
  /** A token of this organization holding exactly `permissions`. */
  readonly token: (permissions: ReadonlyArray<Permission.Permission>) => Access
}

export const tokenAccess = (
  organizationId: OrganizationId,
  permissions: ReadonlyArray<Permission.Permission>,
  acting: OrganizationId = organizationId
): Access => ({
  actor: Actor.token({ tokenId: TokenId.make(randomUuid()), organizationId, permissions, onBehalfOf: null }),
  organizationId: acting
})

/**
 * An organization with the built-in roles plus two custom ones. Roles have no use case of their own
 * yet, so it is stored through the port, as a store migration or an adapter would.
 */
export const make = (name = "Acme") =>
  Effect.gen(function* () {
    const organizations = yield* OrganizationRepository
    const tokens = yield* TokenRepository
    /**
     * A token stored as minting would store it, for the actor the use cases authorize again under
     * their lock (`Authority`). In-memory storage writes synchronously, so a test can take one inline.
     */
    const token = (permissions: ReadonlyArray<Permission.Permission>): Access => {
      const access = tokenAccess(id, permissions)
      if (access.actor._tag !== "Token") throw new Error("tokenAccess made no token")
      const { tokenId } = access.actor
      const stored = { id: tokenId, organizationId: id, name: `test ${tokenId}`, permissions, createdAt: new Date(0) }
      Effect.runSync(
        tokens.insert(
          { ...stored, expiresAt: null, revokedAt: null, lastUsedAt: null, createdByUserId: null },
          `hash of ${tokenId}`
        )
      )
      return access
    }
    const id = OrganizationId.make(randomUuid())
    const role = (name: string, permissions: ReadonlyArray<Permission.Permission>, isDefault = false): Role.Role => ({
      id: RoleId.make(randomUuid()),
      organizationId: id,
      name,
      permissions,
      isDefault
    })
    const admin = role("Admin", [
      "can_view_users",
      "can_manage_users",
      "can_reset_2fa",
      "can_manage_roles",
      "can_manage_tokens",
      "can_view_audit"
    ])
    const member = role("Member", ["can_view_users"], true)
    const manager = role("Manager", ["can_manage_users"])
    const support = role("Support", ["can_reset_2fa", "can_view_users"])
    yield* organizations.insert({ id, name, createdAt: new Date(0) }, [admin, member, manager, support])
    return {
      id,
      admin,
      member,
      manager,
      support,
      operator: { actor: Actor.operator, organizationId: id },
      token
    } satisfies TestOrganization
  })

/** Adds a member as the operator. */
export const add = (organization: TestOrganization, input: UserInput.AddUser) =>
  Effect.flatMap(Users, (users) => users.add(organization.operator, input))

/** Adds an ACTIVE Admin: a manager, so that changes to other members never meet `LastManager`. */
export const addManager = (organization: TestOrganization, email = "boss@example.com") =>
  add(organization, { email, roleId: organization.admin.id })

/** The organization's events, newest first, as its audit log shows them. */
export const events = (organization: { readonly operator: Access }, userId?: Member.Member["user"]["id"]) =>
  Effect.flatMap(Audit, (audit) => audit.list(organization.operator, { page: 0, size: 200, userId })).pipe(
    Effect.map((page) => page.items)
  )

export type Ports = Effect.Effect.Success<typeof InMemory.make>

/**
 * Like `layer`, over in-memory ports that `adjust` may wrap: a port that fails, or one that lets
 * other fibers run at a chosen moment.
 */
export const layerWith = (adjust: (ports: Ports) => Ports): Layer.Layer<Services.UseCases | InMemory.Ports> =>
  Services.layer.pipe(
    Layer.provideMerge(Layer.effectContext(Effect.map(InMemory.make, (original) => InMemory.context(adjust(original)))))
  )
