/**
 * Synthetic members in bulk, for development and benchmarks (`roster dev seed`, `pnpm bench`): an
 * organization filled with N members of realistic variety and the audit log that led to them, and a
 * token with every permission to drive it.
 *
 * The organization and the token come from the use cases (`Organizations.create`, `Tokens.create`):
 * they are one of each, and the domain's own rules and events apply. The members are written by
 * set-based SQL (`INSERT … SELECT` over `generate_series`), one transaction per chunk, never one use
 * case per member: a million members take a minute, not hours. The rows and events are shaped exactly
 * as the use cases write them (`Users.add`, `MembershipChanges.change`, erasure), actor the operator;
 * the member counters follow by their triggers (migration 0009). A failure stops at its chunk: the
 * chunks before it stay, whole (ADR 0050).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import {
  Actor,
  type MembershipStatus,
  Organization,
  type OrganizationId,
  Organizations,
  Permission,
  type Role,
  Tokens,
  ValidationFailed
} from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Crypto from "node:crypto"
import { SeedFailed } from "./SeedError.js"

export interface Request {
  /** How many members to add: a whole number from 1 to `maxMembers`. */
  readonly members: number
  /** The organization to fill, by name or id; created by that name when there is none. Default `Seed`. */
  readonly organization?: string | undefined
  /** Called after each chunk commits, and once before the first with `done` 0. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined
  /** Members per transaction (default `defaultChunkSize`). */
  readonly chunkSize?: number | undefined
  /** Transactions at once (default 2); PGlite, with one connection, runs one at a time whatever it says. */
  readonly concurrency?: number | undefined
}

export interface Seeded {
  readonly organizationId: OrganizationId
  readonly organizationName: string
  /** Whether this run created the organization (else it filled one that existed). */
  readonly created: boolean
  /** A new organization token (`tot_…`) with every permission; only its hash is stored. */
  readonly token: string
  readonly tokenName: string
  /** The members this run added, by status. */
  readonly statuses: { readonly [S in MembershipStatus.MembershipStatus]: number }
  /** The events this run recorded for them. */
  readonly events: number
}

export const defaultOrganization = "Seed"
export const maxMembers = 10_000_000
/** Big enough that a transaction's fixed costs vanish, small enough to show progress often. */
export const defaultChunkSize = 20_000

/**
 * Where each member ends, per hundred (`k`, a permutation of the member's index, so that every
 * hundred consecutive members hold each path in its proportion): how organizations look after a
 * few years. Each path is the transitions that led there, in order.
 */
const paths = [
  // Added, and nothing since.
  { path: "A", upTo: 74, first: null, second: null },
  // Terminated once, reinstated later.
  { path: "AR", upTo: 78, first: "TERMINATED", second: "ACTIVE" },
  { path: "I", upTo: 86, first: "INACTIVE", second: null },
  { path: "T", upTo: 92, first: "TERMINATED", second: null },
  { path: "R", upTo: 97, first: "REMOVED", second: null },
  // Forgotten after a termination, or after a removal (every other one).
  { path: "F", upTo: 100, first: "TERMINATED|REMOVED", second: "FORGOTTEN" }
] as const

/** One member in `managerEvery` gets the managing role (Admin): a few managers, many members. */
const managerEvery = 47

// Lists joined with "|" to keep them short; names with spaces, hyphens and accents on purpose.
const firstNames = (
  "Ada|Grace|Alan|Edsger|Barbara|Donald|Frances|Ken|Radia|Tim|Margaret|Linus|Katherine|Dennis|Hedy|" +
  "John|Sophie|Niklaus|Adele|Guido|Shafi|Bjarne|Anita|Leslie|Mary|Yukihiro|Fei-Fei|Tony|Jean|Vint|" +
  "Annie|Andrew|Rosalind|Claude|Evelyn|James|Lynn|Robert|Carol|Peter|Mei|Raj|Amara|Olu|Ingrid|" +
  "Mateo|Chloé|Zoë|Björn|Élodie|Søren|Priya|Hiroshi|Fatima|Nadia|Kwame|Ana|Luis|Marta|Emeka|Yara|" +
  "Ivan|Noor|Sean"
).split("|")
const lastNames = (
  "Lovelace|Hopper|Turing|Dijkstra|Liskov|Knuth|Allen|Thompson|Perlman|Berners-Lee|Hamilton|" +
  "Torvalds|Johnson|Ritchie|Lamarr|McCarthy|Wilson|Wirth|Goldberg|van Rossum|Goldwasser|Stroustrup|" +
  "Borg|Lamport|Keller|Matsumoto|Li|Hoare|Bartik|Cerf|Easley|Tanenbaum|Franklin|Shannon|Boyd|" +
  "Gosling|Conway|Kahn|Shaw|Naur|Zhang|Patel|Okafor|Adeyemi|Larsen|García|Müller|Nakamura|Kowalski|" +
  "Novák|Ivanova|O'Brien|Haddad|Mensah|Silva|Fernández|Rossi|Dubois|Nguyen|Kim|Andersson|Jensen|" +
  "Schmidt|Costa|Murphy|Cohen|Singh|Yilmaz|Horvat|Popescu|Papadopoulos|Virtanen|de Vries|Moreau|" +
  "Sato|Chen|Ali|Hassan|Mwangi|Banda|Duarte|Eriksen"
).split("|")
const titles = (
  "Software Engineer|Senior Software Engineer|Staff Engineer|Engineering Manager|Product Manager|" +
  "Product Designer|Data Scientist|Data Engineer|Site Reliability Engineer|Security Engineer|" +
  "QA Engineer|Technical Writer|Solutions Architect|Account Executive|Customer Success Manager|" +
  "Support Specialist|Recruiter|HR Business Partner|Financial Analyst|Controller|Office Manager|" +
  "Marketing Manager|Content Strategist|Sales Development Representative|Legal Counsel|" +
  "Chief of Staff|Director of Engineering|VP of Sales|Operations Analyst|Intern"
).split("|")
const domains = ["example.com", "example.org", "example.net"]
const removalReasons = ["Left the company", "Contract ended", "Duplicate account", "Moved to a partner organization"]

/** A name as an email's local part has it: lower case, ASCII letters and digits only. */
const emailPart = (name: string) =>
  name
    .normalize("NFD")
    .replace(/[^A-Za-z0-9]/g, "")
    .toLowerCase()

const Members = Schema.Int.pipe(Schema.between(1, maxMembers))

/**
 * Adds `request.members` members to the organization `request.organization` names (created when
 * none has it), with their events, and mints a token with every permission. Needs a migrated
 * database and the organization use cases on it.
 */
export const run = (
  request: Request
): Effect.Effect<Seeded, ValidationFailed | SeedFailed, SqlClient.SqlClient | Organizations | Tokens> =>
  Effect.gen(function* () {
    if (!Schema.is(Members)(request.members)) {
      return yield* ValidationFailed.single(
        "members",
        `must be a whole number from 1 to ${maxMembers.toLocaleString("en")}`
      )
    }
    const chunkSize = request.chunkSize ?? defaultChunkSize
    const name = yield* Schema.decodeUnknown(Organization.OrganizationName)(
      request.organization ?? defaultOrganization
    ).pipe(Effect.mapError(() => ValidationFailed.single("organization", "must be 1 to 100 characters")))
    const organizations = yield* Organizations
    const { organization, roles, created } = yield* organizations.resolve(name).pipe(
      Effect.flatMap((found) =>
        Effect.map(organizations.listRoles({ actor: Actor.operator, organizationId: found.id }), (roles) => ({
          organization: found,
          roles,
          created: false
        }))
      ),
      Effect.catchTag("OrganizationNotFound", () =>
        Effect.map(organizations.create(Actor.operator, name), (made) => ({ ...made, created: true }))
      ),
      Effect.mapError((error) => new SeedFailed({ done: 0, total: request.members, reason: error.message }))
    )
    const memberRole = roles.find((role) => role.isDefault)
    if (memberRole === undefined) {
      return yield* new SeedFailed({
        done: 0,
        total: request.members,
        reason: `the organization ${organization.name} has no default role to give its members`
      })
    }
    const managerRole = managerRoleOf(roles) ?? memberRole
    const access = { actor: Actor.operator, organizationId: organization.id }
    // A tag per run makes every email new, whatever earlier runs or real users hold.
    const tag = Crypto.randomBytes(4).toString("hex")
    const tokenName = `seed-${tag}`
    const { secret } = yield* (yield* Tokens)
      .create(access, { name: tokenName, permissions: Permission.all })
      .pipe(Effect.mapError((error) => new SeedFailed({ done: 0, total: request.members, reason: error.message })))

    const sql = yield* SqlClient.SqlClient
    // Migration 0010 copies each member's email onto the membership; given here, no trigger looks it up.
    const membershipEmail =
      (yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'memberships' AND column_name = 'email'`.pipe(
        Effect.orDie
      ))[0]!.n > 0
    const seeding: Seeding = {
      organizationId: organization.id,
      memberRoleId: memberRole.id,
      managerRoleId: managerRole.id,
      tag,
      total: request.members,
      now: new Date(),
      membershipEmail
    }
    const starts = Array.from({ length: Math.ceil(request.members / chunkSize) }, (_, n) => n * chunkSize)
    let done = 0
    request.onProgress?.(0, request.members)
    // Two chunks at once on a server (its pool has connections to spare); PGlite's one connection
    // runs them one after the other.
    const events = yield* Effect.forEach(
      starts,
      (from) => {
        const to = Math.min(from + chunkSize, request.members)
        return chunk(sql, seeding, from, to).pipe(
          Effect.tap(() =>
            Effect.sync(() => {
              done += to - from
              request.onProgress?.(done, request.members)
            })
          ),
          Effect.mapError(
            (error) =>
              new SeedFailed({
                done,
                total: request.members,
                reason: error.message.length > 0 ? error.message : String(error.cause)
              })
          )
        )
      },
      { concurrency: request.concurrency ?? 2 }
    ).pipe(Effect.map((counts) => counts.reduce((a, b) => a + b, 0)))
    // Statistics for the planner at once: PGlite has no autovacuum, and a server's comes later.
    yield* sql`ANALYZE users, memberships, events`.pipe(Effect.orDie)
    return {
      organizationId: organization.id,
      organizationName: organization.name,
      created,
      token: secret,
      tokenName,
      statuses: statusesOf(request.members),
      events
    }
  })

/** The role a manager gets: the non-default role that holds the most permissions, managing users among them. */
const managerRoleOf = (roles: ReadonlyArray<Role.Role>) =>
  roles
    .filter((role) => !role.isDefault && Permission.holds(role.permissions, "can_manage_users"))
    .sort((a, b) => Permission.expand(b.permissions).size - Permission.expand(a.permissions).size)[0]

interface Seeding {
  readonly organizationId: OrganizationId
  readonly memberRoleId: string
  readonly managerRoleId: string
  readonly tag: string
  readonly total: number
  readonly now: Date
  /** Whether `memberships` has the `email` column (migration 0010). */
  readonly membershipEmail: boolean
}

/** `k`: where member `i` falls in every hundred (37 and 100 are coprime: a permutation). */
const kOf = (i: number) => (i * 37 + 11) % 100

/** How many of the first `members` end in each status, as `chunk` places them. */
const statusesOf = (members: number): Seeded["statuses"] => {
  const counts = { ACTIVE: 0, INACTIVE: 0, TERMINATED: 0, REMOVED: 0, FORGOTTEN: 0 }
  for (let i = 0; i < members; i++) {
    const k = kOf(i)
    const path = paths.find((p) => k < p.upTo)!
    const status = path.second ?? path.first ?? "ACTIVE"
    counts[status as keyof typeof counts]++
  }
  return counts
}

/**
 * A version 7 UUID (RFC 9562) at `column`'s time: `gen_random_uuid()` with its first 48 bits the
 * time in milliseconds and its version 7. Ids that grow with the members' creation keep the
 * inserts into the indexes on them (users', memberships', events') at the right edge, in pages
 * that stay cached, where random ids touch a page anywhere in indexes larger than shared buffers.
 */
const timeOrdered = (column: string) =>
  `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing
     substring(int8send((extract(epoch FROM ${column}) * 1000)::int8) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid`

/**
 * Members `from` to `to` (exclusive) in one transaction: their rows in a temporary table first (ids,
 * names, path and times, computed once), then users, events and memberships from it, in three
 * statements. Answers how many events it recorded.
 */
const chunk = (sql: SqlClient.SqlClient, seeding: Seeding, from: number, to: number): Effect.Effect<number, SqlError> =>
  sql.withTransaction(
    Effect.gen(function* () {
      // A seed can be run again: a crash loses at most the chunk in flight, never a committed one.
      yield* sql`SET LOCAL synchronous_commit = off`
      const emailColumn = sql.unsafe(seeding.membershipEmail ? ", email" : "")
      const emailValue = sql.unsafe(
        seeding.membershipEmail
          ? ", CASE WHEN erased THEN 'forgotten-' || user_id || '@erased.invalid' ELSE lower(email) END"
          : ""
      )
      const pathCase = sql.unsafe(`CASE ${paths.map((p) => `WHEN k < ${p.upTo} THEN '${p.path}'`).join(" ")} END`)
      yield* sql`
        CREATE TEMPORARY TABLE seed_members ON COMMIT DROP AS
        WITH members AS (
          SELECT i, (i * 37 + 11) % 100 AS k,
                 ${seeding.now}::timestamptz - interval '730 days' * (1 - (i + 0.5) / ${seeding.total}::float8) AS created_at
          FROM generate_series(${from}::int, ${to - 1}::int) AS i
        ), placed AS (
          SELECT members.*, ${pathCase} AS path,
                 ((i * 61) % 100) / 100.0 AS fraction
          FROM members
        ), timed AS (
          SELECT placed.*,
                 created_at + (${seeding.now}::timestamptz - created_at) * (0.2 + 0.6 * fraction)::float8 AS first_at
          FROM placed
        )
        SELECT i, path, ${sql.unsafe(timeOrdered("created_at"))} AS user_id, ${sql.unsafe(timeOrdered("created_at"))} AS membership_id,
               CASE WHEN i % ${managerEvery} = 5 THEN ${seeding.managerRoleId}::uuid ELSE ${seeding.memberRoleId}::uuid END AS role_id,
               CASE path WHEN 'I' THEN 'INACTIVE' WHEN 'T' THEN 'TERMINATED' WHEN 'R' THEN 'REMOVED'
                         WHEN 'F' THEN 'FORGOTTEN' ELSE 'ACTIVE' END AS status,
               CASE path WHEN 'I' THEN 'INACTIVE' WHEN 'R' THEN 'REMOVED'
                         WHEN 'F' THEN CASE WHEN i % 2 = 0 THEN 'TERMINATED' ELSE 'REMOVED' END
                         WHEN 'A' THEN NULL ELSE 'TERMINATED' END AS first_status,
               path = 'F' AS erased,
               first_names[1 + i % ${firstNames.length}] AS first_name,
               last_names[1 + (i / ${firstNames.length} + i * 3) % ${lastNames.length}] AS last_name,
               CASE WHEN i % 10 = 3 THEN NULL ELSE titles[1 + (i * 11 + i / 13) % ${titles.length}] END AS title,
               first_slugs[1 + i % ${firstNames.length}] || '.' ||
                 last_slugs[1 + (i / ${firstNames.length} + i * 3) % ${lastNames.length}] || '.' ||
                 i || '.' || ${seeding.tag}::text || '@' || domains[1 + i % ${domains.length}] AS email,
               reasons[1 + i % ${removalReasons.length}] AS reason,
               created_at, first_at, first_at + (${seeding.now}::timestamptz - first_at) * 0.5 AS second_at
        FROM timed,
             (SELECT ${firstNames}::text[] AS first_names, ${lastNames}::text[] AS last_names,
                     ${titles}::text[] AS titles, ${firstNames.map(emailPart)}::text[] AS first_slugs,
                     ${lastNames.map(emailPart)}::text[] AS last_slugs, ${domains}::text[] AS domains,
                     ${removalReasons}::text[] AS reasons) AS lists`
      // Forgotten members are as erasure leaves them: the identity tombstoned (`User.erase`), the
      // membership's personal fields null, their events stripped of both (`EventRepository.erase…`).
      yield* sql`
        INSERT INTO users (id, email, created_at, erased_at)
        SELECT user_id, CASE WHEN erased THEN 'forgotten-' || user_id || '@erased.invalid' ELSE email END,
               created_at, CASE WHEN erased THEN second_at END
        FROM seed_members ORDER BY i`
      // `Membership.snapshot` of the member at a status; of an erased one only status and role stay.
      const snapshot = (status: string) =>
        sql.unsafe(`CASE WHEN erased THEN jsonb_build_object('status', ${status}, 'roleId', role_id)
          ELSE jsonb_build_object('status', ${status}, 'roleId', role_id, 'firstName', first_name,
                                  'lastName', last_name, 'title', title) END`)
      const result = yield* sql`
        INSERT INTO events (id, organization_id, user_id, actor, type, before, after, reason, at)
        SELECT ${sql.unsafe(timeOrdered("at"))}, ${seeding.organizationId}, user_id, ${JSON.stringify(Actor.describe(Actor.operator))}::jsonb,
               type, before, after, reason, at
        FROM (
          SELECT i, 0 AS n, user_id, 'user.added' AS type, NULL::jsonb AS before,
                 CASE WHEN erased THEN jsonb_build_object('status', 'ACTIVE', 'roleId', role_id)
                      ELSE jsonb_build_object('email', email) || ${snapshot("'ACTIVE'")} END AS after,
                 NULL::text AS reason, created_at AS at
          FROM seed_members
          UNION ALL
          SELECT i, 1, user_id,
                 CASE first_status WHEN 'INACTIVE' THEN 'user.deactivated' WHEN 'TERMINATED' THEN 'user.terminated'
                                   ELSE 'user.removed' END,
                 ${snapshot("'ACTIVE'")}, ${snapshot("first_status")},
                 CASE WHEN first_status = 'REMOVED' AND NOT erased THEN reason END, first_at
          FROM seed_members WHERE first_status IS NOT NULL
          UNION ALL
          SELECT i, 2, user_id, CASE path WHEN 'AR' THEN 'user.reinstated' ELSE 'user.forgotten' END,
                 ${snapshot("first_status")},
                 CASE path WHEN 'AR' THEN ${snapshot("'ACTIVE'")}
                      ELSE jsonb_build_object('status', 'FORGOTTEN', 'roleId', role_id, 'firstName', NULL,
                                              'lastName', NULL, 'title', NULL) END,
                 NULL, second_at
          FROM seed_members WHERE path IN ('AR', 'F')
        ) AS happened
        ORDER BY at, i, n`.raw
      // Last: the counter rows its trigger updates stay locked only until the commit that follows,
      // so the other chunk in flight waits on them for no more than that.
      yield* sql`
        INSERT INTO memberships (id, user_id, organization_id, role_id, status, first_name, last_name, title, created_at, updated_at${emailColumn})
        SELECT membership_id, user_id, ${seeding.organizationId}, role_id, status,
               CASE WHEN erased THEN NULL ELSE first_name END, CASE WHEN erased THEN NULL ELSE last_name END,
               CASE WHEN erased THEN NULL ELSE title END, created_at,
               CASE path WHEN 'A' THEN created_at WHEN 'AR' THEN second_at WHEN 'F' THEN second_at ELSE first_at END
               ${emailValue}
        FROM seed_members ORDER BY i`
      return (result as { readonly rowCount?: number | null }).rowCount ?? 0
    })
  )
