/**
 * The raw baseline answers as Roster does: the same JSON for the same member, page and change, on
 * one seeded PostgreSQL database (skipped without ROSTER_TEST_DATABASE_URL). A ratio against a
 * baseline that answered something else would mean nothing.
 */
import * as Crypto from "@roster/crypto"
import { Services } from "@roster/domain"
import { App, Server } from "@roster/http"
import * as Store from "@roster/store"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { randomBytes } from "node:crypto"
import type { AddressInfo } from "node:net"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Baseline from "../src/scale/Baseline.js"
import * as Scratch from "../src/scale/Scratch.js"
import * as Seeding from "../src/scale/Seeding.js"
import * as Workload from "../src/scale/Workload.js"

const adminUrl = process.env.ROSTER_TEST_DATABASE_URL

describe.skipIf(adminUrl === undefined)("the raw baseline", () => {
  let scratch: Scratch.Scratch
  let roster: Server.Handle
  let runtime: ManagedRuntime.ManagedRuntime<unknown, unknown>
  let baseline: { url: string; close: () => Promise<void> }
  let fixtures: Workload.Fixtures

  beforeAll(async () => {
    scratch = await Scratch.create(adminUrl!, "test")
    const seeder = await Seeding.open(scratch.url)
    const main = await seeder.seed({ members: 60, organization: "Bench" })
    const spread = [await seeder.seed({ members: 10, organization: "Bench spread" })]
    await seeder.close()
    fixtures = await Workload.read(scratch.url, main, spread)
    const database: Store.Store.Options = { _tag: "Server", url: scratch.url }
    const appRuntime = ManagedRuntime.make(
      Services.fullLayer.pipe(
        Layer.provideMerge(Store.Store.layer(database)),
        Layer.provideMerge(
          Crypto.layerWith({ key: randomBytes(32), passwordHashing: { memoryCost: 1024, timeCost: 1 } })
        )
      )
    )
    runtime = appRuntime as ManagedRuntime.ManagedRuntime<unknown, unknown>
    roster = await Server.listen(App.make(appRuntime, { signInRateLimit: false, logger: () => undefined }), {
      port: 0,
      host: "127.0.0.1"
    })
    const pool = new pg.Pool({ connectionString: scratch.url, max: 2 })
    const server = Baseline.make(pool).listen(0, "127.0.0.1")
    await new Promise((resolve) => server.once("listening", resolve))
    baseline = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => pool.end())
    }
  }, 120_000)

  afterAll(async () => {
    await roster?.close()
    await runtime?.dispose()
    await baseline?.close()
    await scratch?.drop()
  })

  const call = async (url: string, request: ReturnType<NonNullable<ReturnType<typeof Workload.calls>>>) => {
    const response = await fetch(`${url}${request.path}`, {
      method: request.method,
      headers: {
        authorization: request.token ?? fixtures.main.token,
        ...(request.body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) })
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  it("answers each read with Roster's JSON", async () => {
    for (const operation of [
      "get-user",
      "page-0",
      "deep-page",
      "search-rare",
      "search-common",
      "status-filter"
    ] as const) {
      const request = Workload.calls(operation, "roster", fixtures, undefined)!()
      const [ours, raw] = [await call(roster.url, request), await call(baseline.url, request)]
      expect(ours.status, operation).toBe(200)
      // The baseline's own cursor rides along; Roster's, once it has one, may differ.
      const { next: _ours, ...oursBody } = ours.body
      const { next: _raw, ...rawBody } = raw.body
      expect(rawBody, operation).toEqual(oursBody)
    }
  })

  it("changes a member as Roster does, each on members of its own", async () => {
    for (const operation of ["role-change", "lifecycle-one", "lifecycle-spread"] as const) {
      const [ours, raw] = [
        await call(roster.url, Workload.calls(operation, "roster", fixtures, undefined)!()),
        await call(baseline.url, Workload.calls(operation, "baseline", fixtures, undefined)!())
      ]
      expect([ours.status, raw.status], operation).toEqual([200, 200])
      expect(Object.keys(raw.body).sort(), operation).toEqual(Object.keys(ours.body).sort())
      expect((raw.body.profile as { status: string }).status).toBe((ours.body.profile as { status: string }).status)
      expect(raw.body.roleId).toBe(ours.body.roleId)
    }
  })

  it("refuses a token it does not know", async () => {
    const response = await fetch(`${baseline.url}/organizations/users`, { headers: { authorization: "tot_unknown" } })
    expect(response.status).toBe(401)
  })
})
