/**
 * Database time per query shape: Roster's own app, in this process, on the seeded database, answers
 * one request at a time (no load), while every statement its pool sends is timed at the driver,
 * from the query's submission to its result: the database's work and a round trip on this machine
 * (an upper bound of the database's time; the statement count shows the round trips). A shape's
 * time is the sum over one request's statements (the token's check included), the median of
 * several requests.
 */
import * as Crypto from "@roster/crypto"
import { Services } from "@roster/domain"
import { App, Server } from "@roster/http"
import * as Store from "@roster/store"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { randomBytes } from "node:crypto"
import pg from "pg"
import { median } from "../Statistics.js"
import type * as Load from "./Load.js"
import * as Workload from "./Workload.js"

export type ShapeId =
  | "page-0"
  | "deep-page"
  | "last-page"
  | "cursor-page"
  | "status-filter"
  | "role-filter"
  | "search-rare"
  | "search-common"
  | "get-user"
  | "role-change"
  | "terminate"
  | "reinstate"
  | "events-page-0"
  | "events-cursor-page"

export interface Shape {
  readonly id: ShapeId
  readonly label: string
}

export const shapes: ReadonlyArray<Shape> = [
  { id: "page-0", label: "member list, page 0 with totals" },
  { id: "deep-page", label: "member list, middle page (offset)" },
  { id: "last-page", label: "member list, last page (offset)" },
  { id: "cursor-page", label: "member list, cursor page" },
  { id: "status-filter", label: "status filter" },
  { id: "role-filter", label: "role filter" },
  { id: "search-rare", label: "search, rare term" },
  { id: "search-common", label: "search, common term" },
  { id: "get-user", label: "GET user" },
  { id: "role-change", label: "write: role change" },
  { id: "terminate", label: "write: terminate" },
  { id: "reinstate", label: "write: reinstate" },
  { id: "events-page-0", label: "event log, page 0" },
  { id: "events-cursor-page", label: "event log, cursor page" }
]

export interface Timing {
  /** Median milliseconds per request, over its statements. */
  readonly ms: number
  /** Statements per request (the median). */
  readonly statements: number
}

interface Timed {
  readonly text: string
  readonly ms: number
}

/** Where the statements of the request in flight are recorded; one request at a time. */
let recording: Array<Timed> | undefined

type Callback = (error: Error | null, result: unknown) => void

/**
 * Times every callback-style `query` of node-postgres' clients in this process (how @effect/sql-pg
 * sends statements). Installed once; records only while a request is being measured.
 */
const instrument = (() => {
  let installed = false
  return () => {
    if (installed) return
    installed = true
    const prototype = pg.Client.prototype as unknown as { query: (...args: Array<unknown>) => unknown }
    const query = prototype.query
    prototype.query = function (this: unknown, ...args: Array<unknown>) {
      const callback = args.at(-1)
      const into = recording
      if (into === undefined || typeof callback !== "function") return query.apply(this, args)
      const text = typeof args[0] === "string" ? args[0] : String((args[0] as { text?: unknown }).text)
      const started = performance.now()
      args[args.length - 1] = (error: Error | null, result: unknown) => {
        into.push({ text, ms: performance.now() - started })
        ;(callback as Callback)(error, result)
      }
      return query.apply(this, args)
    }
  }
})()

const samples = 9
const warmups = 2

export const measure = async (url: string, fixtures: Workload.Fixtures): Promise<ReadonlyMap<ShapeId, Timing>> => {
  instrument()
  const database: Store.Store.Options = { _tag: "Server", url, source: "the bench's scratch database" }
  const runtime = ManagedRuntime.make(
    Services.fullLayer.pipe(
      Layer.provideMerge(Store.Store.layer(database)),
      Layer.provideMerge(Crypto.layerWith({ key: randomBytes(32), passwordHashing: { memoryCost: 1024, timeCost: 1 } }))
    )
  )
  const server = await Server.listen(App.make(runtime, { signInRateLimit: false, logger: () => undefined }), {
    port: 0,
    host: "127.0.0.1"
  })
  const token = fixtures.main.token
  const send = async (call: Load.Call): Promise<Response> =>
    fetch(`${server.url}${call.path}`, {
      method: call.method,
      headers: { authorization: token, ...(call.body === undefined ? {} : { "content-type": "application/json" }) },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) })
    })
  const timed = async (call: Load.Call): Promise<ReadonlyArray<Timed>> => {
    const into: Array<Timed> = []
    recording = into
    try {
      const response = await send(call)
      const text = await response.text()
      if (!response.ok) throw new Error(`${call.method} ${call.path}: ${response.status} ${text}`)
    } finally {
      recording = undefined
    }
    return into
  }
  /** Median over `samples` requests made by `next`, after warm-ups. */
  const shape = async (next: () => Load.Call): Promise<Timing> => {
    for (let i = 0; i < warmups; i++) await timed(next())
    const runs: Array<ReadonlyArray<Timed>> = []
    for (let i = 0; i < samples; i++) runs.push(await timed(next()))
    return {
      ms: median(runs.map((run) => run.reduce((sum, statement) => sum + statement.ms, 0))),
      statements: median(runs.map((run) => run.length))
    }
  }
  const users = "/organizations/users"
  const size = Workload.pageSize
  const get = (path: string) => () => ({ method: "GET", path }) as const
  const results = new Map<ShapeId, Timing>()
  try {
    const lastPage = Math.max(0, Math.ceil(fixtures.members / size) - 1)
    const ids = fixtures.readIds
    let read = 0
    const cursor = await Workload.nextPage(server.url, token)
    const eventsCursor = await Workload.nextPage(server.url, token, "/organizations/events")
    const reads: ReadonlyArray<readonly [ShapeId, (() => Load.Call) | undefined]> = [
      ["page-0", get(`${users}?page=0&size=${size}`)],
      ["deep-page", get(`${users}?page=${Math.floor(lastPage / 2)}&size=${size}`)],
      ["last-page", get(`${users}?page=${lastPage}&size=${size}`)],
      ["cursor-page", cursor === undefined ? undefined : get(cursor)],
      ["status-filter", get(`${users}?status=${fixtures.statusFilter.status}&size=${size}`)],
      ["role-filter", get(`${users}?roleId=${fixtures.adminRoleId}&size=${size}`)],
      ["search-rare", get(`${users}?q=${encodeURIComponent(fixtures.rare.term)}&size=${size}`)],
      ["search-common", get(`${users}?q=${encodeURIComponent(fixtures.common.term)}&size=${size}`)],
      ["get-user", () => ({ method: "GET", path: `${users}/${ids[read++ % ids.length]}` })],
      ["events-page-0", get(`/organizations/events?size=${size}`)],
      ["events-cursor-page", eventsCursor === undefined ? undefined : get(eventsCursor)]
    ]
    for (const [id, next] of reads) if (next !== undefined) results.set(id, await shape(next))
    // Writes on members of neither load's pools, each changed and changed back.
    const writers = fixtures.readIds.length > 0 ? await spareWriters(url, fixtures) : []
    if (writers.length >= samples + warmups) {
      let w = 0
      results.set(
        "role-change",
        await shape(() => {
          const n = w++
          const userId = writers[Math.floor(n / 2) % writers.length]!
          return {
            method: "PUT",
            path: `${users}/${userId}/role`,
            body: { roleId: n % 2 === 0 ? fixtures.adminRoleId : fixtures.memberRoleId }
          }
        })
      )
      let t = 0
      const terminate = await shape(() => ({ method: "POST", path: `${users}/${writers[t++]}/terminate` }))
      let r = 0
      const reinstate = await shape(() => ({
        method: "POST",
        path: `${users}/${writers[r++]}/reinstate`,
        body: { roleId: fixtures.memberRoleId }
      }))
      results.set("terminate", terminate)
      results.set("reinstate", reinstate)
    }
  } finally {
    await server.close()
    await runtime.dispose()
  }
  return results
}

/** ACTIVE Members that no load run writes: the loads' pools are taken first, in the same order. */
const spareWriters = async (url: string, fixtures: Workload.Fixtures): Promise<ReadonlyArray<string>> => {
  const taken = new Set([
    ...fixtures.writers.roster.roles,
    ...fixtures.writers.roster.lifecycle,
    ...fixtures.writers.baseline.roles,
    ...fixtures.writers.baseline.lifecycle
  ])
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ user_id: string }>(
      `SELECT user_id FROM memberships WHERE organization_id = $1 AND role_id = $2 AND status = 'ACTIVE'
       ORDER BY md5(user_id::text) DESC LIMIT 200`,
      [fixtures.main.organizationId, fixtures.memberRoleId]
    )
    return rows.map((row) => row.user_id).filter((id) => !taken.has(id))
  } finally {
    await client.end()
  }
}
