import type { Access, Lifecycle, MembershipStatus } from "@roster/domain"
import {
  Actor,
  Forbidden,
  OrganizationId,
  OrganizationNotFound,
  Permission,
  Policy,
  RoleEscalation,
  SessionId,
  TokenId,
  UserId,
  UserOperations
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

const Permissions = Schema.Array(Permission.Permission)

const tokenActor = (organizationId: OrganizationId, permissions: ReadonlyArray<Permission.Permission>) =>
  Actor.token({ tokenId: TokenId.make("00000000-0000-4000-8000-000000000001"), organizationId, permissions })

const organizationA = OrganizationId.make("aaaaaaaa-0000-4000-8000-000000000000")

/** Written out from the design: reads need can_view_users, every change can_manage_users, reset MFA can_reset_2fa. */
const designRequirement: ReadonlyArray<readonly [UserOperations.UserAction, Permission.Permission]> = [
  ["list", "can_view_users"],
  ["get", "can_view_users"],
  ["add", "can_manage_users"],
  ["updateProfile", "can_manage_users"],
  ["changeRole", "can_manage_users"],
  ["deactivate", "can_manage_users"],
  ["activate", "can_manage_users"],
  ["terminate", "can_manage_users"],
  ["reinstate", "can_manage_users"],
  ["remove", "can_manage_users"],
  ["forget", "can_manage_users"],
  ["resetMfa", "can_reset_2fa"]
]

const UserAction = Schema.Literal(...designRequirement.map(([action]) => action))

/** Whether `held` covers `wanted`, by the design's one implication (independent of `Permission.expand`). */
const covers = (held: ReadonlyArray<Permission.Permission>, wanted: Permission.Permission) =>
  held.includes(wanted) || (wanted === "can_view_users" && held.includes("can_manage_users"))

describe("Policy", () => {
  describe("requiredPermission", () => {
    for (const [action, permission] of designRequirement) {
      it(`${action} requires ${permission}`, () => {
        assert.strictEqual(UserOperations.requiredPermission[action], permission)
      })
    }

    it("covers every state-machine operation and nothing more", () => {
      const actions = Object.keys(UserOperations.requiredPermission).sort()
      const lifecycle: ReadonlyArray<Lifecycle.Operation> = [
        "updateProfile",
        "changeRole",
        "deactivate",
        "activate",
        "terminate",
        "reinstate",
        "remove",
        "forget",
        "resetMfa"
      ]
      assert.deepStrictEqual(actions, ["add", "get", "list", ...lifecycle].sort())
    })
  })

  describe("authorize", () => {
    it.effect.prop(
      "a token may act iff it holds the action's permission (implications included)",
      [UserAction, Permissions],
      ([action, held]) =>
        Effect.gen(function* () {
          const access: Access = { actor: tokenActor(organizationA, held), organizationId: organizationA }
          const required = designRequirement.find(([a]) => a === action)![1]
          const result = yield* Effect.either(
            Policy.requirePermission(access, UserOperations.requiredPermission[action])
          )
          if (covers(held, required)) {
            assert.isTrue(Either.isRight(result))
          } else {
            assert.deepStrictEqual(result, Either.left(new Forbidden({ required })))
          }
        })
    )

    it.prop("the operator may do anything", [UserAction, Schema.UUID], ([action, organization]) => {
      const access: Access = { actor: Actor.operator, organizationId: OrganizationId.make(organization) }
      assert.isTrue(
        Either.isRight(
          Effect.runSync(Effect.either(Policy.requirePermission(access, UserOperations.requiredPermission[action])))
        )
      )
      assert.isTrue(Policy.allows(Actor.operator, UserOperations.requiredPermission[action]))
    })

    it.effect("Forbidden names the missing permission", () =>
      Effect.gen(function* () {
        const access: Access = { actor: tokenActor(organizationA, ["can_view_users"]), organizationId: organizationA }
        const error = yield* Effect.flip(Policy.requirePermission(access, UserOperations.requiredPermission.resetMfa))
        assert.strictEqual(error._tag, "Forbidden")
        assert.strictEqual(error.message, "This operation requires the can_reset_2fa permission")
      })
    )
  })

  describe("no escalation (requireCanGrant)", () => {
    it.effect.prop(
      "a token can grant a role iff its expanded permissions cover the role's",
      [Permissions, Permissions],
      ([held, granted]) =>
        Effect.gen(function* () {
          const result = yield* Effect.either(Policy.requireCanGrant(tokenActor(organizationA, held), granted))
          const lacking = Permission.all.filter((p) => granted.includes(p) && !covers(held, p))
          if (lacking.length === 0) {
            assert.isTrue(Either.isRight(result))
          } else {
            const error = Either.getOrThrow(Either.flip(result))
            assert.instanceOf(error, RoleEscalation)
            assert.deepStrictEqual([...error.missing].sort(), [...lacking].sort())
          }
        })
    )

    it.prop("the operator is never limited", [Permissions], ([granted]) => {
      assert.isTrue(Either.isRight(Effect.runSync(Effect.either(Policy.requireCanGrant(Actor.operator, granted)))))
    })

    it.effect("can_manage_users may grant a can_view_users role; can_view_users may not grant can_manage_users", () =>
      Effect.gen(function* () {
        yield* Policy.requireCanGrant(tokenActor(organizationA, ["can_manage_users"]), ["can_view_users"])
        const error = yield* Effect.flip(
          Policy.requireCanGrant(tokenActor(organizationA, ["can_view_users"]), ["can_view_users", "can_manage_users"])
        )
        assert.deepStrictEqual(error.missing, ["can_manage_users"])
        assert.strictEqual(error.message, "You cannot grant permissions you do not hold: can_manage_users")
      })
    )
  })

  describe("last manager", () => {
    it.prop(
      "isManager: ACTIVE and able to manage users, nothing else",
      [Schema.Literal("ACTIVE", "INACTIVE", "TERMINATED", "REMOVED", "FORGOTTEN"), Permissions],
      ([status, permissions]) => {
        assert.strictEqual(
          Policy.isManager(status, permissions),
          status === "ACTIVE" && permissions.includes("can_manage_users")
        )
      }
    )

    it("refuses to turn the only manager into a non-manager", () => {
      assert.isTrue(Policy.losesLastManager({ wasManager: true, isManager: false, activeManagers: 1 }))
    })

    it("allows it when another manager remains", () => {
      assert.isFalse(Policy.losesLastManager({ wasManager: true, isManager: false, activeManagers: 2 }))
      assert.isFalse(Policy.losesLastManager({ wasManager: true, isManager: false, activeManagers: 5 }))
    })

    it("allows a manager to stay a manager (e.g. a new role that can still manage users)", () => {
      assert.isFalse(Policy.losesLastManager({ wasManager: true, isManager: true, activeManagers: 1 }))
    })

    it.prop(
      "never concerns a member who was not a manager, even in an organization with none",
      [Schema.Boolean, Schema.Int.pipe(Schema.between(0, 10))],
      ([isManager, activeManagers]) => {
        assert.isFalse(Policy.losesLastManager({ wasManager: false, isManager, activeManagers }))
      }
    )

    it.prop(
      "a manager who stops managing is refused exactly when no other manager is left",
      [Schema.Int.pipe(Schema.between(1, 10))],
      ([activeManagers]) => {
        const othersLeft = activeManagers - 1
        assert.strictEqual(
          Policy.losesLastManager({ wasManager: true, isManager: false, activeManagers }),
          othersLeft === 0
        )
      }
    )
  })

  describe("tenant isolation", () => {
    it.effect.prop(
      "a token of organization A acting on organization B finds nothing, and is never told Forbidden",
      [Schema.UUID, Schema.UUID, Permissions, Permission.Permission],
      ([a, b, held, required]) =>
        Effect.gen(function* () {
          if (a === b) return
          const access: Access = {
            actor: tokenActor(OrganizationId.make(a), held),
            organizationId: OrganizationId.make(b)
          }
          const expected = Either.left(new OrganizationNotFound({ organization: b }))
          assert.deepStrictEqual(yield* Effect.either(Policy.requireOrganization(access)), expected)
          assert.deepStrictEqual(yield* Effect.either(Policy.requirePermission(access, required)), expected)
        })
    )

    it.effect("a token acts in its own organization", () =>
      Effect.gen(function* () {
        const access: Access = { actor: tokenActor(organizationA, ["can_view_users"]), organizationId: organizationA }
        yield* Policy.requireOrganization(access)
        yield* Policy.requirePermission(access, "can_view_users")
        const error = yield* Effect.flip(Policy.requirePermission(access, "can_view_audit"))
        assert.strictEqual(error._tag, "Forbidden")
      })
    )

    it.prop("the operator reaches every organization", [Schema.UUID], ([organization]) => {
      const access: Access = { actor: Actor.operator, organizationId: OrganizationId.make(organization) }
      assert.isTrue(Either.isRight(Effect.runSync(Effect.either(Policy.requireOrganization(access)))))
    })
  })

  describe("sessions and members", () => {
    const session = Actor.session({
      sessionId: SessionId.make("00000000-0000-4000-8000-000000000002"),
      userId: UserId.make("00000000-0000-4000-8000-000000000003"),
      isPlatformAdmin: true,
      purpose: "full"
    })
    const member = Actor.member({
      sessionId: session.sessionId,
      userId: session.userId,
      organizationId: organizationA,
      permissions: ["can_manage_users"]
    })
    const organizationB = OrganizationId.make("bbbbbbbb-0000-4000-8000-000000000000")

    it("a member acts like a token: its role's permissions, in its organization only", () => {
      assert.isTrue(Policy.allows(member, "can_view_users"))
      assert.isFalse(Policy.allows(member, "can_reset_2fa"))
      assert.isTrue(
        Either.isRight(
          Effect.runSync(Effect.either(Policy.requireOrganization({ actor: member, organizationId: organizationA })))
        )
      )
      assert.deepStrictEqual(
        Effect.runSync(Effect.flip(Policy.requireOrganization({ actor: member, organizationId: organizationB }))),
        new OrganizationNotFound({ organization: organizationB })
      )
      assert.deepStrictEqual(
        Effect.runSync(Effect.flip(Policy.requireCanGrant(member, ["can_manage_tokens"]))),
        new RoleEscalation({ missing: ["can_manage_tokens"] })
      )
    })

    it("a session, even a platform admin's, holds no permission in any organization", () => {
      for (const permission of Permission.all) assert.isFalse(Policy.allows(session, permission))
      assert.deepStrictEqual(
        Effect.runSync(Effect.flip(Policy.requireOrganization({ actor: session, organizationId: organizationA }))),
        new OrganizationNotFound({ organization: organizationA })
      )
    })

    it("both are recorded in events as the user behind them", () => {
      assert.deepStrictEqual(Actor.describe(session), { type: "user", id: session.userId })
      assert.deepStrictEqual(Actor.describe(member), { type: "user", id: member.userId })
    })

    it("platform administration needs a platform admin's full session, or the operator", () => {
      const run = (actor: Actor.Actor) => Effect.runSync(Effect.either(Policy.requirePlatformAdmin(actor)))
      assert.isTrue(Either.isRight(run(Actor.operator)))
      assert.isTrue(Either.isRight(run(session)))
      assert.strictEqual(
        Either.getOrThrow(Either.flip(run(Actor.session({ ...session, purpose: "password_change" }))))._tag,
        "PasswordChangeRequired"
      )
      assert.strictEqual(
        Either.getOrThrow(Either.flip(run(Actor.session({ ...session, isPlatformAdmin: false }))))._tag,
        "Forbidden"
      )
      assert.strictEqual(Either.getOrThrow(Either.flip(run(member)))._tag, "Forbidden")
    })

    it("isManagedBy: a whole history here (no membership elsewhere, of any status), not a platform admin, not erased", () => {
      const user = { isPlatformAdmin: false, erasedAt: null }
      const here = { organizationId: organizationA, status: "ACTIVE" } as const
      const managed = (...others: ReadonlyArray<MembershipStatus.MembershipStatus>) =>
        Policy.isManagedBy(organizationA, user, [
          here,
          ...others.map((status) => ({ organizationId: organizationB, status }))
        ])
      assert.isTrue(managed())
      // Another organization relied on the account once: it is not this one's to take over.
      assert.isFalse(managed("REMOVED"))
      assert.isFalse(managed("FORGOTTEN"))
      // An identity that was never a member here (made by a platform admin, say) is nobody's.
      assert.isFalse(Policy.isManagedBy(organizationA, user, []))
      assert.strictEqual(Policy.whyNotManaged(organizationA, user, []), "not_member")
      assert.isTrue(Policy.isManagedBy(organizationA, user, [{ organizationId: organizationA, status: "REMOVED" }]))
      assert.isFalse(managed("ACTIVE"))
      assert.isFalse(managed("INACTIVE"))
      assert.isFalse(managed("TERMINATED"))
      assert.isFalse(Policy.isManagedBy(organizationA, { ...user, isPlatformAdmin: true }, [here]))
      assert.isFalse(Policy.isManagedBy(organizationA, { ...user, erasedAt: new Date(0) }, [here]))
    })

    it("losesLastPlatformAdmin only when the last counted admin stops counting", () => {
      assert.isTrue(Policy.losesLastPlatformAdmin({ wasCounted: true, isCounted: false, platformAdmins: 1 }))
      assert.isFalse(Policy.losesLastPlatformAdmin({ wasCounted: true, isCounted: false, platformAdmins: 2 }))
      assert.isFalse(Policy.losesLastPlatformAdmin({ wasCounted: false, isCounted: false, platformAdmins: 1 }))
      assert.isFalse(Policy.losesLastPlatformAdmin({ wasCounted: true, isCounted: true, platformAdmins: 1 }))
    })
  })
})
