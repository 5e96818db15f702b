/**
 * Every port kept in memory: for tests, examples and library users who want the use cases without
 * a database. Same semantics as `@roster/store`: the ports' contract (`@roster/domain/testing`) runs
 * against both.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type { Credential } from "../model/identity/Credential.js"
import type { DomainEvent } from "../model/event/DomainEvent.js"
import type { MembershipId, OneTimeTokenId, OrganizationId, RoleId, SessionId, TokenId, UserId } from "../kernel/Ids.js"
import type { LoginThrottle } from "../model/identity/LoginThrottle.js"
import * as Cursor from "../kernel/Cursor.js"
import * as Text from "../kernel/Text.js"
import type { Member, OrganizationMembership } from "../model/membership/Member.js"
import type { Membership } from "../model/membership/Membership.js"
import * as MembershipPersonal from "../model/membership/Membership.js"
import type { Organization } from "../model/organization/Organization.js"
import { OrganizationNameTaken } from "../model/organization/OrganizationError.js"
import type * as OneTimeToken from "../model/identity/OneTimeToken.js"
import * as OrganizationToken from "../model/access/OrganizationToken.js"
import * as Policy from "../model/policy/Policy.js"
import {
  CredentialRepository,
  EventRepository,
  LoginThrottleRepository,
  MemberRepository,
  MfaRepository,
  OneTimeTokenRepository,
  OrganizationRepository,
  RoleRepository,
  SessionRepository,
  TokenRepository,
  Transactor,
  UserRepository
} from "../ports/Ports.js"
import type { Ports as AllPorts } from "../ports/Ports.js"
import type { Role } from "../model/organization/Role.js"
import * as Session from "../model/access/Session.js"
import type { TotpFactor } from "../model/identity/TotpFactor.js"
import * as User from "../model/identity/User.js"

interface State {
  readonly organizations: ReadonlyMap<OrganizationId, Organization>
  readonly roles: ReadonlyMap<RoleId, Role>
  readonly users: ReadonlyMap<UserId, User.User>
  readonly memberships: ReadonlyMap<MembershipId, Membership>
  readonly tokens: ReadonlyMap<TokenId, { readonly token: OrganizationToken.OrganizationToken; readonly hash: string }>
  readonly events: ReadonlyArray<DomainEvent>
  readonly credentials: ReadonlyMap<UserId, Credential>
  readonly sessions: ReadonlyMap<SessionId, { readonly session: Session.Session; readonly hash: string }>
  readonly throttles: ReadonlyMap<string, LoginThrottle>
  readonly totp: ReadonlyMap<UserId, TotpFactor>
  readonly recoveryCodes: ReadonlyArray<RecoveryCodeRow>
  readonly oneTimeTokens: ReadonlyMap<
    OneTimeTokenId,
    { readonly token: OneTimeToken.OneTimeToken; readonly hash: string }
  >
}

interface RecoveryCodeRow {
  readonly userId: UserId
  readonly codeHash: string
  readonly usedAt: Date | null
}

const empty: State = {
  organizations: new Map(),
  roles: new Map(),
  users: new Map(),
  memberships: new Map(),
  tokens: new Map(),
  events: [],
  credentials: new Map(),
  sessions: new Map(),
  throttles: new Map(),
  totp: new Map(),
  recoveryCodes: [],
  oneTimeTokens: new Map()
}

const put = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> => new Map(map).set(key, value)

const remove = <K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> => {
  const copy = new Map(map)
  copy.delete(key)
  return copy
}

const removeWhere = <K, V>(map: ReadonlyMap<K, V>, predicate: (value: V) => boolean): ReadonlyMap<K, V> =>
  new Map([...map].filter(([, value]) => !predicate(value)))

/** The one-time token stored under `hash` if it is of `purpose`, unused and unexpired at `now`. */
const usableOneTimeToken = (
  s: State,
  hash: string,
  purpose: OneTimeToken.Purpose,
  now: Date
): Option.Option<OneTimeToken.OneTimeToken> =>
  Option.fromNullable([...s.oneTimeTokens.values()].find((entry) => entry.hash === hash)).pipe(
    Option.map((entry) => entry.token),
    Option.filter(
      (token) => token.purpose === purpose && token.usedAt === null && token.expiresAt.getTime() > now.getTime()
    )
  )

// As the SQL store's `lower()`: both must agree on which spellings are one email or one name.
const lower = Text.lowerCase

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Ascending by creation time, then by the given id; the SQL store orders the same way. */
const byCreation =
  <A>(created: (a: A) => Date, id: (a: A) => string) =>
  (a: A, b: A): number =>
    created(a).getTime() - created(b).getTime() || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0)

const withoutKeys = (record: Record<string, unknown> | null, keys: ReadonlyArray<string>) => {
  if (record === null) return null
  const copy = { ...record }
  for (const key of keys) delete copy[key]
  return copy
}

/**
 * A page of `sorted` as the SQL store answers it: after the keyset position `after` when given (a
 * position compared as `compare` orders them), else from `start`; `next` is the last item's
 * position when more follow.
 */
const pageOf = <A>(
  sorted: ReadonlyArray<A>,
  query: { readonly size: number; readonly after?: ReadonlyArray<string> | undefined },
  start: number,
  position: (item: A) => ReadonlyArray<string>,
  compare: (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => number
) => {
  const { after } = query
  const rest = after === undefined ? sorted.slice(start) : sorted.filter((item) => compare(position(item), after) > 0)
  const items = rest.slice(0, query.size)
  return { items, next: rest.length > query.size ? position(items[items.length - 1]!) : null }
}

/** Positions of text keys and an id, compared as the SQL store's byte order does, `direction` 1 or -1. */
const byTextKey =
  (direction: number) =>
  (a: ReadonlyArray<string>, b: ReadonlyArray<string>): number =>
    direction * (compareText(a[0]!, b[0]!) || compareText(a[1]!, b[1]!))

/** Everything the ports need, over one state that a transaction can roll back. */
export const make = Effect.gen(function* () {
  const state = yield* Ref.make(empty)
  const lock = yield* Effect.makeSemaphore(1)
  // Per store instance, so two in-memory stores never share a transaction.
  const inTransaction = FiberRef.unsafeMake(false)

  const read = <A>(f: (s: State) => A) => Ref.get(state).pipe(Effect.map(f))
  const write = (f: (s: State) => State) => Ref.update(state, f)

  const memberOf = (s: State, membership: Membership): Member => ({
    user: s.users.get(membership.userId)!,
    membership,
    role: s.roles.get(membership.roleId)!
  })

  const organizations = OrganizationRepository.of({
    insert: (organization, roles) =>
      Effect.gen(function* () {
        const taken = yield* read((s) =>
          [...s.organizations.values()].some((o) => lower(o.name) === lower(organization.name))
        )
        if (taken) return yield* new OrganizationNameTaken({ name: organization.name })
        yield* write((s) => ({
          ...s,
          organizations: put(s.organizations, organization.id, organization),
          roles: roles.reduce((map, role) => put(map, role.id, role), s.roles)
        }))
      }),
    findById: (id) => read((s) => Option.fromNullable(s.organizations.get(id))),
    findByName: (name) =>
      read((s) => Option.fromNullable([...s.organizations.values()].find((o) => lower(o.name) === lower(name)))),
    list: read((s) =>
      [...s.organizations.values()].sort(
        byCreation(
          (o) => o.createdAt,
          (o) => o.id
        )
      )
    )
  })

  const rolesOf = (s: State, organizationId: OrganizationId) =>
    [...s.roles.values()].filter((role) => role.organizationId === organizationId)

  const roles = RoleRepository.of({
    list: (organizationId) => read((s) => rolesOf(s, organizationId)),
    findById: (organizationId, id) =>
      read((s) => Option.fromNullable(s.roles.get(id)).pipe(Option.filter((r) => r.organizationId === organizationId))),
    findByName: (organizationId, name) =>
      read((s) => Option.fromNullable(rolesOf(s, organizationId).find((r) => lower(r.name) === lower(name)))),
    findDefault: (organizationId) =>
      read((s) => Option.fromNullable(rolesOf(s, organizationId).find((r) => r.isDefault)))
  })

  const findUserByEmail = (s: State, email: string) =>
    Option.fromNullable([...s.users.values()].find((u) => lower(u.email) === lower(email)))

  const users = UserRepository.of({
    findByEmail: (email) => read((s) => findUserByEmail(s, email)),
    findById: (id) => read((s) => Option.fromNullable(s.users.get(id))),
    insertOrGet: (user) =>
      Ref.modify(state, (s) =>
        Option.match(findUserByEmail(s, user.email), {
          onSome: (existing) => [existing, s] as const,
          onNone: () => [user, { ...s, users: put(s.users, user.id, user) }] as const
        })
      ),
    update: (user) =>
      write((s) => (s.users.get(user.id)?.erasedAt != null ? s : { ...s, users: put(s.users, user.id, user) })),
    updateProfile: (id, profile) =>
      Ref.modify(state, (s) => {
        const user = s.users.get(id)
        if (user === undefined || user.erasedAt !== null) return [false, s] as const
        return [true, { ...s, users: put(s.users, id, { ...user, ...profile }) }] as const
      }),
    page: (query) =>
      read((s) => {
        const needle = query.q === undefined ? undefined : lower(query.q)
        const matching = [...s.users.values()]
          .filter(
            (u) =>
              u.erasedAt === null &&
              (query.platformAdmin === undefined || u.isPlatformAdmin === query.platformAdmin) &&
              (needle === undefined ||
                lower(u.email).includes(needle) ||
                (u.name !== null && lower(u.name).includes(needle)))
          )
          .sort((a, b) => compareText(lower(a.email), lower(b.email)) || compareText(a.id, b.id))
        const { items, next } = pageOf(
          matching,
          query,
          query.page * query.size,
          (user) => [lower(user.email), user.id],
          byTextKey(1)
        )
        return { items, total: matching.length, page: query.page, size: query.size, next }
      }),
    countPlatformAdmins: read((s) => [...s.users.values()].filter(Policy.isActingPlatformAdmin).length)
  })

  const matches = (member: Member, q: string) => {
    const needle = lower(q)
    const { firstName, lastName } = member.membership
    return [member.user.email, firstName, lastName, firstName && lastName ? `${firstName} ${lastName}` : null].some(
      (text) => text !== null && lower(text).includes(needle)
    )
  }

  /** Each member order's key, as the SQL store writes it (migration 0010's columns). */
  const sortKeys = {
    createdAt: (member: Member) => Cursor.instantOf(member.membership.createdAt),
    email: (member: Member) => lower(member.user.email),
    name: (member: Member) => lower(`${member.membership.firstName ?? ""} ${member.membership.lastName ?? ""}`)
  }

  const members = MemberRepository.of({
    find: (organizationId, userId) =>
      read((s) =>
        Option.fromNullable(
          [...s.memberships.values()].find((m) => m.organizationId === organizationId && m.userId === userId)
        ).pipe(Option.map((m) => memberOf(s, m)))
      ),
    page: (organizationId, query) =>
      read((s) => {
        const matching = [...s.memberships.values()]
          .filter(
            (m) =>
              m.organizationId === organizationId &&
              query.statuses.includes(m.status) &&
              (query.roleId === undefined || m.roleId === query.roleId)
          )
          .map((m) => memberOf(s, m))
          .filter((member) => query.q === undefined || matches(member, query.q))
          .filter((member) => query.email === undefined || lower(member.user.email).includes(lower(query.email)))
        const sort = query.sort ?? "createdAt"
        const direction = sort.startsWith("-") ? -1 : 1
        const key = sortKeys[(direction === -1 ? sort.slice(1) : sort) as keyof typeof sortKeys]
        const position = (member: Member) => [key(member), member.user.id]
        const compare = byTextKey(direction)
        const sorted = matching.sort((a, b) => compare(position(a), position(b)))
        const { items, next } = pageOf(sorted, query, query.offset ?? query.page * query.size, position, compare)
        return { items, total: matching.length, page: query.page, size: query.size, next }
      }),
    insert: (membership) => write((s) => ({ ...s, memberships: put(s.memberships, membership.id, membership) })),
    update: (membership) => write((s) => ({ ...s, memberships: put(s.memberships, membership.id, membership) })),
    record: (membership, event) =>
      write((s) => ({
        ...s,
        memberships: put(s.memberships, membership.id, membership),
        events: [...s.events, event]
      })),
    countActiveManagers: (organizationId) =>
      read(
        (s) =>
          [...s.memberships.values()].filter(
            (m) => m.organizationId === organizationId && Policy.isManager(m.status, s.roles.get(m.roleId)!.permissions)
          ).length
      ),
    countUnforgotten: (userId) =>
      read((s) => [...s.memberships.values()].filter((m) => m.userId === userId && m.status !== "FORGOTTEN").length),
    listForUser: (userId) =>
      read((s) =>
        [...s.memberships.values()]
          .filter((m) => m.userId === userId)
          .sort(
            byCreation(
              (m) => m.createdAt,
              (m) => m.organizationId
            )
          )
          .map(
            (membership): OrganizationMembership => ({
              organization: s.organizations.get(membership.organizationId)!,
              membership,
              role: s.roles.get(membership.roleId)!
            })
          )
      )
  })

  const tokens: TokenRepository["Type"] = TokenRepository.of({
    insert: (token, hash) => write((s) => ({ ...s, tokens: put(s.tokens, token.id, { token, hash }) })),
    use: (hash, now) =>
      Ref.modify(state, (s) => {
        const entry = [...s.tokens.values()].find((t) => t.hash === hash)
        const usable =
          entry !== undefined &&
          entry.token.revokedAt === null &&
          (entry.token.expiresAt === null || entry.token.expiresAt.getTime() > now.getTime())
        if (!usable) return [Option.none(), s] as const
        if (!OrganizationToken.isDueForLastUse(entry.token, now)) return [Option.some(entry.token), s] as const
        const token = { ...entry.token, lastUsedAt: now }
        return [Option.some(token), { ...s, tokens: put(s.tokens, token.id, { token, hash: entry.hash }) }] as const
      }),
    findById: (organizationId, id) =>
      read((s) =>
        Option.fromNullable(s.tokens.get(id)?.token).pipe(Option.filter((t) => t.organizationId === organizationId))
      ),
    list: (organizationId) =>
      read((s) =>
        [...s.tokens.values()]
          .map((t) => t.token)
          .filter((t) => t.organizationId === organizationId)
          .sort(
            byCreation(
              (t) => t.createdAt,
              (t) => t.id
            )
          )
          .reverse()
      ),
    page: (organizationId, query) =>
      Effect.map(tokens.list(organizationId), (newestFirst) =>
        pageOf(newestFirst, query, 0, (token) => [Cursor.instantOf(token.createdAt), token.id], byTextKey(-1))
      ),
    update: (token) =>
      write((s) => ({ ...s, tokens: put(s.tokens, token.id, { token, hash: s.tokens.get(token.id)!.hash }) }))
  })

  const eraseWhere = (predicate: (event: DomainEvent) => boolean, keys: ReadonlyArray<string>) =>
    write((s) => ({
      ...s,
      events: s.events.map((event) =>
        predicate(event)
          ? { ...event, before: withoutKeys(event.before, keys), after: withoutKeys(event.after, keys) }
          : event
      )
    }))

  const events = EventRepository.of({
    append: (event) => write((s) => ({ ...s, events: [...s.events, event] })),
    page: (scope, query) =>
      read((s) => {
        const sequence = new Map(s.events.map((event, i) => [event, i + 1]))
        const matching = s.events
          .filter(
            (e) =>
              (scope === "everywhere" || e.organizationId === scope) &&
              (query.userId === undefined || e.userId === query.userId) &&
              (query.types === undefined || query.types.includes(e.type))
          )
          .reverse()
        // An event's sequence is its place in the log, from 1, as the SQL store numbers them.
        const { items, next } = pageOf(
          matching,
          query,
          query.page * query.size,
          (event) => [String(sequence.get(event)!)],
          (a, b) => Number(b[0]) - Number(a[0])
        )
        return { items, total: matching.length, page: query.page, size: query.size, next }
      }),
    eraseMembershipData: (organizationId, userId) =>
      eraseWhere(
        (e) => e.organizationId === organizationId && e.userId === userId,
        MembershipPersonal.personalFields
      ).pipe(
        // A free-text reason may name the person too.
        Effect.zipRight(
          write((s) => ({
            ...s,
            events: s.events.map((e) =>
              e.organizationId === organizationId && e.userId === userId ? { ...e, reason: null } : e
            )
          }))
        )
      ),
    eraseIdentityData: (userId) => eraseWhere((e) => e.userId === userId, User.personalFields)
  })

  const credentials = CredentialRepository.of({
    get: (userId) => read((s) => Option.fromNullable(s.credentials.get(userId))),
    put: (credential) => write((s) => ({ ...s, credentials: put(s.credentials, credential.userId, credential) })),
    delete: (userId) => write((s) => ({ ...s, credentials: remove(s.credentials, userId) }))
  })

  const putSession = (s: State, session: Session.Session): State => ({
    ...s,
    sessions: put(s.sessions, session.id, { session, hash: s.sessions.get(session.id)!.hash })
  })

  const sessions = SessionRepository.of({
    insert: (session, hash) => write((s) => ({ ...s, sessions: put(s.sessions, session.id, { session, hash }) })),
    use: (hash, now) =>
      Ref.modify(state, (s) => {
        const entry = [...s.sessions.values()].find((e) => e.hash === hash)
        if (entry === undefined || !Session.isUsable(entry.session, now)) return [Option.none(), s] as const
        if (!Session.isDueForLastSeen(entry.session, now)) return [Option.some(entry.session), s] as const
        const session = { ...entry.session, lastSeenAt: now }
        return [Option.some(session), putSession(s, session)] as const
      }),
    listUsable: (userId, now) =>
      read((s) =>
        [...s.sessions.values()]
          .map((e) => e.session)
          .filter((session) => session.userId === userId && Session.isUsable(session, now))
          .sort(
            byCreation(
              (session) => session.createdAt,
              (session) => session.id
            )
          )
          .reverse()
      ),
    find: (userId, id) =>
      read((s) => Option.fromNullable(s.sessions.get(id)?.session).pipe(Option.filter((x) => x.userId === userId))),
    revoke: (userId, id, at) =>
      Ref.modify(state, (s) => {
        const session = s.sessions.get(id)?.session
        if (session === undefined || session.userId !== userId || session.revokedAt !== null) return [false, s] as const
        return [true, putSession(s, { ...session, revokedAt: at })] as const
      }),
    revokeAll: (userId, at, except) =>
      Ref.modify(state, (s) => {
        const revoked = [...s.sessions.values()]
          .map((e) => e.session)
          .filter((session) => session.userId === userId && session.id !== except && Session.isUsable(session, at))
        return [revoked.length, revoked.reduce((next, session) => putSession(next, { ...session, revokedAt: at }), s)]
      }),
    setPurpose: (id, purpose) =>
      write((s) => {
        const session = s.sessions.get(id)?.session
        return session === undefined ? s : putSession(s, { ...session, purpose })
      }),
    deleteAll: (userId) =>
      write((s) => ({ ...s, sessions: removeWhere(s.sessions, (e) => e.session.userId === userId) }))
  })

  const throttles = LoginThrottleRepository.of({
    get: (emailKey) => read((s) => Option.fromNullable(s.throttles.get(emailKey))),
    put: (throttle) => write((s) => ({ ...s, throttles: put(s.throttles, throttle.emailKey, throttle) })),
    clear: (emailKey) => write((s) => ({ ...s, throttles: remove(s.throttles, emailKey) }))
  })

  const mfa = MfaRepository.of({
    getTotp: (userId) => read((s) => Option.fromNullable(s.totp.get(userId))),
    putTotp: (factor) => write((s) => ({ ...s, totp: put(s.totp, factor.userId, factor) })),
    deleteTotp: (userId) => write((s) => ({ ...s, totp: remove(s.totp, userId) })),
    setLastUsedStep: (userId, step) =>
      Ref.modify(state, (s) => {
        const factor = s.totp.get(userId)
        if (factor === undefined || (factor.lastUsedStep !== null && factor.lastUsedStep >= step)) {
          return [false, s] as const
        }
        return [true, { ...s, totp: put(s.totp, userId, { ...factor, lastUsedStep: step }) }] as const
      }),
    replaceRecoveryCodes: (userId, codeHashes) =>
      write((s) => ({
        ...s,
        recoveryCodes: [
          ...s.recoveryCodes.filter((code) => code.userId !== userId),
          ...codeHashes.map((codeHash) => ({ userId, codeHash, usedAt: null }))
        ]
      })),
    consumeRecoveryCode: (userId, codeHash, at) =>
      Ref.modify(state, (s) => {
        const index = s.recoveryCodes.findIndex(
          (code) => code.userId === userId && code.codeHash === codeHash && code.usedAt === null
        )
        if (index === -1) return [false, s] as const
        const recoveryCodes = s.recoveryCodes.map((code, i) => (i === index ? { ...code, usedAt: at } : code))
        return [true, { ...s, recoveryCodes }] as const
      }),
    countUnusedRecoveryCodes: (userId) =>
      read((s) => s.recoveryCodes.filter((code) => code.userId === userId && code.usedAt === null).length),
    deleteRecoveryCodes: (userId) =>
      write((s) => ({ ...s, recoveryCodes: s.recoveryCodes.filter((code) => code.userId !== userId) }))
  })

  const oneTimeTokens = OneTimeTokenRepository.of({
    insert: (token, hash) => write((s) => ({ ...s, oneTimeTokens: put(s.oneTimeTokens, token.id, { token, hash }) })),
    consume: (hash, purpose, now) =>
      Ref.modify(state, (s) =>
        Option.match(usableOneTimeToken(s, hash, purpose, now), {
          onNone: () => [Option.none(), s] as const,
          onSome: (found) => {
            const token = { ...found, usedAt: now }
            return [
              Option.some(token),
              { ...s, oneTimeTokens: put(s.oneTimeTokens, token.id, { token, hash }) }
            ] as const
          }
        })
      ),
    find: (hash, purpose, now) => read((s) => usableOneTimeToken(s, hash, purpose, now)),
    deleteAll: (userId) =>
      write((s) => ({ ...s, oneTimeTokens: removeWhere(s.oneTimeTokens, (e) => e.token.userId === userId) }))
  })

  // One lock for every transaction: stricter than SQL (where changes of different members, and of
  // different organizations, run side by side, and `RowLock`s and `LockScope`s serialize only what
  // they name), never weaker. Row locks and `lock` then have nothing left to hold back: every read and
  // write of a transaction is already alone, as under the strictest of them.
  const transactor = Transactor.of({
    transaction: () => (effect) =>
      Effect.flatMap(FiberRef.get(inTransaction), (nested) =>
        nested
          ? effect
          : lock.withPermits(1)(
              Effect.flatMap(Ref.get(state), (before) =>
                Effect.locally(effect, inTransaction, true).pipe(
                  // All or nothing: on any failure, the state is as it was before.
                  Effect.onExit((exit) => (exit._tag === "Failure" ? Ref.set(state, before) : Effect.void))
                )
              )
            )
      ),
    lock: () => Effect.void
  })

  /** Every event stored, oldest first, in any organization or none: for tests and inspection (not a port). */
  const allEvents: Effect.Effect<ReadonlyArray<DomainEvent>> = read((s) => s.events)

  return {
    organizations,
    roles,
    users,
    members,
    tokens,
    events,
    transactor,
    credentials,
    sessions,
    throttles,
    mfa,
    oneTimeTokens,
    allEvents
  }
})

/** Every storage port of the domain. */
export type Ports = AllPorts

/** The implementations of every port, as `make` returns them (or as a test adjusts them). */
export interface Implementations {
  readonly organizations: OrganizationRepository["Type"]
  readonly roles: RoleRepository["Type"]
  readonly users: UserRepository["Type"]
  readonly members: MemberRepository["Type"]
  readonly tokens: TokenRepository["Type"]
  readonly events: EventRepository["Type"]
  readonly transactor: Transactor["Type"]
  readonly credentials: CredentialRepository["Type"]
  readonly sessions: SessionRepository["Type"]
  readonly throttles: LoginThrottleRepository["Type"]
  readonly mfa: MfaRepository["Type"]
  readonly oneTimeTokens: OneTimeTokenRepository["Type"]
}

/** A context holding every port from its implementations. */
export const context = (ports: Implementations): Context.Context<Ports> =>
  Context.make(OrganizationRepository, ports.organizations).pipe(
    Context.add(RoleRepository, ports.roles),
    Context.add(UserRepository, ports.users),
    Context.add(MemberRepository, ports.members),
    Context.add(TokenRepository, ports.tokens),
    Context.add(EventRepository, ports.events),
    Context.add(Transactor, ports.transactor),
    Context.add(CredentialRepository, ports.credentials),
    Context.add(SessionRepository, ports.sessions),
    Context.add(LoginThrottleRepository, ports.throttles),
    Context.add(MfaRepository, ports.mfa),
    Context.add(OneTimeTokenRepository, ports.oneTimeTokens)
  )

/** Fresh, empty in-memory storage for every port. */
export const layer: Layer.Layer<Ports> = Layer.effectContext(Effect.map(make, context))
