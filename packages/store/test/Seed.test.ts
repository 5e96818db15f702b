/**
 * `Seed.run` on both drivers: N members of every status and both roles, unique emails, the events
 * that led to each status, forgotten members erased, totals right through the use cases, a token that
 * works, and a second run that adds N more.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import { MembershipStatus, Organizations, Services, Tokens, Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Counters from "../src/Counters.js"
import * as Seed from "../src/Seed.js"
import * as TestDatabase from "./TestDatabase.js"

const members = 500

const count = (query: Effect.Effect<ReadonlyArray<{ readonly n: number }>, unknown, SqlClient.SqlClient>) =>
  Effect.map(Effect.orDie(query), (rows) => rows[0]!.n)

for (const driver of TestDatabase.drivers()) {
  const ports = TestDatabase.ports(driver.layer())
  layer(Services.layer.pipe(Layer.provideMerge(ports)), { excludeTestServices: true, timeout: "3 minutes" })(
    `Seed (${driver.name})`,
    (it) => {
      it.effect("adds N members of every status and both roles, with their events; a second run adds N more", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const name = `Seeded ${crypto.randomUUID().slice(0, 8)}`
          const progress: Array<number> = []
          const seeded = yield* Seed.run({
            members,
            organization: name,
            chunkSize: 200,
            onProgress: (done) => progress.push(done)
          })
          const org = seeded.organizationId
          assert.isTrue(seeded.created)
          assert.strictEqual(seeded.organizationName, name)
          // Once before the first chunk, then after each (two run at once on a server: in either order).
          assert.strictEqual(progress.length, 4)
          assert.deepStrictEqual([progress[0], progress[3]], [0, members])
          assert.deepStrictEqual(
            [...progress].sort((a, b) => a - b),
            progress
          )

          const byStatus = yield* Effect.orDie(sql<{ status: string; n: number }>`
            SELECT status, count(*)::int AS n FROM memberships WHERE organization_id = ${org} GROUP BY status`)
          const statuses = Object.fromEntries(byStatus.map((row) => [row.status, row.n]))
          assert.deepStrictEqual(Object.keys(statuses).sort(), [...MembershipStatus.all].sort())
          assert.deepStrictEqual(statuses, { ...seeded.statuses })
          assert.strictEqual(
            Object.values(statuses).reduce((a, b) => a + b, 0),
            members
          )
          // Mostly members, some managers (Admin).
          const byRole = yield* Effect.orDie(sql<{ name: string; n: number }>`
            SELECT r.name, count(*)::int AS n FROM memberships m JOIN roles r ON r.id = m.role_id
            WHERE m.organization_id = ${org} GROUP BY r.name`)
          const roles = Object.fromEntries(byRole.map((row) => [row.name, row.n]))
          assert.isAbove(roles.Admin ?? 0, 0)
          assert.isAbove(roles.Member ?? 0, (roles.Admin ?? 0) * 10)

          assert.strictEqual(
            yield* count(sql`
              SELECT count(DISTINCT lower(u.email))::int AS n FROM users u JOIN memberships m ON m.user_id = u.id
              WHERE m.organization_id = ${org}`),
            members
          )
          const profiles = yield* count(sql`
            SELECT count(DISTINCT (m.first_name, m.last_name, m.title))::int AS n FROM memberships m
            WHERE m.organization_id = ${org}`)
          assert.isAbove(profiles, 100)

          // Every member was added; each status has the transitions that lead to it.
          const events = yield* Effect.orDie(sql<{ type: string; n: number }>`
            SELECT type, count(*)::int AS n FROM events WHERE organization_id = ${org} AND user_id IS NOT NULL GROUP BY type`)
          const byType = Object.fromEntries(events.map((row) => [row.type, row.n]))
          assert.strictEqual(byType["user.added"], members)
          assert.strictEqual(byType["user.forgotten"], statuses.FORGOTTEN)
          assert.strictEqual(byType["user.deactivated"], statuses.INACTIVE)
          assert.isAbove(byType["user.reinstated"] ?? 0, 0)
          assert.isAtLeast(byType["user.removed"] ?? 0, statuses.REMOVED!)
          assert.isAtLeast(byType["user.terminated"] ?? 0, statuses.TERMINATED!)
          assert.strictEqual(
            Object.values(byType).reduce((a, b) => a + b, 0),
            seeded.events
          )
          // Each member's last event leaves it where it is, and the operator did it all.
          assert.strictEqual(
            yield* count(sql`
              SELECT count(*)::int AS n FROM memberships m
              JOIN LATERAL (SELECT after FROM events e WHERE e.organization_id = m.organization_id AND e.user_id = m.user_id
                            ORDER BY seq DESC LIMIT 1) last ON true
              WHERE m.organization_id = ${org} AND last.after->>'status' = m.status AND last.after->>'roleId' = m.role_id::text`),
            members
          )
          assert.strictEqual(
            yield* count(sql`
              SELECT count(*)::int AS n FROM events
              WHERE organization_id = ${org} AND user_id IS NOT NULL AND actor <> '{"type":"operator","id":null}'::jsonb`),
            0
          )

          // Forgotten members keep no personal data: not in the membership, the identity, nor the events.
          assert.strictEqual(
            yield* count(sql`
              SELECT count(*)::int AS n FROM memberships m JOIN users u ON u.id = m.user_id
              WHERE m.organization_id = ${org} AND m.status = 'FORGOTTEN' AND m.first_name IS NULL
                AND m.last_name IS NULL AND m.title IS NULL AND u.erased_at IS NOT NULL AND u.name IS NULL
                AND u.email = 'forgotten-' || u.id || '@erased.invalid'`),
            statuses.FORGOTTEN!
          )
          assert.strictEqual(
            yield* count(sql`
              SELECT count(*)::int AS n FROM events e JOIN memberships m ON m.user_id = e.user_id
              WHERE m.organization_id = ${org} AND m.status = 'FORGOTTEN'
                AND (coalesce(e.before, '{}') ?| array['email', 'firstName', 'lastName', 'title']
                     AND e.type <> 'user.forgotten'
                     OR e.after ?| array['email'] OR e.after->>'firstName' IS NOT NULL OR e.reason IS NOT NULL)`),
            0
          )
          assert.strictEqual(
            yield* count(sql`
              SELECT count(*)::int AS n FROM users u JOIN memberships m ON m.user_id = u.id
              WHERE m.organization_id = ${org} AND m.status <> 'FORGOTTEN' AND u.erased_at IS NULL
                AND u.email LIKE '%@example.%'`),
            members - statuses.FORGOTTEN!
          )

          // The token has every permission: it lists the members, totals exact.
          const actor = yield* (yield* Tokens).authenticate(seeded.token)
          const access = { actor, organizationId: org }
          const users = yield* Users
          const all = yield* users.list(access, { size: 10, status: [...MembershipStatus.all] })
          assert.strictEqual(all.total, members)
          assert.strictEqual(all.items.length, 10)
          const listed = yield* users.list(access, { size: 10 })
          assert.strictEqual(listed.total, statuses.ACTIVE! + statuses.INACTIVE! + statuses.TERMINATED!)
          const forgotten = yield* users.list(access, { size: 100, status: ["FORGOTTEN"] })
          assert.strictEqual(forgotten.total, statuses.FORGOTTEN)
          assert.isTrue(forgotten.items.every((member) => member.membership.firstName === null))
          assert.deepStrictEqual(yield* Counters.check({ organizationId: org }), [])

          // A second run fills the same organization: N more, every email still unique.
          const again = yield* Seed.run({ members, organization: name.toUpperCase() })
          assert.isFalse(again.created)
          assert.strictEqual(again.organizationId, org)
          assert.notStrictEqual(again.token, seeded.token)
          assert.strictEqual(
            (yield* users.list(access, { size: 10, status: [...MembershipStatus.all] })).total,
            2 * members
          )
          assert.deepStrictEqual(yield* Counters.check({ organizationId: org }), [])
          // Only the tokens' hashes are stored, never the secrets.
          assert.strictEqual(
            yield* count(sql`
              SELECT count(*)::int AS n FROM organization_tokens
              WHERE organization_id = ${org} AND token_hash IN (${seeded.token}, ${again.token})`),
            0
          )
          assert.lengthOf(
            yield* (yield* Organizations)
              .list({ _tag: "Operator" })
              .pipe(Effect.map((all) => all.filter((o) => o.id === org))),
            1
          )
        })
      )

      it.effect("refuses a count that is not a whole number from 1 up, adding nothing", () =>
        Effect.gen(function* () {
          const name = `Refused ${crypto.randomUUID().slice(0, 8)}`
          for (const bad of [0, -3, 1.5, Number.NaN, Seed.maxMembers + 1]) {
            const exit = yield* Effect.exit(Seed.run({ members: bad, organization: name }))
            assert.isTrue(Exit.isFailure(exit))
            const failure = Exit.isFailure(exit) ? exit.cause : undefined
            assert.include(String(failure), "members")
          }
          const found = yield* Effect.exit((yield* Organizations).resolve(name))
          assert.isTrue(Exit.isFailure(found))
        })
      )
    }
  )
}
