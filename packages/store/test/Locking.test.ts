/**
 * Writes lock what they change, not the organization (ADR 0049), on a PostgreSQL server, where
 * transactions really run side by side (PGlite has one connection: everything queues there). Each
 * test holds one change's transaction open, before its commit, and watches the other: it either
 * finishes while the first is held, or it waits for a lock (`pg_stat_activity` says so) — no timing.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import {
  type Access,
  Actor,
  LastManager,
  MemberRepository,
  Organizations,
  type Role,
  Services,
  TokenId,
  TokenRepository,
  Transactor,
  UserRepository,
  Users,
  randomUuid
} from "@roster/domain"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import pg from "pg"
import * as Counted from "../src/migrations/schema_0009.js"
import * as TestDatabase from "./TestDatabase.js"

const organization = Effect.gen(function* () {
  const created = yield* (yield* Organizations).create(Actor.operator, `Acme ${randomUuid().slice(0, 8)}`)
  const role = (name: string) => created.roles.find((r: Role.Role) => r.name === name)!
  const access: Access = { actor: Actor.operator, organizationId: created.organization.id }
  return { id: created.organization.id, access, admin: role("Admin"), member: role("Member") }
})

/** What an attempt ended with: the error's tag, or "succeeded". */
const outcome = <A, E extends { readonly _tag: string }>(result: Either.Either<A, E>) =>
  Either.isLeft(result) ? result.left._tag : "succeeded"

const email = (local: string) => `${local}-${randomUuid().slice(0, 8)}@example.com`

/** Resolves once some transaction of this database waits for a lock (a row's or an advisory one). */
const someoneWaits = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  for (;;) {
    const [row] = yield* sql<{ readonly waiting: number }>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`
    if (row!.waiting > 0) return "waited" as const
    yield* Effect.sleep("10 millis")
  }
}).pipe(Effect.orDie)

/**
 * Runs `effect` in a transaction that stays open, its locks held, until `commit` is run; answers
 * once `effect` has run (its value) and `commit` (which answers how the transaction ended).
 */
const holdOpen = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const { transaction } = yield* Transactor
    const ran = yield* Deferred.make<A>()
    const release = yield* Deferred.make<void>()
    const fiber = yield* Effect.fork(
      transaction(null)(
        Effect.tap(effect, (value) => Deferred.succeed(ran, value)).pipe(Effect.zipLeft(Deferred.await(release)))
      )
    )
    const value = yield* Deferred.await(ran)
    return { value, commit: Deferred.succeed(release, undefined).pipe(Effect.zipRight(Fiber.await(fiber))) }
  })

/** How `other` ends while the transaction `held` opened stays open: it finished, or it waits for a lock. */
const whileHeld = <A, E, R>(other: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(Effect.either(other))
    const first = yield* Effect.raceFirst(Fiber.join(fiber).pipe(Effect.as("finished" as const)), someoneWaits)
    return { first, result: Fiber.join(fiber) }
  })

/**
 * The round trips `effect` makes to the database: every query node-postgres sends, BEGIN and COMMIT
 * included (`withTransaction` sends them as statements of their own). Counted in the client, where
 * each `query` is one request and one answer.
 */
const roundTrips = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const original = pg.Client.prototype.query
      const sent: Array<string> = []
      pg.Client.prototype.query = function (this: pg.Client, ...args: Array<unknown>) {
        const config = args[0] as string | { readonly text: string }
        sent.push(typeof config === "string" ? config : config.text)
        // A library boundary: node-postgres's overloads, passed through as they came.
        return (original as any).apply(this, args)
      } as typeof original
      return { original, sent }
    }),
    ({ sent }) => Effect.map(effect, () => sent.map((text) => text.trim().split(/\s+/).slice(0, 4).join(" "))),
    ({ original }) =>
      Effect.sync(() => {
        pg.Client.prototype.query = original
      })
  )

for (const driver of TestDatabase.drivers().filter((d) => d.name === "server")) {
  const ports = TestDatabase.ports(driver.layer())
  layer(Services.layer.pipe(Layer.provideMerge(ports)), { excludeTestServices: true, timeout: "2 minutes" })(
    `changes lock what they change (${driver.name})`,
    (it) => {
      it.effect("a membership change is few round trips", () =>
        Effect.gen(function* () {
          const acme = yield* organization
          const users = yield* Users
          const tokens = yield* TokenRepository
          const ada = yield* users.add(acme.access, { email: email("ada") })
          const grace = yield* users.add(acme.access, { email: email("grace"), roleId: acme.admin.id })
          yield* users.add(acme.access, { email: email("keeper"), roleId: acme.admin.id })
          const tokenId = TokenId.make(randomUuid())
          yield* tokens.insert(
            {
              id: tokenId,
              organizationId: acme.id,
              name: "integration",
              permissions: ["can_manage_users"],
              createdAt: new Date(),
              expiresAt: null,
              revokedAt: null,
              lastUsedAt: null,
              createdByUserId: null
            },
            `hash-${tokenId}`
          )
          const asToken: Access = {
            actor: Actor.token({
              tokenId,
              organizationId: acme.id,
              permissions: ["can_manage_users"],
              onBehalfOf: null
            }),
            organizationId: acme.id
          }
          const terminate = yield* roundTrips(users.terminate(asToken, ada.user.id))
          const reinstate = yield* roundTrips(users.reinstate(asToken, ada.user.id, { roleId: acme.member.id }))
          const demote = yield* roundTrips(users.changeRole(acme.access, grace.user.id, { roleId: acme.member.id }))
          // Before ADR 0049 a token's terminate was 7: BEGIN, the organization's row FOR UPDATE, the
          // token, the member, the UPDATE, the event's INSERT, COMMIT.
          assert.deepStrictEqual(terminate, [
            "BEGIN",
            "SELECT * FROM organization_tokens",
            "SELECT m.id, m.user_id, m.organization_id,",
            "WITH changed AS (",
            "COMMIT"
          ])
          // Giving a role reads it.
          assert.strictEqual(reinstate.length, 6)
          // Taking a manager away waits for `{ managers }`, then counts (a statement of its own, so
          // that its snapshot is taken once the lock is held).
          assert.deepStrictEqual(demote.slice(3, 5), [
            "SELECT pg_advisory_xact_lock($1, hashtext($2::text))",
            "SELECT coalesce(sum(c.members), 0)::bigint AS"
          ])
          assert.strictEqual(demote.length, 7)
        })
      )

      it.effect("a change of one member does not wait for a change of another in the same organization", () =>
        Effect.gen(function* () {
          const acme = yield* organization
          const users = yield* Users
          const sql = yield* SqlClient.SqlClient
          // Two members whose counters are different rows: the counters spread an organization's
          // members over 8 slots by user id (migration 0009), and two changes of members in one slot
          // do wait for each other's counter row, 1 time in 8.
          const slotOf = (member: { readonly user: { readonly id: string } }) =>
            sql<{ readonly slot: number }>`
              SELECT ${sql.literal(Counted.slotOf("user_id"))}::int AS slot FROM memberships
              WHERE user_id = ${member.user.id} LIMIT 1`.pipe(
              Effect.map(([row]) => row!.slot),
              Effect.orDie
            )
          const ada = yield* users.add(acme.access, { email: email("ada") })
          let grace = yield* users.add(acme.access, { email: email("grace") })
          while ((yield* slotOf(grace)) === (yield* slotOf(ada))) {
            grace = yield* users.add(acme.access, { email: email("grace") })
          }

          const held = yield* holdOpen(users.terminate(acme.access, ada.user.id))
          const other = yield* whileHeld(users.terminate(acme.access, grace.user.id))
          assert.strictEqual(other.first, "finished", "Grace's termination committed while Ada's was open")
          assert.isTrue(Either.isRight(yield* other.result))
          yield* held.commit

          const statuses = yield* Effect.forEach([ada, grace], (m) => users.get(acme.access, m.user.id))
          assert.deepStrictEqual(
            statuses.map((m) => m.membership.status),
            ["TERMINATED", "TERMINATED"]
          )
        })
      )

      it.effect("two changes of one member do wait: the second sees the first once it commits", () =>
        Effect.gen(function* () {
          const acme = yield* organization
          const users = yield* Users
          const ada = yield* users.add(acme.access, { email: email("ada") })

          const held = yield* holdOpen(users.terminate(acme.access, ada.user.id))
          const other = yield* whileHeld(users.terminate(acme.access, ada.user.id))
          assert.strictEqual(other.first, "waited")
          yield* held.commit
          // Terminating a TERMINATED member is not a move the state machine has.
          assert.strictEqual(outcome(yield* other.result), "InvalidTransition")
          assert.strictEqual((yield* users.get(acme.access, ada.user.id)).membership.status, "TERMINATED")
        })
      )

      it.effect("a change that waited for another of the same member works on the member as it committed", () =>
        Effect.gen(function* () {
          const acme = yield* organization
          const users = yield* Users
          const ada = yield* users.add(acme.access, { email: email("ada"), firstName: "Ada" })

          // Her role changes while a profile edit waits: the edit must find her (with her new role),
          // and keep the role the first change gave.
          const held = yield* holdOpen(users.changeRole(acme.access, ada.user.id, { roleId: acme.admin.id }))
          const other = yield* whileHeld(users.updateProfile(acme.access, ada.user.id, { title: "Countess" }))
          assert.strictEqual(other.first, "waited")
          yield* held.commit
          assert.strictEqual(outcome(yield* other.result), "succeeded")
          const after = yield* users.get(acme.access, ada.user.id)
          assert.deepStrictEqual([after.role.name, after.membership.title], ["Admin", "Countess"])
        })
      )

      it.effect("the last two managers demoted at once: exactly one is, the other is LastManager", () =>
        Effect.gen(function* () {
          const acme = yield* organization
          const users = yield* Users
          const members = yield* MemberRepository
          const a = yield* users.add(acme.access, { email: email("a"), roleId: acme.admin.id })
          const b = yield* users.add(acme.access, { email: email("b"), roleId: acme.admin.id })

          // Held open: the second demotion must wait for the first's commit, not count before it.
          const held = yield* holdOpen(users.changeRole(acme.access, a.user.id, { roleId: acme.member.id }))
          const other = yield* whileHeld(users.changeRole(acme.access, b.user.id, { roleId: acme.member.id }))
          assert.strictEqual(other.first, "waited")
          yield* held.commit
          const second = yield* other.result
          assert.isTrue(Either.isLeft(second) && second.left instanceof LastManager)
          assert.strictEqual(yield* members.countActiveManagers(acme.id), 1)

          // And without holding anything: as many times as it takes to meet, one of two goes through.
          for (let round = 0; round < 5; round++) {
            const org = yield* organization
            const [x, y] = yield* Effect.forEach(["x", "y"], (name) =>
              users.add(org.access, { email: email(name), roleId: org.admin.id })
            )
            const results = yield* Effect.all(
              [x!, y!].map((m) => Effect.either(users.changeRole(org.access, m.user.id, { roleId: org.member.id }))),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(results.filter(Either.isRight).length, 1)
            assert.strictEqual(yield* members.countActiveManagers(org.id), 1)
          }
        })
      )

      it.effect("an actor demoted while their write waits is refused, with nothing written", () =>
        Effect.gen(function* () {
          const acme = yield* organization
          const users = yield* Users
          const tokens = yield* TokenRepository
          // Two Admins, so that the demotion is allowed; the actor acts through a token of their own.
          yield* users.add(acme.access, { email: email("keeper"), roleId: acme.admin.id })
          const actor = yield* users.add(acme.access, { email: email("actor"), roleId: acme.admin.id })
          const target = yield* users.add(acme.access, { email: email("target") })
          const tokenId = TokenId.make(randomUuid())
          yield* tokens.insert(
            {
              id: tokenId,
              organizationId: acme.id,
              name: "actor's",
              permissions: ["can_manage_users"],
              createdAt: new Date(),
              expiresAt: null,
              revokedAt: null,
              lastUsedAt: null,
              createdByUserId: actor.user.id
            },
            `hash-${tokenId}`
          )
          // As authentication read it: an Admin's token.
          const asActor: Access = {
            actor: Actor.token({
              tokenId,
              organizationId: acme.id,
              permissions: ["can_manage_users"],
              onBehalfOf: actor.user.id
            }),
            organizationId: acme.id
          }

          const held = yield* holdOpen(users.changeRole(acme.access, actor.user.id, { roleId: acme.member.id }))
          const write = yield* whileHeld(users.terminate(asActor, target.user.id))
          assert.strictEqual(write.first, "waited", "the actor's write waits for their demotion to commit")
          yield* held.commit
          assert.strictEqual(outcome(yield* write.result), "Forbidden")
          assert.strictEqual((yield* users.get(acme.access, target.user.id)).membership.status, "ACTIVE")
        })
      )

      it.effect("an identity's last two memberships forgotten at once, in two organizations: it is erased", () =>
        Effect.gen(function* () {
          const [acme, globex] = [yield* organization, yield* organization]
          const users = yield* Users
          const identities = yield* UserRepository
          const address = email("ada")
          const ada = yield* users.add(acme.access, { email: address })
          yield* users.add(globex.access, { email: address })
          for (const org of [acme, globex]) yield* users.remove(org.access, ada.user.id, { reason: "Left" })

          // Each forget counts the memberships not forgotten: without waiting for the other, each
          // would count the other's, and neither would erase the identity.
          const held = yield* holdOpen(users.forget(acme.access, ada.user.id))
          const other = yield* whileHeld(users.forget(globex.access, ada.user.id))
          assert.strictEqual(other.first, "waited")
          yield* held.commit
          assert.strictEqual(outcome(yield* other.result), "succeeded")
          const identity = yield* identities.findById(ada.user.id)
          assert.isTrue(identity._tag === "Some" && identity.value.erasedAt !== null)
        })
      )

      it.effect("two transactions that lock two rows in opposite orders: one is ended, and runs again", () =>
        Effect.gen(function* () {
          const acme = yield* organization
          const users = yield* Users
          const members = yield* MemberRepository
          const { transaction } = yield* Transactor
          const a = yield* users.add(acme.access, { email: email("a") })
          const b = yield* users.add(acme.access, { email: email("b") })
          let attempts = 0
          const [aLocked, bLocked] = [yield* Deferred.make<void>(), yield* Deferred.make<void>()]
          // Each locks one row, waits until the other has locked the other row, then wants it: a
          // cycle PostgreSQL breaks by ending one of them (after deadlock_timeout, a second).
          const crosswise = (first: typeof a, mine: typeof aLocked, second: typeof b, theirs: typeof bLocked) =>
            transaction(null)(
              Effect.gen(function* () {
                attempts++
                yield* members.find(acme.id, first.user.id, "update")
                yield* Deferred.succeed(mine, undefined)
                yield* Deferred.await(theirs)
                yield* members.find(acme.id, second.user.id, "update")
                return "committed"
              })
            )
          const results = yield* Effect.all([crosswise(a, aLocked, b, bLocked), crosswise(b, bLocked, a, aLocked)], {
            concurrency: "unbounded"
          })
          assert.deepStrictEqual(results, ["committed", "committed"])
          assert.strictEqual(attempts, 3)
        })
      )

      it.effect("two adds of one email at once: one member, one AlreadyMember", () =>
        Effect.gen(function* () {
          const acme = yield* organization
          const users = yield* Users
          for (let round = 0; round < 5; round++) {
            const address = email(`twice${round}`)
            const results = yield* Effect.all(
              [address, address.toUpperCase()].map((e) => Effect.either(users.add(acme.access, { email: e }))),
              { concurrency: "unbounded" }
            )
            assert.sameMembers(results.map(outcome), ["succeeded", "AlreadyMember"])
          }
          const listed = yield* users.list(acme.access, { page: 0, size: 50 })
          assert.strictEqual(listed.total, 5)
        })
      )
    }
  )
}
