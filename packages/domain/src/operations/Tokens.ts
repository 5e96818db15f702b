/** Organization API tokens: minted once (the secret is shown only then), listed, revoked, and checked on every call. */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Access } from "../model/access/Access.js"
import { Unauthorized } from "../model/access/AccessError.js"
import * as Actor from "../model/access/Actor.js"
import { EventId, TokenId, randomUuid } from "../kernel/Ids.js"
import * as OrganizationToken from "../model/access/OrganizationToken.js"
import { TokenNotFound } from "../model/organization/OrganizationError.js"
import * as Permission from "../model/access/Permission.js"
import * as Policy from "../model/policy/Policy.js"
import { EventRepository, TokenRepository } from "../ports/Ports.js"
import * as Authority from "./Authority.js"
import { now } from "../kernel/Time.js"
import type * as TokenInput from "../api/TokenInput.js"
import { ValidationFailed } from "../kernel/ValidationError.js"

export class Tokens extends Effect.Service<Tokens>()("@roster/domain/Tokens", {
  effect: Effect.gen(function* () {
    const tokens = yield* TokenRepository
    const events = yield* EventRepository
    const authority = yield* Authority.make

    const append = (
      access: Access,
      type: "token.created" | "token.revoked",
      token: OrganizationToken.OrganizationToken,
      at: Date
    ) =>
      events.append({
        id: EventId.make(randomUuid()),
        organizationId: access.organizationId,
        userId: null,
        actor: Actor.describe(access.actor),
        type,
        before: null,
        // Never the secret or its hash.
        after: {
          tokenId: token.id,
          name: token.name,
          permissions: token.permissions,
          expiresAt: token.expiresAt?.toISOString() ?? null
        },
        reason: null,
        at
      })

    /** Returns the token and its secret. The secret is not stored and cannot be shown again. */
    const create = (access: Access, input: TokenInput.CreateToken) =>
      Effect.gen(function* () {
        yield* Policy.requirePermission(access, "can_manage_tokens")
        // A token cannot mint a token more powerful than itself.
        yield* Policy.requireCanGrant(access.actor, input.permissions)
        const at = yield* now
        if (input.expiresAt !== undefined && input.expiresAt.getTime() <= at.getTime()) {
          return yield* ValidationFailed.single("expiresAt", "must be in the future")
        }
        const secret = OrganizationToken.generateSecret()
        const token: OrganizationToken.OrganizationToken = {
          id: TokenId.make(randomUuid()),
          organizationId: access.organizationId,
          name: input.name,
          permissions: Permission.normalize(input.permissions),
          createdAt: at,
          expiresAt: input.expiresAt ?? null,
          revokedAt: null,
          lastUsedAt: null,
          // A member's token acts for the member, and so does a token that token mints: a chain of
          // tokens never outlives, nor outgrows, the member who started it.
          createdByUserId:
            access.actor._tag === "Member"
              ? access.actor.userId
              : access.actor._tag === "Token"
                ? (access.actor.onBehalfOf ?? null)
                : null
        }
        const hash = yield* OrganizationToken.hash(secret)
        // Authorized again in the transaction, with what the actor holds once its rows are locked.
        yield* authority.inOrganization(
          access,
          "can_manage_tokens"
        )((access) =>
          Policy.requireCanGrant(access.actor, input.permissions).pipe(
            Effect.zipRight(tokens.insert(token, hash)),
            Effect.zipRight(append(access, "token.created", token, at))
          )
        )
        return { token, secret }
      })

    const allowed = (access: Access) => Policy.requirePermission(access, "can_manage_tokens")
    type Refused = Effect.Effect.Error<ReturnType<typeof allowed>>
    /** Where a page of tokens starts and how many it holds. */
    type Query = { readonly size: number; readonly after?: ReadonlyArray<string> | undefined }

    /**
     * The organization's tokens, newest first: every one, or with `query` its first `size` after the
     * keyset position `after`, and where the next page starts (null on the last).
     */
    const list: {
      (access: Access): Effect.Effect<ReadonlyArray<OrganizationToken.OrganizationToken>, Refused>
      (
        access: Access,
        query: Query
      ): Effect.Effect<
        {
          readonly items: ReadonlyArray<OrganizationToken.OrganizationToken>
          readonly next: ReadonlyArray<string> | null
        },
        Refused
      >
    } = (access: Access, query?: Query): Effect.Effect<any, Refused> =>
      allowed(access).pipe(
        Effect.zipRight(
          query === undefined
            ? (tokens.list(access.organizationId) as Effect.Effect<unknown>)
            : tokens.page(access.organizationId, query)
        )
      )

    /** Revoking a revoked token changes nothing and succeeds. */
    const revoke = (access: Access, tokenId: TokenId) =>
      Policy.requirePermission(access, "can_manage_tokens").pipe(
        Effect.zipRight(
          authority.inOrganization(
            access,
            "can_manage_tokens"
          )((access) =>
            Effect.gen(function* () {
              // Locked: two revocations of one token record one event.
              const found = yield* tokens.findById(access.organizationId, tokenId, "update")
              if (Option.isNone(found)) return yield* new TokenNotFound({ tokenId })
              if (found.value.revokedAt !== null) return found.value
              // As for minting: a token may not act on one holding permissions it lacks (it could cut
              // off every stronger integration). Any token may revoke itself.
              const isSelf = access.actor._tag === "Token" && access.actor.tokenId === tokenId
              if (!isSelf) yield* Policy.requireCanGrant(access.actor, found.value.permissions, "token")
              const at = yield* now
              const revoked = { ...found.value, revokedAt: at }
              yield* tokens.update(revoked)
              yield* append(access, "token.revoked", revoked, at)
              return revoked
            })
          )
        )
      )

    /** The actor a presented token stands for. Unknown, revoked and expired tokens look alike. */
    const authenticate = (presented: string) =>
      Effect.gen(function* () {
        if (!OrganizationToken.format.test(presented)) {
          return yield* new Unauthorized({
            reason: "The token is malformed: expected tot_ followed by 52 letters and digits"
          })
        }
        const at = yield* now
        const found = yield* tokens.use(yield* OrganizationToken.hash(presented), at)
        if (Option.isNone(found) || !OrganizationToken.isUsable(found.value, at)) {
          return yield* new Unauthorized({ reason: "The token is not valid: unknown, revoked or expired" })
        }
        return yield* authority.tokenActor(found.value)
      })

    return { create, list, revoke, authenticate } as const
  })
}) {}
