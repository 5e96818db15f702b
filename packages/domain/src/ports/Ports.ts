/**
 * What the use cases need from storage, shaped to the domain rather than to any database.
 * `@roster/store` implements them on SQL; `InMemory` implements them for tests and library users.
 * Expected failures are domain errors; anything else (a lost connection) is a defect.
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { Credential } from "../model/identity/Credential.js"
import type { DomainEvent, EventType } from "../model/event/DomainEvent.js"
import type { OrganizationId, RoleId, SessionId, TokenId, UserId } from "../kernel/Ids.js"
import type { LoginThrottle } from "../model/identity/LoginThrottle.js"
import type { Member, MemberSort, OrganizationMembership, Page } from "../model/membership/Member.js"
import type { Membership } from "../model/membership/Membership.js"
import type { MembershipStatus } from "../model/membership/MembershipStatus.js"
import type { Organization } from "../model/organization/Organization.js"
import type { OrganizationNameTaken } from "../model/organization/OrganizationError.js"
import type { OrganizationToken } from "../model/access/OrganizationToken.js"
import type * as OneTimeToken from "../model/identity/OneTimeToken.js"
import type { Role } from "../model/organization/Role.js"
import type * as Session from "../model/access/Session.js"
import type { TotpFactor } from "../model/identity/TotpFactor.js"
import type { User } from "../model/identity/User.js"

/**
 * A row lock a read takes, held until its transaction ends (SQL: `FOR SHARE`, `FOR NO KEY UPDATE`):
 * `share` keeps the row as it was read until commit (a change of it waits; other `share` reads do
 * not); `update` is the lock of the transaction that will change the row (one at a time, and no
 * `share` meanwhile). Outside a transaction it holds nothing past the read.
 */
export type RowLock = "share" | "update"

export class OrganizationRepository extends Context.Tag("@roster/domain/OrganizationRepository")<
  OrganizationRepository,
  {
    /** Stores a new organization with its roles. Names are unique case-insensitively. */
    readonly insert: (
      organization: Organization,
      roles: ReadonlyArray<Role>
    ) => Effect.Effect<void, OrganizationNameTaken>
    readonly findById: (id: OrganizationId) => Effect.Effect<Option.Option<Organization>>
    /** Case-insensitive. */
    readonly findByName: (name: string) => Effect.Effect<Option.Option<Organization>>
    /** Oldest first. */
    readonly list: Effect.Effect<ReadonlyArray<Organization>>
  }
>() {}

export class RoleRepository extends Context.Tag("@roster/domain/RoleRepository")<
  RoleRepository,
  {
    /** In creation order. */
    readonly list: (organizationId: OrganizationId) => Effect.Effect<ReadonlyArray<Role>>
    readonly findById: (organizationId: OrganizationId, id: RoleId) => Effect.Effect<Option.Option<Role>>
    /** Case-insensitive. */
    readonly findByName: (organizationId: OrganizationId, name: string) => Effect.Effect<Option.Option<Role>>
    readonly findDefault: (organizationId: OrganizationId) => Effect.Effect<Option.Option<Role>>
  }
>() {}

export interface UserQuery {
  readonly page: number
  readonly size: number
  /** A keyset position (`Page.next` of an earlier page): the page starts after it, and `page` is not read. */
  readonly after?: ReadonlyArray<string> | undefined
  /** Case-insensitive substring of the email or the name; LIKE wildcards in it match literally. */
  readonly q?: string | undefined
  /** Only platform admins (true) or only the others (false). */
  readonly platformAdmin?: boolean | undefined
}

export class UserRepository extends Context.Tag("@roster/domain/UserRepository")<
  UserRepository,
  {
    /** Case-insensitive. Erased identities too (their email is the tombstone). */
    readonly findByEmail: (email: string) => Effect.Effect<Option.Option<User>>
    /** Any identity, erased ones included. */
    readonly findById: (id: UserId) => Effect.Effect<Option.Option<User>>
    /**
     * Stores `user`, unless a user with the same email (case-insensitively) exists already; returns
     * whichever is stored. Safe when two organizations add the same new email at once.
     */
    readonly insertOrGet: (user: User) => Effect.Effect<User>
    /**
     * Replaces every field of the stored user with the same id, unless it is erased: erasure is
     * final, so a write that read the user before a concurrent erasure committed changes nothing
     * (it cannot bring back what was erased).
     */
    readonly update: (user: User) => Effect.Effect<void>
    /**
     * Sets the name and picture of an identity that is not erased; false (writing nothing) when it is
     * erased or unknown. It writes those two fields alone, so that it cannot bring back what an
     * erasure committed meanwhile cleared.
     */
    readonly updateProfile: (
      id: UserId,
      profile: { readonly name: string | null; readonly avatarUrl: string | null }
    ) => Effect.Effect<boolean>
    /**
     * Every identity that is not erased (`erasedAt` null), for platform admins: ordered by lowercase
     * email, then id; `q` filters. A page past the end is empty, with the true total.
     */
    readonly page: (query: UserQuery) => Effect.Effect<Page<User>>
    /**
     * Platform admins who can act: `isPlatformAdmin` and neither disabled nor erased
     * (`Policy.isActingPlatformAdmin`). Callers hold the "platform" lock when they act on the count.
     */
    readonly countPlatformAdmins: Effect.Effect<number>
  }
>() {}

export interface MemberQuery {
  /** The page answered (as `Page.page`); the members it holds start at `offset` when one is given. */
  readonly page: number
  readonly size: number
  /** Members to skip before the first; `page * size` when absent. */
  readonly offset?: number | undefined
  /** A keyset position (`Page.next` of an earlier page in the same `sort`): the page starts after it. */
  readonly after?: ReadonlyArray<string> | undefined
  /** `createdAt` (membership creation time) when absent; ties broken by user id, in the same direction. */
  readonly sort?: MemberSort | undefined
  readonly statuses: ReadonlyArray<MembershipStatus>
  readonly roleId?: RoleId | undefined
  /** Case-insensitive substring of the email, first name, last name or "first last". */
  readonly q?: string | undefined
  /** Case-insensitive substring of the email alone; with `q`, both must match. */
  readonly email?: string | undefined
}

export class MemberRepository extends Context.Tag("@roster/domain/MemberRepository")<
  MemberRepository,
  {
    /** With `lock`, the membership row stays locked so until the transaction ends (the user and role are not locked). */
    readonly find: (
      organizationId: OrganizationId,
      userId: UserId,
      lock?: RowLock
    ) => Effect.Effect<Option.Option<Member>>
    /**
     * Ordered by `sort`, then user id; email and name compare lowercased, in code point order. A page
     * past the end is empty, with the true total. `next` is set.
     */
    readonly page: (organizationId: OrganizationId, query: MemberQuery) => Effect.Effect<Page<Member>>
    readonly insert: (membership: Membership) => Effect.Effect<void>
    readonly update: (membership: Membership) => Effect.Effect<void>
    /**
     * `update`, and `EventRepository.append` of the event that records it, together (SQL: one
     * statement, one round trip).
     */
    readonly record: (membership: Membership, event: DomainEvent) => Effect.Effect<void>
    /** ACTIVE memberships whose role can manage users. */
    readonly countActiveManagers: (organizationId: OrganizationId) => Effect.Effect<number>
    /** The user's memberships, in any organization, that are not FORGOTTEN. */
    readonly countUnforgotten: (userId: UserId) => Effect.Effect<number>
    /**
     * Every membership of the user, in every organization and of every status (callers filter), with
     * its organization and role; ordered by membership creation time, then organization id.
     */
    readonly listForUser: (userId: UserId) => Effect.Effect<ReadonlyArray<OrganizationMembership>>
  }
>() {}

export class TokenRepository extends Context.Tag("@roster/domain/TokenRepository")<
  TokenRepository,
  {
    readonly insert: (token: OrganizationToken, hash: string) => Effect.Effect<void>
    /**
     * The token stored under `hash` if it is usable at `now` (not revoked, not expired), recording
     * `now` as its last use. Implementations may record use at most about once a minute.
     */
    readonly use: (hash: string, now: Date) => Effect.Effect<Option.Option<OrganizationToken>>
    /** With `lock`, the token's row stays locked so until the transaction ends. */
    readonly findById: (
      organizationId: OrganizationId,
      id: TokenId,
      lock?: RowLock
    ) => Effect.Effect<Option.Option<OrganizationToken>>
    /** Newest first (creation time, then id). */
    readonly list: (organizationId: OrganizationId) => Effect.Effect<ReadonlyArray<OrganizationToken>>
    /** `list`'s first `size` tokens after the keyset position `after` (`next` of an earlier one). */
    readonly page: (
      organizationId: OrganizationId,
      query: { readonly size: number; readonly after?: ReadonlyArray<string> | undefined }
    ) => Effect.Effect<{
      readonly items: ReadonlyArray<OrganizationToken>
      readonly next: ReadonlyArray<string> | null
    }>
    readonly update: (token: OrganizationToken) => Effect.Effect<void>
  }
>() {}

export interface EventQuery {
  readonly page: number
  readonly size: number
  /** A keyset position (`Page.next` of an earlier page): the page starts after it. */
  readonly after?: ReadonlyArray<string> | undefined
  readonly userId?: UserId | undefined
  readonly types?: ReadonlyArray<EventType> | undefined
}

/** Whose events: one organization's, or every event there is (every organization's and none's). */
export type EventScope = OrganizationId | "everywhere"

export class EventRepository extends Context.Tag("@roster/domain/EventRepository")<
  EventRepository,
  {
    readonly append: (event: DomainEvent) => Effect.Effect<void>
    /** Newest first. */
    readonly page: (scope: EventScope, query: EventQuery) => Effect.Effect<Page<DomainEvent>>
    /** Removes the membership's personal fields (`Membership.personalFields`) and free-text reasons from this user's events in one organization. */
    readonly eraseMembershipData: (organizationId: OrganizationId, userId: UserId) => Effect.Effect<void>
    /**
     * Removes the identity's personal fields (`User.personalFields`: the keys `email`, `name`, `ip`,
     * `userAgent`) from the `before` and `after` of this user's events everywhere, organization-less
     * events included.
     */
    readonly eraseIdentityData: (userId: UserId) => Effect.Effect<void>
  }
>() {}

/**
 * An exclusive lock a transaction takes, beyond the rows it reads with a `RowLock`, held until it
 * ends:
 * - `"platform"`: every other change of platform-admin state (promote, demote, deactivate,
 *   reactivate, delete; SQL: a transaction-scoped advisory lock), so that `LastPlatformAdmin` holds;
 * - `{ email }`: every other creation of a member or identity with that email (case-insensitively),
 *   and every erasure of that identity, so that two adds of one email answer one member and one
 *   `AlreadyMember`, and the last two memberships forgotten at once erase the identity;
 * - `{ managers: organizationId }`: every other change that takes a manager away from that
 *   organization, so that the count `LastManager` checks is not read by two of them at once;
 * - `{ loginThrottle: emailKey }`: every other failed sign-in for that email key, so that concurrent
 *   failures are all counted;
 * - `null` (for `transaction`): nothing beyond atomicity.
 *
 * No lock spans an organization's every change: changes of different members run side by side.
 * Locks are taken in one order, so that no two transactions wait for each other: "platform", then
 * `{ email }`, then membership rows in user-id order (`Authority.withMember`), then the actor's
 * token and session rows, then `{ managers }` (`{ loginThrottle }` is taken alone), then whatever
 * the writes lock ([ADR 0049](../../../../docs/adr/0049-no-organization-lock.md)).
 */
export type LockScope =
  | "platform"
  | { readonly email: string }
  | { readonly managers: OrganizationId }
  | { readonly loginThrottle: string }
  | null

export class Transactor extends Context.Tag("@roster/domain/Transactor")<
  Transactor,
  {
    /**
     * Runs `effect` atomically: all of its writes or none, holding its `LockScope`'s lock from the
     * start. Nested calls join the outer transaction, taking their own lock as well.
     */
    readonly transaction: (scope: LockScope) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    /**
     * Takes `scope`'s lock in the transaction this runs in, held until it ends: for a lock needed only
     * on some paths (`{ managers }` when a manager would lose the right to manage).
     */
    readonly lock: (scope: Exclude<LockScope, null>) => Effect.Effect<void>
  }
>() {}

export class CredentialRepository extends Context.Tag("@roster/domain/CredentialRepository")<
  CredentialRepository,
  {
    /** The user's password credential, if they have one. */
    readonly get: (userId: UserId) => Effect.Effect<Option.Option<Credential>>
    /** Inserts or replaces the user's credential (one per user). */
    readonly put: (credential: Credential) => Effect.Effect<void>
    /** Removes the user's credential; nothing happens when there is none. */
    readonly delete: (userId: UserId) => Effect.Effect<void>
  }
>() {}

export class SessionRepository extends Context.Tag("@roster/domain/SessionRepository")<
  SessionRepository,
  {
    /** Stores a new session under the SHA-256 `hash` of its secret (hashes are unique). */
    readonly insert: (session: Session.Session, hash: string) => Effect.Effect<void>
    /**
     * The session stored under `hash` if it is usable at `now` (`revokedAt` null and `expiresAt` after
     * `now`), else none. In the same round trip, sets `lastSeenAt = now` when the stored one is a minute
     * or more before `now` (`Session.isDueForLastSeen`), so a busy session writes at most once a
     * minute; returns the session as stored after that. Does not look at the user.
     */
    readonly use: (hash: string, now: Date) => Effect.Effect<Option.Option<Session.Session>>
    /** The user's sessions usable at `now` (not revoked, not expired), newest first (`createdAt` desc, then id desc). */
    readonly listUsable: (userId: UserId, now: Date) => Effect.Effect<ReadonlyArray<Session.Session>>
    /**
     * The session with this id if it belongs to `userId` (in any state), else none. With `lock`, its
     * row stays locked so until the transaction ends.
     */
    readonly find: (userId: UserId, id: SessionId, lock?: RowLock) => Effect.Effect<Option.Option<Session.Session>>
    /**
     * Sets `revokedAt = at` on the session with this id if it belongs to `userId` and is not revoked
     * yet; returns whether it did.
     */
    readonly revoke: (userId: UserId, id: SessionId, at: Date) => Effect.Effect<boolean>
    /**
     * Sets `revokedAt = at` on every session of the user that is usable at `at` (not revoked, not
     * expired), except the one with id `except` when given; returns how many it revoked.
     */
    readonly revokeAll: (userId: UserId, at: Date, except?: SessionId) => Effect.Effect<number>
    /** Sets the purpose of the session with this id (a `password_change` session becomes `full`). */
    readonly setPurpose: (id: SessionId, purpose: Session.Purpose) => Effect.Effect<void>
    /** Deletes every session of the user, whatever its state (erasure). */
    readonly deleteAll: (userId: UserId) => Effect.Effect<void>
  }
>() {}

export class LoginThrottleRepository extends Context.Tag("@roster/domain/LoginThrottleRepository")<
  LoginThrottleRepository,
  {
    /** The throttle state of this email key (`LoginThrottle.key`), if any. */
    readonly get: (emailKey: string) => Effect.Effect<Option.Option<LoginThrottle>>
    /** Inserts or replaces the state of `throttle.emailKey`. */
    readonly put: (throttle: LoginThrottle) => Effect.Effect<void>
    /** Removes the state of this email key (a successful sign-in); nothing happens when there is none. */
    readonly clear: (emailKey: string) => Effect.Effect<void>
  }
>() {}

export class MfaRepository extends Context.Tag("@roster/domain/MfaRepository")<
  MfaRepository,
  {
    /** The user's TOTP factor, pending or enabled, if any. */
    readonly getTotp: (userId: UserId) => Effect.Effect<Option.Option<TotpFactor>>
    /** Inserts or replaces the user's TOTP factor (one per user). */
    readonly putTotp: (factor: TotpFactor) => Effect.Effect<void>
    /** Removes the user's TOTP factor; nothing happens when there is none. */
    readonly deleteTotp: (userId: UserId) => Effect.Effect<void>
    /**
     * Atomically sets the factor's `lastUsedStep = step` only if it is null or smaller than `step`
     * (SQL: one conditional UPDATE); returns whether it did. False means the code was replayed
     * (or there is no factor), so two sign-ins with one code cannot both pass.
     */
    readonly setLastUsedStep: (userId: UserId, step: number) => Effect.Effect<boolean>
    /** Deletes the user's recovery codes and stores these SHA-256 hashes as new, unused ones. */
    readonly replaceRecoveryCodes: (userId: UserId, codeHashes: ReadonlyArray<string>) => Effect.Effect<void>
    /**
     * Atomically marks the user's unused recovery code with this hash used (`usedAt = at`); returns
     * whether there was one. A code works once, even under concurrent sign-ins.
     */
    readonly consumeRecoveryCode: (userId: UserId, codeHash: string, at: Date) => Effect.Effect<boolean>
    /** How many of the user's recovery codes are still unused. */
    readonly countUnusedRecoveryCodes: (userId: UserId) => Effect.Effect<number>
    /** Deletes every recovery code of the user. */
    readonly deleteRecoveryCodes: (userId: UserId) => Effect.Effect<void>
  }
>() {}

export class OneTimeTokenRepository extends Context.Tag("@roster/domain/OneTimeTokenRepository")<
  OneTimeTokenRepository,
  {
    /** Stores a new one-time token under the SHA-256 `hash` of its secret (hashes are unique). */
    readonly insert: (token: OneTimeToken.OneTimeToken, hash: string) => Effect.Effect<void>
    /**
     * Atomically consumes the token stored under `hash`: only if its purpose is `purpose`, it is
     * unused and `expiresAt` is after `now`, sets `usedAt = now` and returns it as stored after that;
     * otherwise none and nothing changes (SQL: one `UPDATE … WHERE … RETURNING`). A token works once.
     */
    readonly consume: (
      hash: string,
      purpose: OneTimeToken.Purpose,
      now: Date
    ) => Effect.Effect<Option.Option<OneTimeToken.OneTimeToken>>
    /**
     * The token stored under `hash` if `consume` would take it now (that purpose, unused, not
     * expired), without taking it: who a link is for, known before it is used.
     */
    readonly find: (
      hash: string,
      purpose: OneTimeToken.Purpose,
      now: Date
    ) => Effect.Effect<Option.Option<OneTimeToken.OneTimeToken>>
    /** Deletes every one-time token of the user, used or not (erasure). */
    readonly deleteAll: (userId: UserId) => Effect.Effect<void>
  }
>() {}

/** Every storage port of the domain: what a store provides, and the ports' contract covers. */
export type Ports =
  | OrganizationRepository
  | RoleRepository
  | UserRepository
  | MemberRepository
  | TokenRepository
  | EventRepository
  | Transactor
  | CredentialRepository
  | SessionRepository
  | LoginThrottleRepository
  | MfaRepository
  | OneTimeTokenRepository
