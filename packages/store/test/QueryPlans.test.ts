/**
 * Every statement the SQL ports send can be served by an index. Each case calls a real port and
 * records the SQL it sends (a `Statement` transformer: the port's own text and parameters, never a
 * copy), then EXPLAINs each statement in the same transaction with `enable_seqscan = off`, on a
 * seeded database. Sequential scans priced out, the planner takes an index wherever one can serve,
 * so a Seq Scan left in a plan means none can; an index read end to end (no condition on its leading
 * key) means one serves the order at most, not the filter. A shape that may read a table whole says
 * why: a list of everything there is, or a plan PostgreSQL 15 gets wrong. Writes are rolled back.
 * Runs on PGlite (PostgreSQL 18) and, when enabled, on a PostgreSQL server.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import {
  MembershipId,
  MembershipStatus,
  OneTimeTokenId,
  OrganizationId,
  RoleId,
  SessionId,
  TokenId,
  User,
  UserId,
  EventId,
  randomUuid,
  type DomainEvent
} from "@roster/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Crypto from "node:crypto"
import * as SqlIdentity from "../src/SqlIdentity.js"
import * as SqlStore from "../src/SqlStore.js"
import { describeScan, plan, rolledBack, type Scan } from "./Plans.js"
import * as TestDatabase from "./TestDatabase.js"

type Ports = Effect.Effect.Success<typeof SqlStore.make> & Effect.Effect.Success<typeof SqlIdentity.make>

class Seeded extends Context.Tag("@roster/store/test/QueryPlans/Seeded")<
  Seeded,
  {
    readonly ports: Ports
    readonly fixtures: Fixtures
    /** Each index's first key column or expression, as EXPLAIN prints it. */
    readonly leadingKeys: ReadonlyMap<string, string>
  }
>() {}

/** `md5(text)::uuid`, as the seed makes ids, so that tests can name seeded rows. */
const uuidOf = (text: string) =>
  Crypto.createHash("md5")
    .update(text)
    .digest("hex")
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5")
const md5 = (text: string) => Crypto.createHash("md5").update(text).digest("hex")

/** The seeded rows a case names: user 140 is a member of organizations 0 and 1 and has one of everything. */
interface Fixtures {
  readonly organizationId: OrganizationId
  readonly memberRoleId: RoleId
  readonly userId: UserId
  readonly email: string
  readonly sessionHash: string
  readonly sessionId: SessionId
  readonly tokenHash: string
  readonly tokenId: TokenId
  readonly oneTimeTokenHash: string
  readonly recoveryCodeHash: string
  readonly throttleKey: string
  /** A user who is not a member of `organizationId`. */
  readonly outsiderId: UserId
}

const fixtures: Fixtures = {
  organizationId: OrganizationId.make(uuidOf("organization0")),
  memberRoleId: RoleId.make(uuidOf("role0Member")),
  userId: UserId.make(uuidOf("user140")),
  email: "User140@Example.com",
  sessionHash: md5("session140-1"),
  sessionId: SessionId.make(uuidOf("session140-1")),
  tokenHash: md5("token0-1"),
  tokenId: TokenId.make(uuidOf("token0-1")),
  oneTimeTokenHash: md5("ott140"),
  recoveryCodeHash: md5("code140-1"),
  throttleKey: "user140@example.com",
  outsiderId: UserId.make(uuidOf("user1"))
}

const operatorActor = `{"type":"operator","id":null}`

/**
 * A small multi-tenant platform: 1000 users in 20 organizations (user i in organization i % 20, and
 * every seventh also in the next one), with events, tokens, sessions and secrets for all. No one
 * organization or user holds much of any table, as in production, so the planner has no reason to
 * read a whole table where an index narrows it. Ids and hashes are md5s of names (see `uuidOf`).
 */
const seed = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    INSERT INTO organizations (id, name, created_at)
    SELECT md5('organization' || k)::uuid, 'Organization ' || k, now() FROM generate_series(0, 19) AS k`
  yield* sql`
    INSERT INTO roles (id, organization_id, name, permissions, is_default)
    SELECT md5('role' || k || r.name)::uuid, md5('organization' || k)::uuid, r.name, r.permissions, r.is_default
    FROM generate_series(0, 19) AS k,
         (VALUES ('Admin', '{can_manage_users,can_view_users}'::text[], false),
                 ('Member', '{can_view_users}'::text[], true)) AS r (name, permissions, is_default)`
  yield* sql`
    INSERT INTO users (id, email, name, created_at, is_platform_admin)
    SELECT md5('user' || i)::uuid, 'user' || i || '@example.com', 'User ' || i, now() - i * interval '1 minute',
           i % 100 = 0
    FROM generate_series(1, 1000) AS i`
  yield* sql`
    INSERT INTO memberships (id, user_id, organization_id, role_id, status, first_name, last_name, title, created_at, updated_at)
    SELECT gen_random_uuid(), md5('user' || i)::uuid, md5('organization' || o.k)::uuid,
           md5('role' || o.k || CASE WHEN i % 10 = 0 THEN 'Admin' ELSE 'Member' END)::uuid,
           (ARRAY['ACTIVE', 'ACTIVE', 'INACTIVE', 'TERMINATED', 'REMOVED', 'FORGOTTEN'])[1 + i % 6],
           'First' || i, 'Last' || i, 'Engineer', now() - i * interval '1 minute', now()
    FROM generate_series(1, 1000) AS i,
         LATERAL (VALUES (i % 20), (CASE WHEN i % 7 = 0 THEN (i + 1) % 20 END)) AS o (k)
    WHERE o.k IS NOT NULL`
  yield* sql`
    INSERT INTO events (id, organization_id, user_id, actor, type, after, at)
    SELECT gen_random_uuid(), m.organization_id, m.user_id, ${operatorActor}::jsonb,
           (ARRAY['user.added', 'user.deactivated', 'user.activated'])[k], jsonb_build_object('firstName', m.first_name),
           now()
    FROM memberships m, generate_series(1, 3) AS k`
  yield* sql`
    INSERT INTO events (id, organization_id, user_id, actor, type, after, at)
    SELECT gen_random_uuid(), NULL, md5('user' || i)::uuid, ${operatorActor}::jsonb, 'session.created', '{}', now()
    FROM generate_series(1, 1000) AS i`
  // A rare type, as an audit search for one would look for.
  yield* sql`
    INSERT INTO events (id, organization_id, user_id, actor, type, after, at)
    SELECT gen_random_uuid(), NULL, md5('user' || i)::uuid, ${operatorActor}::jsonb, 'platform_admin.promoted', '{}', now()
    FROM generate_series(100, 1000, 100) AS i`
  yield* sql`
    INSERT INTO organization_tokens (id, organization_id, name, token_hash, permissions, created_at)
    SELECT md5('token' || k || '-' || j)::uuid, md5('organization' || k)::uuid, 'Token ' || j,
           md5('token' || k || '-' || j), '{can_view_users}', now() - j * interval '1 minute'
    FROM generate_series(0, 19) AS k, generate_series(1, 20) AS j`
  yield* sql`
    INSERT INTO credentials (user_id, password_hash, must_change_password, changed_at)
    SELECT md5('user' || i)::uuid, 'argon2id', false, now() FROM generate_series(1, 1000) AS i`
  // Two sessions a user: one live, one revoked.
  yield* sql`
    INSERT INTO sessions (id, user_id, token_hash, purpose, created_at, expires_at, last_seen_at, revoked_at)
    SELECT md5('session' || i || '-' || j)::uuid, md5('user' || i)::uuid, md5('session' || i || '-' || j), 'full',
           now() - j * interval '1 hour', now() + interval '30 days', now() - interval '1 hour',
           CASE WHEN j = 2 THEN now() END
    FROM generate_series(1, 1000) AS i, generate_series(1, 2) AS j`
  yield* sql`
    INSERT INTO one_time_tokens (id, user_id, purpose, token_hash, created_at, expires_at, created_by)
    SELECT gen_random_uuid(), md5('user' || i)::uuid, 'magic_link', md5('ott' || i), now(), now() + interval '15 minutes',
           ${operatorActor}::jsonb
    FROM generate_series(1, 1000) AS i`
  yield* sql`
    INSERT INTO totp_factors (user_id, sealed_secret, created_at, enabled_at)
    SELECT md5('user' || i)::uuid, 'sealed', now(), now() FROM generate_series(1, 200) AS i`
  yield* sql`
    INSERT INTO recovery_codes (id, user_id, code_hash)
    SELECT gen_random_uuid(), md5('user' || i)::uuid, md5('code' || i || '-' || j)
    FROM generate_series(1, 200) AS i, generate_series(1, 10) AS j`
  yield* sql`
    INSERT INTO login_throttle (email_key, failures, window_start)
    SELECT 'user' || i || '@example.com', 1, now() FROM generate_series(1, 200) AS i`
  // As autovacuum would; only the application's tables (a bare ANALYZE does the catalogs too).
  const tables = yield* sql<{ readonly name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`
  for (const table of tables) yield* sql`ANALYZE ${sql(table.name)}`
  const indexes = yield* sql<{ readonly name: string; readonly leadingKey: string }>`
    SELECT c.relname AS name, pg_get_indexdef(i.indexrelid, 1, true) AS leading_key
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE c.relnamespace = current_schema()::regnamespace`
  const ports: Ports = { ...(yield* SqlStore.make), ...(yield* SqlIdentity.make) }
  return { ports, fixtures, leadingKeys: new Map(indexes.map((index) => [index.name, index.leadingKey])) }
}).pipe(Effect.orDie)

/** Partial indexes whose predicate alone picks out a few rows: read whole, they still narrow. */
const selectivePartialIndexes: ReadonlyArray<string> = ["users_platform_admin_idx"]

/**
 * Whether `condition` constrains `key`, the index's leading key. A condition on a later key only
 * filters while reading the whole index (PostgreSQL 18 may skip-scan it instead; 15 cannot).
 * Indexed columns print bare in an Index Cond, the other relation's qualified (`m.user_id`).
 */
const constrains = (condition: string | undefined, key: string | undefined) =>
  condition !== undefined &&
  key !== undefined &&
  new RegExp(`(?<![\\w.])${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?!\\w)`).test(condition)

/**
 * What is wrong with a statement's plan: a Seq Scan (no index can serve it), or an index read end
 * to end (one serves its order at most, not its filter). `wholeTable` lists what a shape may read
 * whole, by design.
 */
const problems = (
  scans: ReadonlyArray<Scan>,
  leadingKeys: ReadonlyMap<string, string>,
  wholeTable: ReadonlyArray<string> = []
): ReadonlyArray<string> =>
  scans.flatMap((scan) => {
    if (scan.node === "Seq Scan") return wholeTable.includes("Seq Scan") ? [] : [`Seq Scan on ${scan.relation}`]
    if (scan.index === undefined || selectivePartialIndexes.includes(scan.index)) return []
    if (constrains(scan.condition, leadingKeys.get(scan.index)) || wholeTable.includes(scan.index)) return []
    return [`${scan.node} reads all of ${scan.index}`]
  })

// ---------------------------------------------------------------------------------------------
// The query shapes

interface Shape {
  readonly name: string
  readonly run: (ports: Ports, fixtures: Fixtures) => Effect.Effect<unknown, unknown>
  /** What the shape may read whole ("Seq Scan", or an index walked for its order), and why. */
  readonly wholeTable?: { readonly through: ReadonlyArray<string>; readonly because: string }
}

const page = { page: 0, size: 20 } as const
const pastTheEnd = { page: 1000, size: 20 } as const
const listed = MembershipStatus.listedByDefault

const someEvent = (f: Fixtures): DomainEvent.DomainEvent => ({
  id: EventId.make(randomUuid()),
  organizationId: f.organizationId,
  userId: f.userId,
  actor: { type: "operator", id: null },
  type: "user.deactivated",
  before: { status: "ACTIVE" },
  after: { status: "INACTIVE" },
  reason: null,
  at: new Date()
})

const found = <A>(effect: Effect.Effect<Option.Option<A>>) =>
  Effect.flatMap(
    effect,
    Effect.orDieWith(() => "the seeded row is missing")
  )

const everyIdentity = {
  through: ["users_list_idx"],
  because: "platform admins list every identity, in email order"
}

const everyIdentityByQ = {
  through: ["users_list_idx", "users_email_key"],
  because:
    "a list of every identity in email order: the planner may walk the email index rather than sort the trigram matches; the count past the end shows the trigram indexes serve q"
}

const walkedByPostgres15 = {
  through: ["events_pkey"],
  because:
    "PostgreSQL 15 prices count(*) OVER () as if the LIMIT stopped the scan early, so it may walk the whole log newest first instead of the organization's index (PGlite's PostgreSQL 18 does not); the count past the end shows that index serves the filter"
}

/** Every statement of the ports, in their variants (each filter of a list, and their combinations). */
const shapes: ReadonlyArray<Shape> = [
  // Organizations and roles
  { name: "organizations.findById", run: (p, f) => p.organizations.findById(f.organizationId) },
  { name: "organizations.findByName", run: (p) => p.organizations.findByName("ORGANIZATION 0") },
  {
    name: "organizations.list",
    run: (p) => p.organizations.list,
    wholeTable: { through: ["Seq Scan"], because: "it is every organization, for the operator and platform admins" }
  },
  { name: "organizations.insert", run: (p) => p.organizations.insert(newOrganization(), []) },
  { name: "roles.list", run: (p, f) => p.roles.list(f.organizationId) },
  { name: "roles.findById", run: (p, f) => p.roles.findById(f.organizationId, f.memberRoleId) },
  { name: "roles.findByName", run: (p, f) => p.roles.findByName(f.organizationId, "member") },
  { name: "roles.findDefault", run: (p, f) => p.roles.findDefault(f.organizationId) },
  {
    name: "transaction taking an organization's managers lock",
    run: (p, f) => p.transactor.transaction({ managers: f.organizationId })(Effect.void)
  },
  {
    name: "transaction taking an email's lock",
    run: (p, f) => p.transactor.transaction({ email: f.email })(Effect.void)
  },
  { name: "transaction locking the platform", run: (p) => p.transactor.transaction("platform")(Effect.void) },

  // Identities
  { name: "users.findById", run: (p, f) => p.users.findById(f.userId) },
  { name: "users.findByEmail", run: (p, f) => p.users.findByEmail(f.email) },
  {
    name: "users.insertOrGet of a new email",
    run: (p) =>
      p.users.insertOrGet(User.make({ id: UserId.make(randomUuid()), email: "new@example.com", createdAt: new Date() }))
  },
  {
    name: "users.insertOrGet of a known email",
    run: (p, f) =>
      p.users.insertOrGet(User.make({ id: UserId.make(randomUuid()), email: f.email, createdAt: new Date() }))
  },
  { name: "users.update", run: (p, f) => Effect.flatMap(found(p.users.findById(f.userId)), p.users.update) },
  {
    name: "users.updateProfile",
    run: (p, f) => p.users.updateProfile(f.userId, { name: "Ada", avatarUrl: "https://example.com/ada.png" })
  },
  { name: "users.page", run: (p) => p.users.page(page), wholeTable: everyIdentity },
  { name: "users.page by q", run: (p) => p.users.page({ ...page, q: "user14" }), wholeTable: everyIdentityByQ },
  { name: "users.page of platform admins", run: (p) => p.users.page({ ...page, platformAdmin: true }) },
  {
    name: "users.page of other identities",
    run: (p) => p.users.page({ ...page, platformAdmin: false }),
    wholeTable: everyIdentity
  },
  {
    name: "users.page of platform admins by q",
    run: (p) => p.users.page({ ...page, q: "user1", platformAdmin: true })
  },
  {
    // With no order to keep, the count must find the matches through the trigram indexes.
    name: "users.page by q past the end (count)",
    run: (p) => p.users.page({ ...pastTheEnd, q: "user14" }),
    wholeTable: everyIdentityByQ
  },
  { name: "users.countPlatformAdmins", run: (p) => p.users.countPlatformAdmins },

  // Members: an organization's user list. The search ORs the user's email with the membership's
  // names, two tables, so no trigram index can serve it; the organization's index narrows it.
  { name: "members.find", run: (p, f) => p.members.find(f.organizationId, f.userId) },
  { name: "members.find locked share", run: (p, f) => p.members.find(f.organizationId, f.userId, "share") },
  { name: "members.find locked update", run: (p, f) => p.members.find(f.organizationId, f.userId, "update") },
  { name: "members.page", run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: listed }) },
  {
    name: "members.page deep",
    run: (p, f) => p.members.page(f.organizationId, { page: 2, size: 20, statuses: MembershipStatus.all })
  },
  {
    name: "members.page by status",
    run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: ["INACTIVE"] })
  },
  {
    name: "members.page by role",
    run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: listed, roleId: f.memberRoleId })
  },
  {
    name: "members.page by q on the email",
    run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: listed, q: "user14" })
  },
  {
    name: "members.page by q on the full name",
    run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: listed, q: "first140 last" })
  },
  {
    name: "members.page by email",
    run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: listed, email: "user14" })
  },
  {
    name: "members.page by email and q",
    run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: listed, email: "example", q: "first14" })
  },
  {
    name: "members.page by email past the end (count)",
    run: (p, f) => p.members.page(f.organizationId, { ...pastTheEnd, statuses: listed, email: "user14" })
  },
  {
    name: "members.page at an offset",
    run: (p, f) => p.members.page(f.organizationId, { ...page, offset: 25, statuses: listed })
  },
  {
    name: "members.page by status and role",
    run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: ["ACTIVE"], roleId: f.memberRoleId })
  },
  {
    name: "members.page by status and q",
    run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: ["ACTIVE"], q: "user14" })
  },
  {
    name: "members.page by role and q",
    run: (p, f) => p.members.page(f.organizationId, { ...page, statuses: listed, roleId: f.memberRoleId, q: "user1" })
  },
  {
    name: "members.page by status, role and q",
    run: (p, f) =>
      p.members.page(f.organizationId, { ...page, statuses: ["INACTIVE"], roleId: f.memberRoleId, q: "user1" })
  },
  {
    name: "members.page past the end (count)",
    run: (p, f) => p.members.page(f.organizationId, { ...pastTheEnd, statuses: listed })
  },
  {
    name: "members.page by status, role and q past the end (count)",
    run: (p, f) =>
      p.members.page(f.organizationId, { ...pastTheEnd, statuses: ["ACTIVE"], roleId: f.memberRoleId, q: "user1" })
  },
  {
    name: "members.insert",
    run: (p, f) =>
      p.members.insert({
        id: MembershipId.make(randomUuid()),
        userId: f.outsiderId,
        organizationId: f.organizationId,
        roleId: f.memberRoleId,
        status: "ACTIVE",
        firstName: null,
        lastName: null,
        title: null,
        createdAt: new Date(),
        updatedAt: new Date()
      })
  },
  {
    name: "members.update",
    run: (p, f) =>
      Effect.flatMap(found(p.members.find(f.organizationId, f.userId)), (member) =>
        p.members.update({ ...member.membership, status: "INACTIVE" })
      )
  },
  {
    name: "members.record",
    run: (p, f) =>
      Effect.flatMap(found(p.members.find(f.organizationId, f.userId)), (member) =>
        p.members.record({ ...member.membership, status: "INACTIVE" }, someEvent(f))
      )
  },
  { name: "members.countActiveManagers", run: (p, f) => p.members.countActiveManagers(f.organizationId) },
  { name: "members.listForUser", run: (p, f) => p.members.listForUser(f.userId) },
  { name: "members.countUnforgotten", run: (p, f) => p.members.countUnforgotten(f.userId) },

  // Organization tokens
  { name: "tokens.use (authentication)", run: (p, f) => p.tokens.use(f.tokenHash, new Date()) },
  { name: "tokens.insert", run: (p, f) => p.tokens.insert(newToken(f), md5(randomUuid())) },
  { name: "tokens.findById", run: (p, f) => p.tokens.findById(f.organizationId, f.tokenId) },
  { name: "tokens.findById locked", run: (p, f) => p.tokens.findById(f.organizationId, f.tokenId, "update") },
  { name: "tokens.list", run: (p, f) => p.tokens.list(f.organizationId) },
  {
    name: "tokens.update",
    run: (p, f) =>
      Effect.flatMap(found(p.tokens.findById(f.organizationId, f.tokenId)), (token) =>
        p.tokens.update({ ...token, revokedAt: new Date() })
      )
  },

  // The audit log
  { name: "events.append", run: (p, f) => p.events.append(someEvent(f)) },
  {
    name: "events.page of an organization",
    run: (p, f) => p.events.page(f.organizationId, page),
    wholeTable: walkedByPostgres15
  },
  {
    name: "events.page of an organization by user",
    run: (p, f) => p.events.page(f.organizationId, { ...page, userId: f.userId })
  },
  {
    name: "events.page of an organization by type",
    run: (p, f) => p.events.page(f.organizationId, { ...page, types: ["user.deactivated"] }),
    wholeTable: walkedByPostgres15
  },
  {
    name: "events.page of an organization by user and type",
    run: (p, f) => p.events.page(f.organizationId, { ...page, userId: f.userId, types: ["user.deactivated"] })
  },
  {
    name: "events.page of an organization past the end (count)",
    run: (p, f) => p.events.page(f.organizationId, pastTheEnd)
  },
  {
    name: "events.page everywhere",
    run: (p) => p.events.page("everywhere", page),
    wholeTable: { through: ["events_pkey"], because: "it is every event there is, newest first" }
  },
  { name: "events.page everywhere by user", run: (p, f) => p.events.page("everywhere", { ...page, userId: f.userId }) },
  {
    name: "events.page everywhere by type",
    run: (p) => p.events.page("everywhere", { ...page, types: ["platform_admin.promoted", "platform_admin.demoted"] })
  },
  { name: "events.eraseMembershipData", run: (p, f) => p.events.eraseMembershipData(f.organizationId, f.userId) },
  { name: "events.eraseIdentityData", run: (p, f) => p.events.eraseIdentityData(f.userId) },

  // Credentials and sign-in throttling
  { name: "credentials.get", run: (p, f) => p.credentials.get(f.userId) },
  {
    name: "credentials.put",
    run: (p, f) =>
      p.credentials.put({
        userId: f.userId,
        passwordHash: "argon2id",
        mustChangePassword: false,
        changedAt: new Date()
      })
  },
  { name: "credentials.delete", run: (p, f) => p.credentials.delete(f.userId) },
  { name: "loginThrottle.get", run: (p, f) => p.loginThrottle.get(f.throttleKey) },
  {
    name: "loginThrottle.put",
    run: (p, f) =>
      p.loginThrottle.put({ emailKey: f.throttleKey, failures: 2, windowStart: new Date(), lockedUntil: null })
  },
  { name: "loginThrottle.clear", run: (p, f) => p.loginThrottle.clear(f.throttleKey) },
  {
    name: "transaction locking a login throttle key",
    run: (p, f) => p.transactor.transaction({ loginThrottle: f.throttleKey })(Effect.void)
  },

  // Sessions
  { name: "sessions.use (authentication)", run: (p, f) => p.sessions.use(f.sessionHash, new Date()) },
  { name: "sessions.insert", run: (p, f) => p.sessions.insert(newSession(f), md5(randomUuid())) },
  { name: "sessions.listUsable", run: (p, f) => p.sessions.listUsable(f.userId, new Date()) },
  { name: "sessions.find", run: (p, f) => p.sessions.find(f.userId, f.sessionId) },
  { name: "sessions.find locked", run: (p, f) => p.sessions.find(f.userId, f.sessionId, "share") },
  { name: "sessions.revoke", run: (p, f) => p.sessions.revoke(f.userId, f.sessionId, new Date()) },
  { name: "sessions.revokeAll", run: (p, f) => p.sessions.revokeAll(f.userId, new Date()) },
  { name: "sessions.revokeAll but one", run: (p, f) => p.sessions.revokeAll(f.userId, new Date(), f.sessionId) },
  { name: "sessions.setPurpose", run: (p, f) => p.sessions.setPurpose(f.sessionId, "full") },
  { name: "sessions.deleteAll (erasure)", run: (p, f) => p.sessions.deleteAll(f.userId) },

  // Second factors
  { name: "mfa.getTotp", run: (p, f) => p.mfa.getTotp(f.userId) },
  {
    name: "mfa.putTotp",
    run: (p, f) =>
      p.mfa.putTotp({
        userId: f.userId,
        sealedSecret: "sealed",
        createdAt: new Date(),
        enabledAt: null,
        lastUsedStep: null
      })
  },
  { name: "mfa.deleteTotp", run: (p, f) => p.mfa.deleteTotp(f.userId) },
  { name: "mfa.setLastUsedStep", run: (p, f) => p.mfa.setLastUsedStep(f.userId, 1_000) },
  { name: "mfa.replaceRecoveryCodes", run: (p, f) => p.mfa.replaceRecoveryCodes(f.userId, [md5("a"), md5("b")]) },
  {
    name: "mfa.consumeRecoveryCode",
    run: (p, f) => p.mfa.consumeRecoveryCode(f.userId, f.recoveryCodeHash, new Date())
  },
  { name: "mfa.countUnusedRecoveryCodes", run: (p, f) => p.mfa.countUnusedRecoveryCodes(f.userId) },
  { name: "mfa.deleteRecoveryCodes", run: (p, f) => p.mfa.deleteRecoveryCodes(f.userId) },

  // One-time tokens
  { name: "oneTimeTokens.insert", run: (p, f) => p.oneTimeTokens.insert(newOneTimeToken(f), md5(randomUuid())) },
  {
    name: "oneTimeTokens.consume",
    run: (p, f) => p.oneTimeTokens.consume(f.oneTimeTokenHash, "magic_link", new Date())
  },
  { name: "oneTimeTokens.find", run: (p, f) => p.oneTimeTokens.find(f.oneTimeTokenHash, "magic_link", new Date()) },
  { name: "oneTimeTokens.deleteAll", run: (p, f) => p.oneTimeTokens.deleteAll(f.userId) }
]

const newOrganization = () => ({
  id: OrganizationId.make(randomUuid()),
  name: `Organization ${randomUuid()}`,
  createdAt: new Date()
})

const newToken = (f: Fixtures) => ({
  id: TokenId.make(randomUuid()),
  organizationId: f.organizationId,
  name: "CI",
  permissions: ["can_view_users"] as const,
  createdAt: new Date(),
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  createdByUserId: null
})

const newSession = (f: Fixtures) => ({
  id: SessionId.make(randomUuid()),
  userId: f.userId,
  purpose: "full" as const,
  createdAt: new Date(),
  expiresAt: new Date(Date.now() + 86_400_000),
  lastSeenAt: new Date(),
  userAgent: null,
  ip: null,
  revokedAt: null
})

const newOneTimeToken = (f: Fixtures) => ({
  id: OneTimeTokenId.make(randomUuid()),
  userId: f.userId,
  purpose: "magic_link" as const,
  createdAt: new Date(),
  expiresAt: new Date(Date.now() + 900_000),
  usedAt: null,
  createdBy: { type: "operator", id: null }
})

for (const driver of TestDatabase.drivers()) {
  layer(Layer.effect(Seeded, seed).pipe(Layer.provideMerge(driver.layer())), {
    excludeTestServices: true,
    timeout: "2 minutes"
  })(`QueryPlans (${driver.name})`, (it) => {
    for (const shape of shapes) {
      it.effect(shape.name, () =>
        Effect.gen(function* () {
          const { ports, fixtures, leadingKeys } = yield* Seeded
          const planned = yield* plan(shape.run(ports, fixtures))
          assert.isNotEmpty(planned, "the port sent no statement")
          for (const statement of planned) {
            assert.deepStrictEqual(
              problems(statement.scans, leadingKeys, shape.wholeTable?.through),
              [],
              `no index serves\n${statement.text}\nplanned as\n${statement.scans.map(describeScan).join("\n")}`
            )
          }
        })
      )
    }

    // The check itself: drop an index (DDL is transactional, so it is back after the rollback) and
    // see the statement it served fail. Without its hash index, a session look-up reads every live
    // session through the partial user index: no Seq Scan, yet no index serves it.
    for (const [index, run, expected] of [
      ["sessions_user_all_idx", (p: Ports, f: Fixtures) => p.sessions.deleteAll(f.userId), "Seq Scan on sessions"],
      [
        "sessions_token_hash_key",
        (p: Ports, f: Fixtures) => p.sessions.use(f.sessionHash, new Date()),
        "Bitmap Index Scan reads all of sessions_user_idx"
      ]
    ] as const) {
      it.effect(`without ${index}, the check fails`, () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const { ports, fixtures, leadingKeys } = yield* Seeded
          const planned = yield* rolledBack(
            Effect.zipRight(sql`DROP INDEX ${sql(index)}`, plan(run(ports, fixtures)))
          ).pipe(Effect.orDie)
          assert.deepStrictEqual(
            planned.flatMap((statement) => problems(statement.scans, leadingKeys)),
            [expected]
          )
        })
      )
    }
  })
}
