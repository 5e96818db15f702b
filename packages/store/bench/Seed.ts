/**
 * One organization as a large customer would have it: `members` members with varied names and
 * statuses, two events each, and a few API tokens. The organization, its roles and the tokens go
 * through the use cases; members and events, too many for that, through bulk SQL that writes the rows
 * the ports would.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { type Access, Actor, Organizations, type RoleId, Tokens, type UserId } from "@roster/domain"
import * as Effect from "effect/Effect"

export interface Seeded {
  readonly access: Access
  readonly memberRoleId: RoleId
  /** Every member, oldest first. */
  readonly members: ReadonlyArray<UserId>
  /** ACTIVE members without a managing role: any of them can be deactivated. */
  readonly deactivatable: ReadonlyArray<UserId>
  readonly events: number
  /** A usable API token's secret. */
  readonly tokenSecret: string
}

const firstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis"]
const lastNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton"]

export const seed = (members: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { organization, roles } = yield* (yield* Organizations).create(Actor.operator, "Bench")
    const access: Access = { actor: Actor.operator, organizationId: organization.id }
    const admin = roles.find((role) => !role.isDefault)!
    const member = roles.find((role) => role.isDefault)!

    // Member i: 70% ACTIVE, 15% INACTIVE, 10% TERMINATED, 5% REMOVED; one in twenty an admin.
    yield* sql`
      WITH numbered AS (
        SELECT i, (${firstNames}::text[])[1 + i % ${firstNames.length}] AS first_name,
               (${lastNames}::text[])[1 + (i / ${firstNames.length}) % ${lastNames.length}] AS last_name,
               now() - (${members} - i) * interval '1 second' AS created_at
        FROM generate_series(1, ${members}::int) AS i
      ), added_users AS (
        INSERT INTO users (id, email, created_at)
        SELECT md5('bench-user' || i)::uuid, lower(first_name || '.' || last_name) || i || '@example.com', created_at
        FROM numbered
      )
      INSERT INTO memberships (id, user_id, organization_id, role_id, status, first_name, last_name, title, created_at, updated_at)
      SELECT md5('bench-membership' || i)::uuid, md5('bench-user' || i)::uuid, ${organization.id},
             CASE WHEN i % 20 = 0 THEN ${admin.id}::uuid ELSE ${member.id}::uuid END,
             CASE WHEN i % 20 < 14 THEN 'ACTIVE' WHEN i % 20 < 17 THEN 'INACTIVE'
                  WHEN i % 20 < 19 THEN 'TERMINATED' ELSE 'REMOVED' END,
             first_name, last_name, 'Engineer', created_at, created_at
      FROM numbered`
    yield* sql`
      INSERT INTO events (id, organization_id, user_id, actor, type, before, after, at)
      SELECT gen_random_uuid(), m.organization_id, m.user_id, '{"type":"operator","id":null}',
             e.type, e.before, jsonb_build_object('status', m.status, 'firstName', m.first_name), m.created_at
      FROM memberships m,
           (VALUES ('user.added', NULL::jsonb), ('user.profile_updated', '{"title":null}'::jsonb)) AS e (type, before)
      WHERE m.organization_id = ${organization.id}
      ORDER BY m.created_at`

    const tokens = yield* Tokens
    const created = yield* Effect.forEach(
      Array.from({ length: 20 }, (_, i) => i),
      (i) => tokens.create(access, { name: `Integration ${i}`, permissions: ["can_view_users"] })
    )

    // As autovacuum would after such a load.
    for (const table of ["users", "memberships", "events", "organization_tokens"]) yield* sql`ANALYZE ${sql(table)}`

    const rows = yield* sql<{ readonly userId: UserId; readonly status: string; readonly roleId: RoleId }>`
      SELECT user_id, status, role_id FROM memberships WHERE organization_id = ${organization.id}
      ORDER BY created_at, user_id`
    const [counted] = yield* sql<{ readonly events: number }>`SELECT count(*) AS events FROM events`
    return {
      access,
      memberRoleId: member.id,
      members: rows.map((row) => row.userId),
      deactivatable: rows.filter((row) => row.status === "ACTIVE" && row.roleId === member.id).map((row) => row.userId),
      events: counted!.events,
      tokenSecret: created[0]!.secret
    } satisfies Seeded
  })
