/**
 * `roster dev seed` in process, on the store's `Seed` over PGlite and PostgreSQL: `--json` prints the
 * organization and a token with every permission, and nothing else; the members are there for
 * `users list`; a second seed adds as many again; a progress bar only on a table's output; bad
 * counts are usage errors that open nothing; a data directory a server holds is refused.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { MembershipStatus, Services, Tokens, Users } from "@roster/domain"
import { Seed } from "@roster/store"
import * as TestDatabase from "@roster/store/test"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import * as TestCrypto from "@roster/crypto/test"
import { type Environment, type Io, type Progress, run } from "../src/index.js"
import { assertFailure, assertSuccess, type Result } from "./CliHarness.js"

const members = 500

for (const driver of TestDatabase.drivers()) {
  describe(`roster dev seed (${driver.name})`, () => {
    const scope = Effect.runSync(Scope.make())
    let context: Awaited<ReturnType<typeof open>>
    const open = () => Effect.runPromise(Layer.buildWithScope(TestDatabase.ports(driver.layer()), scope))
    beforeAll(async () => {
      context = await open()
    }, 120_000)
    afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

    const useCases = () => Services.layer.pipe(Layer.provideMerge(Layer.succeedContext(context)))
    /** Every progress update a run drew, and whether its bar was stopped. */
    let drawn: Array<number>
    let stopped: boolean
    let seeded: number

    const roster = async (argv: ReadonlyArray<string>, world: Partial<Io> = {}): Promise<Result> => {
      const out: Array<string> = []
      const err: Array<string> = []
      drawn = []
      stopped = false
      seeded = 0
      const code = await run(argv, {
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
        makeRuntime: () =>
          ManagedRuntime.make(
            Services.fullLayer.pipe(Layer.provide(Layer.succeedContext(context)), Layer.provide(TestCrypto.layer))
          ),
        seed: (_storage, request) => {
          seeded++
          return Seed.run({ ...request, chunkSize: 200 }).pipe(Effect.provide(useCases()))
        },
        progress: (): Progress => ({
          update: (done) => drawn.push(done),
          stop: () => {
            stopped = true
          }
        }),
        ...world
      })
      return { code, stdout: out.join(""), stderr: err.join("") }
    }

    const total = (organizationId: string, token: string) =>
      Effect.runPromise(
        Effect.gen(function* () {
          const actor = yield* (yield* Tokens).authenticate(token)
          const page = yield* (yield* Users).list(
            { actor, organizationId: organizationId as never },
            { size: 10, status: [...MembershipStatus.all] }
          )
          return page.total
        }).pipe(Effect.provide(useCases()))
      )

    it("--json prints the organization and a token with every permission, which lists the N members", async () => {
      const name = `Seeded ${crypto.randomUUID().slice(0, 8)}`
      const result = await roster(["dev", "seed", "--members", String(members), "--organization", name, "--json"])
      assertSuccess(result)
      const answer = JSON.parse(result.stdout)
      assert.deepStrictEqual(Object.keys(answer), ["organizationId", "token"])
      assert.match(answer.token, /^tot_[A-Za-z0-9]{52}$/)
      // No bar where a script reads the output.
      assert.deepStrictEqual(drawn, [])
      assert.strictEqual(await total(answer.organizationId, answer.token), members)

      const listed = await roster(["users", "list", "--org", name, "--status", "FORGOTTEN", "--json"])
      assertSuccess(listed)
      const forgotten = JSON.parse(listed.stdout)
      assert.isAbove(forgotten.totalElements, 0)
      for (const user of forgotten.content) {
        assert.match(user.email, /^forgotten-.*@erased\.invalid$/)
        assert.strictEqual(user.profile.firstName, null)
      }

      // Again, into the same organization (by id this time): N more, and a new token.
      const again = await roster([
        "dev",
        "seed",
        "--members",
        String(members),
        "--organization",
        answer.organizationId,
        "--json"
      ])
      assertSuccess(again)
      const second = JSON.parse(again.stdout)
      assert.strictEqual(second.organizationId, answer.organizationId)
      assert.notStrictEqual(second.token, answer.token)
      assert.strictEqual(await total(answer.organizationId, answer.token), 2 * members)
    })

    it("says what it added, with a progress bar drawn to the end and stopped", async () => {
      const name = `Summary ${crypto.randomUUID().slice(0, 8)}`
      const result = await roster(["dev", "seed", "--members", "450", "--organization", name])
      assertSuccess(result)
      assert.match(
        result.stdout,
        new RegExp(
          `^Seeded 450 members into the new organization ${name} \\([0-9a-f-]{36}\\) in [\\d.]+ s: \\d+ ACTIVE, \\d+ INACTIVE, \\d+ TERMINATED, \\d+ REMOVED, \\d+ FORGOTTEN; [\\d,]+ events\\.\\nToken seed-[0-9a-f]{8}, every permission \\(shown only now\\): tot_[A-Za-z0-9]{52}\\n$`
        )
      )
      assert.strictEqual(drawn[0], 0)
      assert.strictEqual(drawn.at(-1), 450)
      assert.isTrue(stopped)
    })

    it("refuses a count that is not a whole number from 1 up: a usage error, nothing seeded", async () => {
      for (const bad of ["0", "abc", "-5", "1.5", "10000001", ""]) {
        const result = await roster(["dev", "seed", "--members", bad, "--json"])
        assertFailure(result, "USAGE", 2, /--members/)
        assert.strictEqual(seeded, 0)
      }
      assertFailure(await roster(["dev", "seed"]), "USAGE", 2, /required option '--members <n>' not specified/)
      assertFailure(
        await roster(["dev", "seed", "--members", "5", "--organization", " "]),
        "USAGE",
        2,
        /--organization' must not be empty/
      )
      assert.strictEqual(seeded, 0)
    })

    it("refuses a data directory a running server holds, naming what to do", async () => {
      const held: Environment = {
        database: () => ({ _tag: "Embedded", dataDir: "/srv/roster/data", named: true }),
        server: () => ({ pid: 4242, url: "http://127.0.0.1:3000" })
      }
      const result = await roster(["dev", "seed", "--members", "10", "--data-dir", "/srv/roster/data"], {
        environment: () => held
      })
      assertFailure(
        result,
        "DATA_DIRECTORY_LOCKED",
        1,
        "The data directory /srv/roster/data is in use by the Roster server at http://127.0.0.1:3000 (pid 4242): stop it, run roster dev seed, then start it again; or seed a PostgreSQL server the Roster servers share (--database-url)"
      )
      assert.strictEqual(seeded, 0)
    })
  })
}
