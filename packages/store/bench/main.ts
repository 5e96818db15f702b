/**
 * How fast the store serves an organization's user list and its neighbours. Seeds one organization
 * with `--users` members (default 10,000) and their events, then times each operation through the
 * use cases on the SQL ports: what an API request costs in storage, without HTTP. A benchmark, not a
 * test: nothing is asserted, and numbers from a busy machine say little (the load average is shown).
 *
 *   pnpm --filter @roster/store bench [--users 10000] [--iterations 200] [--driver embedded|server]
 *
 * PGlite runs in a temporary data directory. PostgreSQL runs when DATABASE_URL is set (or with
 * `--driver server`): in a scratch database that the benchmark creates through that connection and
 * drops afterwards, so the URL needs the right to create databases; its own data is never touched.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Services, Tokens, UserInput, Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Os from "node:os"
import { parseArgs } from "node:util"
import * as TestDatabase from "../test/TestDatabase.js"
import { measure, table } from "./Measure.js"
import { seed } from "./Seed.js"

type Driver = "embedded" | "server"

const { values } = parseArgs({
  // `pnpm bench -- --users 100` passes the `--` on.
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
  options: {
    users: { type: "string", default: "10000" },
    iterations: { type: "string", default: "200" },
    driver: { type: "string", multiple: true }
  }
})

const users = Number(values.users)
const iterations = Number(values.iterations)
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined
const drivers: ReadonlyArray<Driver> = (values.driver as Array<Driver> | undefined) ?? [
  "embedded",
  ...(databaseUrl === undefined ? [] : ["server" as const])
]
const pageSize = 20

const decodeAddUser = Schema.decodeUnknownSync(UserInput.AddUser)

/** A spread of indexes over `length` that does not walk the table in order. */
const spread = (i: number, length: number) => (i * 7919) % length

const bench = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const [server] = yield* sql<{ readonly version: string }>`SELECT version()`
  const seedStart = performance.now()
  const seeded = yield* seed(users)
  const seedSeconds = (performance.now() - seedStart) / 1000
  const seededStatuses = (yield* sql<{ readonly status: string; readonly members: number }>`
    SELECT status, count(*) AS members FROM memberships WHERE organization_id = ${seeded.access.organizationId}
    GROUP BY status ORDER BY count(*) DESC`)
    .map((row) => `${row.members.toLocaleString("en")} ${row.status}`)
    .join(", ")
  const { access, members, deactivatable } = seeded
  const userCases = yield* Users
  const tokenCases = yield* Tokens
  const listed = (yield* userCases.list(access, { page: 0, size: pageSize })).total
  const lastPage = Math.max(0, Math.ceil(listed / pageSize) - 1)
  const loadBefore = Os.loadavg()[0]!

  const options = { iterations, warmup: Math.min(20, Math.ceil(iterations / 10)) }
  const results = [
    yield* measure("list, first page", options, () => userCases.list(access, { page: 0, size: pageSize })),
    yield* measure("list, q search (4 digits of an email)", options, (i) =>
      userCases.list(access, { page: 0, size: pageSize, q: String(1000 + spread(i, 9000)) })
    ),
    yield* measure("list, status filter (INACTIVE)", options, () =>
      userCases.list(access, { page: 0, size: pageSize, status: ["INACTIVE"] })
    ),
    yield* measure(`list, deep page (page ${lastPage + 1} of ${lastPage + 1})`, options, () =>
      userCases.list(access, { page: lastPage, size: pageSize })
    ),
    yield* measure("get user", options, (i) => userCases.get(access, members[spread(i, members.length)]!)),
    yield* measure("add user", options, (i) =>
      userCases.add(access, decodeAddUser({ email: `new${i}@example.org`, firstName: "New", lastName: `Member ${i}` }))
    ),
    // Deactivates each ACTIVE member in turn, then activates them again, and so on.
    yield* measure("status change (deactivate / activate)", options, (i) => {
      const userId = deactivatable[i % deactivatable.length]!
      return Math.floor(i / deactivatable.length) % 2 === 0
        ? userCases.deactivate(access, userId)
        : userCases.activate(access, userId)
    }),
    yield* measure("token authentication", options, () => tokenCases.authenticate(seeded.tokenSecret))
  ]

  return [
    `${server!.version.split(" on ")[0]}`,
    `${members.length.toLocaleString("en")} members (${seededStatuses}), ${listed.toLocaleString("en")} of them listed by default; ${seeded.events.toLocaleString("en")} events; seeded in ${seedSeconds.toFixed(1)} s`,
    `${options.iterations} timed runs each after ${options.warmup} warm-up, one client, one after another; node ${process.version}, ${Os.cpus().length} CPUs, load average ${loadBefore.toFixed(1)} before, ${Os.loadavg()[0]!.toFixed(1)} after`,
    "",
    table(results)
  ].join("\n")
}).pipe(Effect.orDie)

/** The server needs DATABASE_URL; that is checked before anything runs. */
const database = (driver: Driver) =>
  driver === "embedded" ? TestDatabase.embeddedTemp() : TestDatabase.server({ url: databaseUrl! })

const main = Effect.gen(function* () {
  for (const driver of drivers) {
    const report = yield* bench.pipe(
      Effect.provide(Services.layer.pipe(Layer.provideMerge(TestDatabase.ports(database(driver)))))
    )
    console.log(
      `\n## ${driver === "embedded" ? "Embedded (PGlite, temporary data directory)" : "PostgreSQL server (scratch database)"}\n`
    )
    console.log(report)
  }
})

if (drivers.includes("server") && databaseUrl === undefined) {
  console.error("--driver server needs DATABASE_URL: a connection that may create (and drop) a scratch database")
  process.exitCode = 2
} else {
  Effect.runPromise(main).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}
