/**
 * `roster db counters [--repair]` in process, on the store's `Counters` over PGlite and PostgreSQL:
 * counters that agree pass; drift written around the triggers fails the check (exit 4) naming each
 * counter; `--repair` rebuilds and says what it fixed; `--organization` narrows by name or id, and an
 * unknown one is not found; a data directory a server holds is refused.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Actor, Organizations, Services, Users } from "@roster/domain"
import { Counters } from "@roster/store"
import * as TestDatabase from "@roster/store/test"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import * as TestCrypto from "@roster/crypto/test"
import { type Environment, type Io, run } from "../src/index.js"
import { assertFailure, assertSuccess, type Result } from "./CliHarness.js"

for (const driver of TestDatabase.drivers()) {
  describe(`roster db counters (${driver.name})`, () => {
    const scope = Effect.runSync(Scope.make())
    let context: Awaited<ReturnType<typeof open>>
    const open = () => Effect.runPromise(Layer.buildWithScope(TestDatabase.ports(driver.layer()), scope))
    beforeAll(async () => {
      context = await open()
    }, 120_000)
    afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

    const useCases = () => Services.layer.pipe(Layer.provideMerge(Layer.succeedContext(context)))
    const inDatabase = <A, E>(effect: Effect.Effect<A, E, Services.UseCases | SqlClient.SqlClient>) =>
      Effect.runPromise(effect.pipe(Effect.provide(useCases())))
    let opened: number

    const roster = async (argv: ReadonlyArray<string>, world: Partial<Io> = {}): Promise<Result> => {
      const out: Array<string> = []
      const err: Array<string> = []
      opened = 0
      const code = await run(argv, {
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
        makeRuntime: () =>
          ManagedRuntime.make(
            Services.fullLayer.pipe(Layer.provide(Layer.succeedContext(context)), Layer.provide(TestCrypto.layer))
          ),
        // As the app does it: the organization resolved by id or name, then the store's check or repair.
        counters: (_storage, request) => {
          opened++
          return Effect.gen(function* () {
            const organizationId =
              request.organization === undefined
                ? undefined
                : (yield* (yield* Organizations).resolve(request.organization)).id
            return yield* (request.repair ? Counters.repair : Counters.check)({ organizationId })
          }).pipe(Effect.provide(useCases()))
        },
        ...world
      })
      return { code, stdout: out.join(""), stderr: err.join("") }
    }

    /** An organization with three members, one counter of which is then written around the triggers. */
    const drifted = (name: string) =>
      inDatabase(
        Effect.gen(function* () {
          const created = yield* (yield* Organizations).create(Actor.operator, name)
          const access = { actor: Actor.operator, organizationId: created.organization.id }
          for (const local of ["ada", "grace", "linus"]) {
            yield* (yield* Users).add(access, { email: `${local}-${crypto.randomUUID().slice(0, 8)}@example.com` })
          }
          const sql = yield* SqlClient.SqlClient
          yield* sql`
            UPDATE membership_counts SET members = members + 7
            WHERE (organization_id, status, role_id, slot) IN (
              SELECT organization_id, status, role_id, slot FROM membership_counts
              WHERE organization_id = ${created.organization.id} AND members > 0 LIMIT 1)`
          const member = created.roles.find((role) => role.isDefault)!
          return { id: created.organization.id, member: member.id }
        })
      )

    it("fails on drift naming each counter, and --repair rebuilds them", async () => {
      const name = `Drift ${crypto.randomUUID().slice(0, 8)}`
      const acme = await drifted(name)

      const checked = await roster(["db", "counters", "--organization", name])
      assertFailure(
        checked,
        "COUNTERS_DRIFT",
        4,
        `1 member counter(s) disagree with the memberships (organization ${acme.id}, ACTIVE, role ${acme.member}: counted 10, there are 3): run roster db counters --repair`
      )

      const repaired = await roster(["db", "counters", "--repair", "--organization", acme.id, "--json"])
      assertSuccess(repaired)
      assert.deepStrictEqual(JSON.parse(repaired.stdout), {
        drift: [{ organizationId: acme.id, status: "ACTIVE", roleId: acme.member, counted: 10, actual: 3 }],
        repaired: true
      })

      const again = await roster(["db", "counters", "--organization", name])
      assertSuccess(again)
      assert.strictEqual(again.stdout, "The member counters agree with the memberships.\n")
    })

    it("with no organization checks them all, and --repair says what it fixed", async () => {
      const acme = await drifted(`All ${crypto.randomUUID().slice(0, 8)}`)
      assertFailure(await roster(["db", "counters"]), "COUNTERS_DRIFT", 4, /disagree with the memberships/)
      const repaired = await roster(["db", "counters", "--repair"])
      assertSuccess(repaired)
      assert.match(repaired.stdout, /^Repaired \d+ member counter\(s\):\n/)
      assert.include(repaired.stdout, `  organization ${acme.id}, ACTIVE, role ${acme.member}: counted 10, there are 3`)
      assert.deepStrictEqual(JSON.parse((await roster(["db", "counters", "--json"])).stdout), {
        drift: [],
        repaired: false
      })
    })

    it("an unknown organization is not found; a blank one is a usage error that opens nothing", async () => {
      assertFailure(await roster(["db", "counters", "--organization", "Nobody Here"]), "ORGANIZATION_NOT_FOUND", 3)
      assertFailure(
        await roster(["db", "counters", "--organization", " "]),
        "USAGE",
        2,
        /--organization' must not be empty/
      )
      assert.strictEqual(opened, 0)
    })

    it("refuses a data directory a running server holds, naming what to do", async () => {
      const held: Environment = {
        database: () => ({ _tag: "Embedded", dataDir: "/srv/roster/data", named: true }),
        server: () => ({ pid: 4242, url: "http://127.0.0.1:3000" })
      }
      const result = await roster(["db", "counters", "--data-dir", "/srv/roster/data"], { environment: () => held })
      assertFailure(
        result,
        "DATA_DIRECTORY_LOCKED",
        1,
        "The data directory /srv/roster/data is in use by the Roster server at http://127.0.0.1:3000 (pid 4242): stop it and run roster db counters again"
      )
      assert.strictEqual(opened, 0)
    })
  })
}
