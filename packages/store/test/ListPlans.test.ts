/**
 * How the lists are planned (ADR 0048), on both drivers: an offset page walks the rows it skips in
 * a covering index alone (an Index Only Scan) and reads the page's rows whole; a cursor page starts
 * in its order's index at the cursor; a search ORs the trigram indexes of its fields; a member total
 * without search reads the counters. No list reads memberships, users or events whole (Seq Scan).
 * Each case calls the real port and EXPLAINs the SQL it sends, as `QueryPlans.test.ts` does, with
 * sequential scans priced out on a vacuumed database (an index-only scan needs the visibility map).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import { Member, MembershipStatus, OrganizationId, RoleId } from "@roster/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as SqlStore from "../src/SqlStore.js"
import { plan, type Scan } from "./Plans.js"
import * as TestDatabase from "./TestDatabase.js"

type Ports = Effect.Effect.Success<typeof SqlStore.make>

class Seeded extends Context.Tag("@roster/store/test/ListPlans/Seeded")<Seeded, Ports>() {}

const organizationId = OrganizationId.make("00000000-0000-4000-8000-000000000001")
const adminRoleId = RoleId.make("00000000-0000-4000-8000-0000000000a1")
const memberRoleId = RoleId.make("00000000-0000-4000-8000-0000000000b1")

/** One organization of 3,000 members (and 3 small ones), every status, two roles, their events. */
const seed = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    INSERT INTO organizations (id, name, created_at)
    SELECT ('00000000-0000-4000-8000-00000000000' || k)::uuid, 'Organization ' || k, now() FROM generate_series(1, 4) AS k`
  yield* sql`
    INSERT INTO roles (id, organization_id, name, permissions, is_default)
    SELECT ('00000000-0000-4000-8000-0000000000' || r.tag || k)::uuid, ('00000000-0000-4000-8000-00000000000' || k)::uuid,
           r.name, r.permissions, r.is_default
    FROM generate_series(1, 4) AS k,
         (VALUES ('a', 'Admin', '{can_manage_users,can_view_users}'::text[], false),
                 ('b', 'Member', '{can_view_users}'::text[], true)) AS r (tag, name, permissions, is_default)`
  yield* sql`
    INSERT INTO users (id, email, name, created_at)
    SELECT md5('user' || i)::uuid, 'user' || i || '@example.com', 'User ' || i, now() FROM generate_series(1, 3300) AS i`
  yield* sql`
    INSERT INTO memberships (id, user_id, organization_id, role_id, status, first_name, last_name, title, created_at, updated_at)
    SELECT gen_random_uuid(), md5('user' || i)::uuid, ('00000000-0000-4000-8000-00000000000' || k)::uuid,
           ('00000000-0000-4000-8000-0000000000' || CASE WHEN i % 10 = 0 THEN 'a' ELSE 'b' END || k)::uuid,
           (ARRAY['ACTIVE', 'ACTIVE', 'ACTIVE', 'INACTIVE', 'TERMINATED', 'REMOVED', 'FORGOTTEN'])[1 + i % 7],
           'First' || i, 'Last' || i, NULL, now() - i * interval '1 minute', now()
    FROM generate_series(1, 3300) AS i, LATERAL (VALUES (CASE WHEN i <= 3000 THEN 1 ELSE 2 + i % 3 END)) AS o (k)`
  yield* sql`
    INSERT INTO events (id, organization_id, user_id, actor, type, after, at)
    SELECT gen_random_uuid(), m.organization_id, m.user_id, '{"type":"operator","id":null}'::jsonb, 'user.added', '{}', now()
    FROM memberships m`
  yield* sql`
    INSERT INTO organization_tokens (id, organization_id, name, token_hash, permissions, created_at)
    SELECT gen_random_uuid(), ${organizationId}, 'Token ' || j, md5('token' || j), '{can_view_users}', now() - j * interval '1 minute'
    FROM generate_series(1, 300) AS j`
  // As autovacuum would: statistics, and the visibility map an index-only scan reads.
  for (const table of ["users", "memberships", "membership_counts", "events", "organization_tokens", "roles"]) {
    yield* sql`VACUUM (ANALYZE) ${sql(table)}`
  }
  return yield* SqlStore.make
}).pipe(Effect.orDie)

/** The scans of every statement `effect` sends, explained in its transaction (`Plans.plan`). */
const scans = (effect: Effect.Effect<unknown>) => Effect.map(plan(effect), (planned) => planned.flatMap((p) => p.scans))

const describeScans = (found: ReadonlyArray<Scan>) => found.map((s) => `${s.node} ${s.index ?? s.relation}`).join(", ")

const readWhole = (found: ReadonlyArray<Scan>) =>
  found.filter((s) => s.node === "Seq Scan" && ["memberships", "users", "events"].includes(s.relation!))

const orderIndexes = {
  createdAt: "memberships_list_idx",
  email: "memberships_email_order_idx",
  name: "memberships_name_order_idx"
} as const

const listed = MembershipStatus.listedByDefault
const deep = { page: 90, size: 20 } as const

interface Case {
  readonly name: string
  readonly run: (ports: Ports) => Effect.Effect<unknown>
  /** An index read in the index alone (the rows an offset skips). */
  readonly indexOnly?: string
  /** Other indexes the plan must read (in any way). */
  readonly uses?: ReadonlyArray<string>
  /** The same, on PostgreSQL 15 (the server driver) alone. */
  readonly serverUses?: ReadonlyArray<string>
}

const memberCases: ReadonlyArray<Case> = Member.memberSorts.flatMap((sort): ReadonlyArray<Case> => {
  const index = orderIndexes[sort.replace("-", "") as keyof typeof orderIndexes]
  return [
    {
      name: `members at a deep offset, sort=${sort}`,
      run: (p) => p.members.page(organizationId, { ...deep, statuses: listed, sort }),
      indexOnly: index,
      uses: ["membership_counts_pkey"]
    },
    {
      // One status, or a role, may narrow through its own index (`memberships_active_idx`, the
      // role's) when the planner finds that cheaper, as it does at this size: no whole read.
      name: `members at a deep offset by status, sort=${sort}`,
      run: (p) => p.members.page(organizationId, { ...deep, statuses: ["ACTIVE"], sort })
    },
    {
      name: `members at a deep offset by status and role, sort=${sort}`,
      run: (p) => p.members.page(organizationId, { ...deep, statuses: ["ACTIVE"], roleId: memberRoleId, sort })
    },
    {
      name: `members after a cursor, sort=${sort}`,
      run: (p) =>
        Effect.flatMap(p.members.page(organizationId, { page: 0, size: 20, statuses: listed, sort }), (first) =>
          p.members.page(organizationId, { page: 0, size: 20, statuses: listed, sort, after: first.next! })
        ),
      uses: [index]
    }
  ]
})

const cases: ReadonlyArray<Case> = [
  ...memberCases,
  {
    name: "members searched (q): the trigram indexes of email and names, ORed",
    run: (p) => p.members.page(organizationId, { page: 0, size: 20, statuses: listed, q: "user2345" }),
    uses: ["memberships_email_trgm_idx", "memberships_first_name_trgm_idx"]
  },
  {
    // With a status and a role, the planner may narrow by them (a few hundred members here) and
    // filter the search: either way, nothing is read whole.
    name: "members searched with status and role",
    run: (p) =>
      p.members.page(organizationId, { page: 0, size: 20, statuses: ["ACTIVE"], roleId: adminRoleId, q: "user2345" })
  },
  {
    // PGlite's planner (PostgreSQL 18) narrows by the role's index at this size; 15 takes the trigrams.
    name: "members searched with the listed statuses and a role",
    run: (p) =>
      p.members.page(organizationId, { page: 0, size: 20, statuses: listed, roleId: memberRoleId, q: "user2345" }),
    serverUses: ["memberships_email_trgm_idx"]
  },
  {
    name: "members searched by email alone",
    run: (p) => p.members.page(organizationId, { page: 0, size: 20, statuses: listed, email: "user2345" }),
    uses: ["memberships_email_trgm_idx"]
  },
  {
    name: "identities at a deep offset",
    run: (p) => p.users.page({ ...deep }),
    indexOnly: "users_list_idx"
  },
  {
    name: "identities searched",
    run: (p) => p.users.page({ page: 0, size: 20, q: "user2345" }),
    uses: ["users_email_trgm_idx", "users_name_trgm_idx"]
  },
  {
    name: "identities after a cursor",
    run: (p) =>
      Effect.flatMap(p.users.page({ page: 0, size: 20 }), (first) =>
        p.users.page({ page: 0, size: 20, after: first.next! })
      ),
    uses: ["users_list_idx"]
  },
  {
    name: "an organization's events at a deep offset",
    run: (p) => p.events.page(organizationId, { ...deep }),
    indexOnly: "events_organization_idx"
  },
  {
    name: "an organization's events after a cursor",
    run: (p) =>
      Effect.flatMap(p.events.page(organizationId, { page: 0, size: 20 }), (first) =>
        p.events.page(organizationId, { page: 0, size: 20, after: first.next! })
      ),
    uses: ["events_organization_idx"]
  },
  {
    name: "tokens after a cursor",
    run: (p) =>
      Effect.flatMap(p.tokens.page(organizationId, { size: 20 }), (first) =>
        p.tokens.page(organizationId, { size: 20, after: first.next! })
      ),
    uses: ["organization_tokens_organization_idx"]
  }
]

for (const driver of TestDatabase.drivers()) {
  layer(Layer.effect(Seeded, seed).pipe(Layer.provideMerge(driver.layer())), {
    excludeTestServices: true,
    timeout: "2 minutes"
  })(`ListPlans (${driver.name})`, (it) => {
    for (const shape of cases) {
      it.effect(shape.name, () =>
        Effect.gen(function* () {
          const found = yield* scans(shape.run(yield* Seeded))
          const plan = describeScans(found)
          assert.deepStrictEqual(readWhole(found), [], `read whole: ${plan}`)
          if (shape.indexOnly !== undefined) {
            assert.isTrue(
              found.some((s) => s.node === "Index Only Scan" && s.index === shape.indexOnly),
              `expected an Index Only Scan of ${shape.indexOnly} in: ${plan}`
            )
          }
          for (const index of [...(shape.uses ?? []), ...(driver.name === "server" ? (shape.serverUses ?? []) : [])]) {
            assert.isTrue(
              found.some((s) => s.index === index),
              `expected ${index} in: ${plan}`
            )
          }
        })
      )
    }

    it.effect("the pages the plans are for hold the right members", () =>
      Effect.gen(function* () {
        const ports = yield* Seeded
        const page = yield* ports.members.page(organizationId, { ...deep, statuses: listed, sort: "-email" })
        const emails = page.items.map((m) => m.user.email)
        assert.lengthOf(emails, 20)
        assert.deepStrictEqual(emails, [...emails].sort().reverse())
        // Users 1–3000, the listed statuses being those with i % 7 below 5.
        assert.strictEqual(page.total, Array.from({ length: 3000 }, (_, i) => (i + 1) % 7).filter((r) => r < 5).length)
      })
    )
  })
}
