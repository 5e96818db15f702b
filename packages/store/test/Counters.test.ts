/**
 * The member counters (`membership_counts`): kept exact by the triggers whatever writes the
 * memberships — use cases running concurrently, bulk statements, a profile edit that moves nothing —
 * and checked and rebuilt by `Counters`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import { type Access, Actor, Organizations, type Role, Services, Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Counters from "../src/Counters.js"
import * as TestDatabase from "./TestDatabase.js"

const organization = (name: string) =>
  Effect.gen(function* () {
    const created = yield* (yield* Organizations).create(Actor.operator, `${name} ${crypto.randomUUID().slice(0, 8)}`)
    const role = (roleName: string) => created.roles.find((r: Role.Role) => r.name === roleName)!
    const access: Access = { actor: Actor.operator, organizationId: created.organization.id }
    return { id: created.organization.id, access, admin: role("Admin"), member: role("Member") }
  })

/** The counters' totals per status (and role, when given) for one organization. */
const totals = (organizationId: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ status: string; members: number }>`
      SELECT status, sum(members)::int AS members FROM membership_counts
      WHERE organization_id = ${organizationId} GROUP BY status HAVING sum(members) <> 0 ORDER BY status`
  ).pipe(Effect.map((rows) => Object.fromEntries(rows.map((row) => [row.status, row.members]))))

const email = (local: string) => `${local}-${crypto.randomUUID().slice(0, 8)}@example.com`

for (const driver of TestDatabase.drivers()) {
  const ports = TestDatabase.ports(driver.layer())
  layer(Services.layer.pipe(Layer.provideMerge(ports)), { excludeTestServices: true, timeout: "2 minutes" })(
    `member counters (${driver.name})`,
    (it) => {
      it.effect("follow every add and transition, and a profile edit moves nothing", () =>
        Effect.gen(function* () {
          const acme = yield* organization("Acme")
          const users = yield* Users
          const ada = yield* users.add(acme.access, { email: email("ada"), firstName: "Ada" })
          yield* users.add(acme.access, { email: email("grace"), roleId: acme.admin.id })
          yield* users.add(acme.access, { email: email("linus"), status: "INACTIVE" })
          assert.deepStrictEqual(yield* totals(acme.id), { ACTIVE: 2, INACTIVE: 1 })

          yield* users.terminate(acme.access, ada.user.id)
          assert.deepStrictEqual(yield* totals(acme.id), { ACTIVE: 1, INACTIVE: 1, TERMINATED: 1 })
          yield* users.remove(acme.access, ada.user.id, { reason: "Left the company" })
          yield* users.forget(acme.access, ada.user.id)
          assert.deepStrictEqual(yield* totals(acme.id), { ACTIVE: 1, FORGOTTEN: 1, INACTIVE: 1 })
          assert.deepStrictEqual(yield* Counters.check({ organizationId: acme.id }), [])
        })
      )

      it.effect("stay exact after concurrent changes of many members, recomputed from the memberships", () =>
        Effect.gen(function* () {
          const acme = yield* organization("Busy")
          const users = yield* Users
          const added = yield* Effect.forEach(
            Array.from({ length: 24 }, (_, i) => i),
            (i) => users.add(acme.access, { email: email(`m${i}`) }),
            { concurrency: 8 }
          )
          // Every member changed at once, some twice over (terminate then reinstate; a role change),
          // so counter rows are written by many transactions at the same time.
          yield* Effect.forEach(
            added,
            (member, i) =>
              i % 3 === 0
                ? users.terminate(acme.access, member.user.id)
                : i % 3 === 1
                  ? users
                      .terminate(acme.access, member.user.id)
                      .pipe(Effect.zipRight(users.reinstate(acme.access, member.user.id, { roleId: acme.member.id })))
                  : users.changeRole(acme.access, member.user.id, { roleId: acme.admin.id }),
            { concurrency: 8 }
          )
          assert.deepStrictEqual(yield* Counters.check(), [])
          assert.deepStrictEqual(yield* totals(acme.id), { ACTIVE: 16, TERMINATED: 8 })
          const sql = yield* SqlClient.SqlClient
          const [actual] = yield* sql<{ admins: number }>`
            SELECT count(*)::int AS admins FROM memberships WHERE organization_id = ${acme.id} AND role_id = ${acme.admin.id}`
          assert.strictEqual(actual!.admins, 8)
        })
      )

      it.effect("follow bulk statements: one trigger run for many rows", () =>
        Effect.gen(function* () {
          const acme = yield* organization("Bulk")
          const users = yield* Users
          yield* Effect.forEach(
            Array.from({ length: 5 }, (_, i) => i),
            (i) => users.add(acme.access, { email: email(`b${i}`) })
          )
          const sql = yield* SqlClient.SqlClient
          yield* sql`UPDATE memberships SET status = 'INACTIVE' WHERE organization_id = ${acme.id}`
          assert.deepStrictEqual(yield* totals(acme.id), { INACTIVE: 5 })
          yield* sql`UPDATE memberships SET title = 'Engineer' WHERE organization_id = ${acme.id}`
          assert.deepStrictEqual(yield* totals(acme.id), { INACTIVE: 5 })
          assert.deepStrictEqual(yield* Counters.check({ organizationId: acme.id }), [])
        })
      )

      it.effect("check reports a counter written around the triggers; repair rebuilds it", () =>
        Effect.gen(function* () {
          const acme = yield* organization("Drift")
          const other = yield* organization("Untouched")
          const users = yield* Users
          yield* users.add(acme.access, { email: email("d1") })
          yield* users.add(acme.access, { email: email("d2") })
          yield* users.add(other.access, { email: email("o1") })
          const sql = yield* SqlClient.SqlClient
          yield* sql`
            UPDATE membership_counts SET members = members + 40
            WHERE (organization_id, status, role_id, slot) IN (
              SELECT organization_id, status, role_id, slot FROM membership_counts
              WHERE organization_id = ${acme.id} AND status = 'ACTIVE' AND members > 0 LIMIT 1)`
          yield* sql`DELETE FROM membership_counts WHERE organization_id = ${other.id}`

          const drift = yield* Counters.check()
          assert.deepStrictEqual(
            drift
              .filter((d) => d.organizationId === acme.id || d.organizationId === other.id)
              .map((d) => [d.organizationId, d.status, d.roleId, d.counted, d.actual]),
            [
              [acme.id, "ACTIVE", acme.member.id, 42, 2],
              [other.id, "ACTIVE", other.member.id, 0, 1]
            ].sort((a, b) => String(a[0]).localeCompare(String(b[0])))
          )
          assert.deepStrictEqual(
            (yield* Counters.repair({ organizationId: other.id })).map((d) => d.actual),
            [1],
            "one organization's repair answers its own drift"
          )
          assert.lengthOf(yield* Counters.check({ organizationId: acme.id }), 1, "and leaves the others alone")
          assert.lengthOf(yield* Counters.repair(), 1)
          assert.deepStrictEqual(yield* Counters.check(), [])
          assert.deepStrictEqual(yield* totals(acme.id), { ACTIVE: 2 })
          assert.deepStrictEqual(yield* Counters.repair(), [], "nothing to repair: nothing rewritten")
        })
      )
    }
  )
}
