import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import { randomUuid } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Counters from "../src/Counters.js"
import * as Database from "../src/Database.js"
import * as Migrations from "../src/Migrations.js"
import * as Migrator from "../src/Migrator.js"
import * as TestDatabase from "./TestDatabase.js"

const statement = (text: string) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(text)).pipe(Effect.asVoid)

const tableExists = (name: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql<{ exists: boolean }>`SELECT to_regclass(${name}) IS NOT NULL AS exists`
  ).pipe(Effect.map(([row]) => row!.exists))

const recorded = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql<{
      migrationId: number
      name: string
    }>`SELECT migration_id, name FROM ${sql(Migrator.table)} ORDER BY migration_id`
).pipe(Effect.map((rows) => rows.map((_) => `${_.migrationId}_${_.name}`)))

/** Each test starts from an empty database; sharing one database keeps the suite fast. */
const emptyDatabase = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.all([sql`DROP SCHEMA public CASCADE`, sql`CREATE SCHEMA public`], { discard: true })
)

for (const driver of TestDatabase.drivers()) {
  layer(driver.layer({ migrations: {} }), { excludeTestServices: true, timeout: "2 minutes" })(
    `Migrator (${driver.name})`,
    (it) => {
      it.effect("applies pending migrations once, in id order, and records them", () =>
        Effect.gen(function* () {
          yield* emptyDatabase
          const order: Array<string> = []
          const migrations: Migrator.Migrations = {
            "0002_second": Effect.zipRight(
              Effect.sync(() => order.push("second")),
              statement("ALTER TABLE t ADD b int")
            ),
            "0001_first": Effect.zipRight(
              Effect.sync(() => order.push("first")),
              statement("CREATE TABLE t (a int)")
            )
          }
          assert.deepStrictEqual(yield* Migrator.run(migrations), [
            { id: 1, name: "first" },
            { id: 2, name: "second" }
          ])
          assert.deepStrictEqual(order, ["first", "second"])
          assert.deepStrictEqual(yield* Migrator.run(migrations), [], "up to date: nothing runs again")
          assert.deepStrictEqual(order, ["first", "second"])

          const next = { ...migrations, "0003_third": statement("CREATE INDEX t_a ON t (a)") }
          assert.deepStrictEqual(yield* Migrator.run(next), [{ id: 3, name: "third" }])
          assert.deepStrictEqual(yield* recorded, ["1_first", "2_second", "3_third"])
        })
      )

      it.effect("a failing migration keeps nothing of the run and says which one failed", () =>
        Effect.gen(function* () {
          yield* emptyDatabase
          const error = yield* Effect.flip(
            Migrator.run({
              "0001_tables": statement("CREATE TABLE kept_not (a int)"),
              "0002_broken": statement("SELECT 1/0")
            })
          )
          assert.strictEqual(error._tag, "MigrationFailed")
          assert.strictEqual(error.migration, "0002_broken")
          assert.strictEqual(error.message, "Migration 0002_broken failed: division by zero")
          assert.isFalse(yield* tableExists("kept_not"))
          assert.isFalse(yield* tableExists(Migrator.table))
        })
      )

      it.effect("refuses a database migrated by a newer version", () =>
        Effect.gen(function* () {
          yield* emptyDatabase
          yield* Migrator.run({
            "0001_first": statement("CREATE TABLE t (a int)"),
            "0002_later": statement("SELECT 1")
          })
          const error = yield* Effect.flip(Migrator.run({ "0001_first": statement("CREATE TABLE t (a int)") }))
          assert.include(
            error.message,
            "the database has migration(s) 0002_later that this version of Roster does not know"
          )
        })
      )

      it.effect("rejects keys that are not <id>_<name>, or that share an id, before touching the database", () =>
        Effect.gen(function* () {
          yield* emptyDatabase
          const badKey = yield* Effect.flip(Migrator.run({ initial: statement("SELECT 1") }))
          assert.include(badKey.message, `"initial" is not a migration key like "0001_initial"`)
          const clash = yield* Effect.flip(
            Migrator.run({ "0001_a": statement("SELECT 1"), "1_b": statement("SELECT 1") })
          )
          assert.include(clash.message, "share the id 1")
          assert.isFalse(yield* tableExists(Migrator.table))
        })
      )

      it.effect("0005 gives tokens minted through a member's session, before it, to that member", () =>
        Effect.gen(function* () {
          yield* emptyDatabase
          const before = Object.fromEntries(Object.entries(Migrations.all).filter(([key]) => key < "0005"))
          yield* Migrator.run(before)
          const sql = yield* SqlClient.SqlClient
          const [org, ada, byAda, byOperator] = [randomUuid(), randomUuid(), randomUuid(), randomUuid()]
          yield* sql`INSERT INTO organizations (id, name, created_at) VALUES (${org}, ${`Org ${org}`}, now())`
          yield* sql`INSERT INTO users (id, email, created_at) VALUES (${ada}, ${`${ada}@example.com`}, now())`
          for (const [id, actor] of [
            [byAda, { type: "user", id: ada }],
            [byOperator, { type: "operator", id: null }]
          ] as const) {
            yield* sql`
              INSERT INTO organization_tokens (id, organization_id, name, token_hash, permissions, created_at)
              VALUES (${id}, ${org}, 'script', ${randomUuid()}, ${["can_view_users"]}, now())`
            yield* sql`
              INSERT INTO events (id, organization_id, actor, type, after, at)
              VALUES (${randomUuid()}, ${org}, ${JSON.stringify(actor)}::jsonb, 'token.created',
                      ${JSON.stringify({ tokenId: id })}::jsonb, now())`
          }
          yield* Migrator.run(Migrations.all)
          const rows = yield* sql<{ id: string; createdByUserId: string | null }>`
            SELECT id, created_by_user_id FROM organization_tokens ORDER BY id`
          assert.deepStrictEqual(Object.fromEntries(rows.map((row) => [row.id, row.createdByUserId])), {
            [byAda]: ada,
            [byOperator]: null
          })
        })
      )

      it.effect("0006 deletes the sign-in counts keyed in clear, by email or by account", () =>
        Effect.gen(function* () {
          yield* emptyDatabase
          yield* Migrator.run(Object.fromEntries(Object.entries(Migrations.all).filter(([key]) => key < "0006")))
          const sql = yield* SqlClient.SqlClient
          for (const key of ["email:ada@example.com", "email:nobody@example.com", `user:${randomUuid()}`]) {
            yield* sql`
              INSERT INTO login_throttle (email_key, failures, window_start, locked_until)
              VALUES (${key}, 5, now(), now() + interval '15 minutes')`
          }
          yield* Migrator.run(Migrations.all)
          assert.deepStrictEqual(yield* sql`SELECT email_key FROM login_throttle`, [])
        })
      )

      it.effect(
        "a populated database from before 0009 upgrades: members kept, counters as the memberships say, emails copied",
        () =>
          Effect.gen(function* () {
            yield* emptyDatabase
            yield* Migrator.run(Object.fromEntries(Object.entries(Migrations.all).filter(([key]) => key < "0009")))
            const sql = yield* SqlClient.SqlClient
            const statuses = ["ACTIVE", "ACTIVE", "ACTIVE", "INACTIVE", "TERMINATED", "REMOVED", "FORGOTTEN"]
            const organizations = [randomUuid(), randomUuid()]
            for (const org of organizations) {
              const [admin, member] = [randomUuid(), randomUuid()]
              yield* sql`INSERT INTO organizations (id, name, created_at) VALUES (${org}, ${`Org ${org}`}, now())`
              yield* sql`
              INSERT INTO roles (id, organization_id, name, permissions, is_default) VALUES
                (${admin}, ${org}, 'Admin', ${["can_view_users", "can_manage_users"]}, false),
                (${member}, ${org}, 'Member', ${["can_view_users"]}, true)`
              // Set-based, as a big organization's data would be: 210 members over every status and both roles.
              yield* sql`
              WITH people AS (
                INSERT INTO users (id, email, name, created_at)
                SELECT gen_random_uuid(), ${org}::text || '-' || i || '@example.com', 'Person ' || i, now()
                FROM generate_series(1, 210) i
                RETURNING id, email
              )
              INSERT INTO memberships (id, user_id, organization_id, role_id, status, first_name, created_at, updated_at)
              SELECT gen_random_uuid(), id, ${org},
                     CASE WHEN row_number() OVER () % 10 = 0 THEN ${admin}::uuid ELSE ${member}::uuid END,
                     (${statuses}::text[])[1 + row_number() OVER () % ${statuses.length}], 'First', now(), now()
              FROM people`
              yield* sql`
              INSERT INTO events (id, organization_id, user_id, actor, type, after, at)
              SELECT gen_random_uuid(), organization_id, user_id, '{"type":"operator","id":null}'::jsonb, 'user.added',
                     jsonb_build_object('status', status), now()
              FROM memberships WHERE organization_id = ${org}`
            }
            // The columns there were before 0009 (0010 adds its own, checked below).
            const snapshot = sql<{ members: string }>`
            SELECT string_agg((m.id, m.user_id, m.organization_id, m.role_id, m.status, m.first_name, m.last_name,
                               m.title, m.created_at, m.updated_at)::text, '|' ORDER BY m.id) AS members
            FROM memberships m`
            const [before] = yield* snapshot

            yield* Migrator.run(Migrations.all)

            const [after] = yield* snapshot
            assert.strictEqual(after!.members, before!.members, "every membership as it was")
            const [events] = yield* sql<{ total: number }>`SELECT count(*)::int AS total FROM events`
            assert.strictEqual(events!.total, 420)
            // 0010: each membership took its member's email, lowercased, and its name to sort by.
            const [copied] = yield* sql<{ wrong: number }>`
            SELECT count(*)::int AS wrong FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.email IS DISTINCT FROM lower(u.email) OR m.sort_name IS DISTINCT FROM 'first '`
            assert.strictEqual(copied!.wrong, 0)
            // …and keeps it as the email changes.
            yield* sql`UPDATE users SET email = upper(email) || '.NEW' WHERE email LIKE ${`${organizations[0]}-1%`}`
            const [followed] = yield* sql<{ wrong: number; changed: number }>`
            SELECT count(*) FILTER (WHERE m.email <> lower(u.email))::int AS wrong,
                   count(*) FILTER (WHERE m.email LIKE '%.new')::int AS changed
            FROM memberships m JOIN users u ON u.id = m.user_id`
            assert.deepStrictEqual({ ...followed }, { wrong: 0, changed: 111 })
            assert.deepStrictEqual(yield* Counters.check(), [])
            const counted = yield* sql<{ status: string; members: number }>`
            SELECT status, sum(members)::int AS members FROM membership_counts
            WHERE organization_id = ${organizations[0]!} GROUP BY status ORDER BY status`
            assert.deepStrictEqual(Object.fromEntries(counted.map((row) => [row.status, row.members])), {
              ACTIVE: 90,
              FORGOTTEN: 30,
              INACTIVE: 30,
              REMOVED: 30,
              TERMINATED: 30
            })
          })
      )

      it.effect("start-ups migrating at the same time run each migration once", () =>
        Effect.gen(function* () {
          yield* emptyDatabase
          const sql = yield* SqlClient.SqlClient
          // A second client of the same database, as a second server would have (embedded: the same one).
          const [{ name }] = (yield* sql<{ name: string }>`SELECT current_database() AS name`) as any
          const other =
            driver.name === "server"
              ? yield* Layer.build(Database.layerServer(withDatabase(TestDatabase.serverUrl()!, name)))
              : yield* Effect.context<SqlClient.SqlClient>()
          // As on a new database, the migrations table does not exist yet either: creating it races too.
          const migrations: Migrator.Migrations = {
            // Slow and not idempotent: run twice, or concurrently, it would fail.
            "0001_slow": Effect.zipRight(statement("CREATE TABLE once (a int)"), statement("SELECT pg_sleep(0.3)"))
          }
          const results = yield* Effect.all(
            [Migrator.run(migrations), Migrator.run(migrations).pipe(Effect.provide(other))],
            { concurrency: 2 }
          )
          assert.strictEqual(results.flat().length, 1, "exactly one of them applied it")
          assert.deepStrictEqual(yield* recorded, ["1_slow"])
        }).pipe(Effect.scoped)
      )
    }
  )
}

const withDatabase = (url: string, database: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}
