/**
 * The contract's fixtures: each stores one new thing through the ports and returns exactly what it
 * stored. Ids are random and names and emails unique, so tests sharing one storage never see each
 * other's data; dates carry milliseconds, so every round trip shows they survive to the millisecond.
 */
import * as Effect from "effect/Effect"
import {
  EventRepository,
  MemberRepository,
  OneTimeTokenRepository,
  OrganizationRepository,
  Permission,
  SessionRepository,
  TokenRepository,
  UserRepository,
  randomUuid
} from "../index.js"
import type {
  DomainEvent,
  Member,
  Membership,
  OneTimeToken,
  Organization,
  OrganizationId,
  OrganizationToken,
  Role,
  RoleId,
  Session,
  SessionId,
  User,
  UserId
} from "../index.js"

/** An arbitrary instant with milliseconds; every date in the suite is an offset from it. */
const epoch = Date.parse("2024-03-05T06:07:08.123Z")
export const at = (seconds: number): Date => new Date(epoch + seconds * 1000)

export const id = <A extends string>(): A => randomUuid() as A
export const unique = () => randomUuid().slice(0, 8)
/** Random hex, as long as a SHA-256: what the ports store in place of a secret. */
export const hash = () => randomUuid().replaceAll("-", "") + randomUuid().replaceAll("-", "")

/** Ascending by creation time, then id: the order lists of members and organizations use. */
export const byCreation =
  <A>(created: (a: A) => Date, key: (a: A) => string) =>
  (a: A, b: A) =>
    created(a).getTime() - created(b).getTime() || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)

export const makeRole = (organizationId: OrganizationId, fields: Partial<Role.Role> = {}): Role.Role => ({
  id: id<RoleId>(),
  organizationId,
  name: `Role ${unique()}`,
  permissions: ["can_view_users"],
  isDefault: false,
  ...fields
})

export interface Org {
  readonly organization: Organization.Organization
  readonly admin: Role.Role
  readonly member: Role.Role
}

export const newOrganization = (fields: Partial<Organization.Organization> = {}) =>
  Effect.gen(function* () {
    const organization: Organization.Organization = {
      id: id<OrganizationId>(),
      name: `Org ${randomUuid()}`,
      createdAt: at(0),
      ...fields
    }
    const admin = makeRole(organization.id, { name: "Admin", permissions: [...Permission.all] })
    const member = makeRole(organization.id, { name: "Member", permissions: ["can_view_users"], isDefault: true })
    // Names are random: a clash would be a bug of the storage, not an expected failure.
    yield* Effect.orDie((yield* OrganizationRepository).insert(organization, [admin, member]))
    return { organization, admin, member } satisfies Org
  })

export const makeUser = (fields: Partial<User.User> = {}): User.User => ({
  id: id<UserId>(),
  email: `user-${randomUuid()}@example.com`,
  name: null,
  avatarUrl: null,
  idpId: null,
  createdAt: at(1),
  lastSignedInAt: null,
  emailVerifiedAt: null,
  mfaEnrolledAt: null,
  isPlatformAdmin: false,
  disabledAt: null,
  erasedAt: null,
  ...fields
})

export const newUser = (fields: Partial<User.User> = {}) =>
  Effect.flatMap(UserRepository, (users) => users.insertOrGet(makeUser(fields)))

export const makeMembership = (
  org: Org,
  user: User.User,
  fields: Partial<Membership.Membership> = {}
): Membership.Membership => ({
  id: id(),
  userId: user.id,
  organizationId: org.organization.id,
  roleId: org.member.id,
  status: "ACTIVE",
  firstName: null,
  lastName: null,
  title: null,
  createdAt: at(2),
  updatedAt: at(2),
  ...fields
})

/** A new user and their membership in `org`, stored; the member as `find` should return it. */
export const newMember = (
  org: Org,
  fields: Partial<Membership.Membership> = {},
  userFields: Partial<User.User> = {}
): Effect.Effect<Member.Member, never, UserRepository | MemberRepository> =>
  Effect.gen(function* () {
    const user = yield* newUser(userFields)
    const membership = makeMembership(org, user, fields)
    yield* (yield* MemberRepository).insert(membership)
    const role = [org.admin, org.member].find((r) => r.id === membership.roleId)
    return { user, membership, role: role! }
  })

const makeToken = (
  org: Org,
  fields: Partial<OrganizationToken.OrganizationToken> = {}
): OrganizationToken.OrganizationToken => ({
  id: id(),
  organizationId: org.organization.id,
  name: `token ${unique()}`,
  permissions: ["can_view_users", "can_manage_tokens"],
  createdAt: at(3),
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  createdByUserId: null,
  ...fields
})

/** A new token of `org`, stored under a random hash; returns both. */
export const newToken = (org: Org, fields: Partial<OrganizationToken.OrganizationToken> = {}) =>
  Effect.gen(function* () {
    const token = makeToken(org, fields)
    const hash = randomUuid().replaceAll("-", "")
    yield* (yield* TokenRepository).insert(token, hash)
    return { token, hash }
  })

export const makeEvent = (
  organizationId: OrganizationId | null,
  fields: Partial<DomainEvent.DomainEvent> = {}
): DomainEvent.DomainEvent => ({
  id: id(),
  organizationId,
  userId: null,
  actor: { type: "operator", id: null },
  type: "user.profile_updated",
  before: null,
  after: null,
  reason: null,
  at: at(4),
  ...fields
})

export const appendAll = (events: ReadonlyArray<DomainEvent.DomainEvent>) =>
  Effect.flatMap(EventRepository, (repository) => Effect.forEach(events, repository.append, { discard: true }))

const makeSession = (userId: UserId, fields: Partial<Session.Session> = {}): Session.Session => ({
  id: id<SessionId>(),
  userId,
  purpose: "full",
  createdAt: at(0),
  expiresAt: at(3_600.5),
  lastSeenAt: at(0),
  userAgent: "Mozilla/5.0 (contract)",
  ip: "203.0.113.7",
  revokedAt: null,
  ...fields
})

/** A new session stored under a random hash; returns both. */
export const newSession = (userId: UserId, fields: Partial<Session.Session> = {}) =>
  Effect.gen(function* () {
    const session = makeSession(userId, fields)
    const secretHash = hash()
    yield* (yield* SessionRepository).insert(session, secretHash)
    return { session, hash: secretHash }
  })

export const newOneTimeToken = (userId: UserId, fields: Partial<OneTimeToken.OneTimeToken> = {}) =>
  Effect.gen(function* () {
    const token: OneTimeToken.OneTimeToken = {
      id: id(),
      userId,
      purpose: "magic_link",
      createdAt: at(0),
      expiresAt: at(900.25),
      usedAt: null,
      createdBy: { type: "user", id: userId },
      ...fields
    }
    const tokenHash = hash()
    yield* (yield* OneTimeTokenRepository).insert(token, tokenHash)
    return { token, hash: tokenHash }
  })
