/** The operator's channel: the CLI's way to act as the operator through a server that holds the database. */
import { InMemory, Services } from "@roster/domain"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as TestCrypto from "@roster/crypto/test"
import { App, OperatorChannel, Server } from "../src/index.js"
import * as ContractSchemas from "./ContractSchemas.js"
import * as HttpClient from "./HttpClient.js"

const validator = ContractSchemas.make()
const key = OperatorChannel.newKey()
const operator = `Operator ${key}`

let url: string
let withoutChannel: string
let failingBackup: string
/** What the server's backups answer: the database's archive, as the store makes it. */
const archive = new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4])
const cleanups: Array<() => Promise<void>> = []
const restores: Array<{ body: Uint8Array; keepPrevious: boolean }> = []

beforeAll(async () => {
  const runtime = ManagedRuntime.make(
    Services.fullLayer.pipe(Layer.provide(Layer.merge(InMemory.layer, TestCrypto.layer)))
  )
  const server = await Server.listen(
    App.make(runtime, {
      operatorKey: key,
      operatorBackup: async () => archive,
      operatorRestore: async (body, options) => {
        restores.push({ body, keepPrevious: options.keepPrevious })
        return body[0] === 0x1f
          ? { _tag: "Restored", dataDir: "/srv/roster", previous: null, organizations: 1, memberships: 2 }
          : { _tag: "InvalidBackup", message: "Not a backup this Roster can restore: it is empty. Nothing was changed" }
      },
      publicUrl: "https://app.example.test",
      logger: () => {}
    }),
    { port: 0, host: "127.0.0.1" }
  )
  const plain = await Server.listen(App.make(runtime, { logger: () => {} }), { port: 0, host: "127.0.0.1" })
  const failing = await Server.listen(
    App.make(runtime, {
      operatorKey: key,
      operatorBackup: () => Promise.reject(new Error("the disk is full")),
      logger: () => {}
    }),
    { port: 0, host: "127.0.0.1" }
  )
  url = server.url
  withoutChannel = plain.url
  failingBackup = failing.url
  cleanups.push(
    () => server.close(),
    () => plain.close(),
    () => failing.close(),
    () => runtime.dispose()
  )
})
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
})

/** `auth` null: no Authorization header. */
const post = (path: string, body: unknown, auth: string | null = operator, base = url) =>
  HttpClient.send(base, "POST", path, auth === null ? { body } : { auth, body })

const expectError = (reply: HttpClient.Reply, status: number, code: string, message?: RegExp) => {
  expect(reply.status, reply.text).toBe(status)
  validator.assert("ErrorResponse", reply.json)
  expect(reply.json.errors[0].code).toBe(code)
  if (message !== undefined) expect(reply.json.errors[0].message).toMatch(message)
}

describe("the operator's channel", () => {
  it("runs any operation the operator runs, as the operator, answering its output", async () => {
    const created = await post("/operator/run", { operation: "create-organization", input: { name: "Acme" } })
    expect(created.status).toBe(200)
    expect(created.json.output).toMatchObject({ name: "Acme", roles: expect.any(Array) })
    const organizationId = created.json.output.id

    const found = await post("/operator/organization", { organization: "ACME" })
    expect(found.json).toEqual({
      id: organizationId,
      name: "Acme",
      createdDateTime: created.json.output.createdDateTime
    })

    const added = await post("/operator/run", {
      operation: "add-user",
      organizationId,
      input: { email: "ada@example.com", firstName: "Ada" }
    })
    expect(added.status).toBe(200)
    validator.assert("UserResponse", added.json.output)
    // A link points where the caller says (the CLI's --public-url), else at the server's public URL.
    const userId = added.json.output.id
    const link = await post("/operator/run", { operation: "create-user-magic-link", organizationId, input: { userId } })
    expect(link.json.output.url).toMatch(/^https:\/\/app\.example\.test\/auth\/magic-link#token=mlt_/)
    const elsewhere = await post("/operator/run", {
      operation: "create-user-magic-link",
      organizationId,
      publicUrl: "https://front.example.test",
      input: { userId }
    })
    expect(elsewhere.json.output.url).toMatch(/^https:\/\/front\.example\.test\//)
    // An operation that answers nothing answers null.
    const reset = await post("/operator/run", { operation: "reset-mfa", organizationId, input: { userId } })
    expect(reset.json).toEqual({ output: null })
  })

  it("answers failures as the API does, with its codes", async () => {
    expectError(await post("/operator/organization", { organization: "nowhere" }), 404, "ORGANIZATION_NOT_FOUND")
    const organizationId = (await post("/operator/run", { operation: "create-organization", input: { name: "Beta" } }))
      .json.output.id
    expectError(
      await post("/operator/run", { operation: "add-user", organizationId, input: { email: "not an email" } }),
      400,
      "VALIDATION_FAILED",
      /^email: /
    )
    expectError(
      await post("/operator/run", { operation: "add-user", input: { email: "a@example.com" } }),
      400,
      "VALIDATION_FAILED",
      /^organizationId: /
    )
    expectError(
      await post("/operator/run", { operation: "create-organization", input: { name: "beta" } }),
      409,
      "ORGANIZATION_NAME_TAKEN"
    )
    // A session's own operations are not the operator's.
    expectError(
      await post("/operator/run", { operation: "view-my-account", input: {} }),
      400,
      "VALIDATION_FAILED",
      /^operation: /
    )
  })

  it("refuses a request without the key, or with another, before reading it", async () => {
    for (const auth of [null, "Operator rop_wrong", `Bearer ${key}`, `${operator} extra`]) {
      expectError(
        await post("/operator/run", { operation: "list-organizations", input: {} }, auth),
        401,
        "UNAUTHORIZED"
      )
    }
  })

  it("is not there on a server started without a key, nor for another method", async () => {
    expectError(
      await post("/operator/run", { operation: "list-organizations", input: {} }, operator, withoutChannel),
      404,
      "NOT_FOUND"
    )
    expectError(await HttpClient.send(url, "GET", "/operator/run", { auth: operator }), 404, "NOT_FOUND")
  })

  it("sends a backup of the database, as it is, to the key alone", async () => {
    const response = await fetch(`${url}/operator/backup`, { method: "POST", headers: { authorization: operator } })
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/gzip")
    expect(response.headers.get("content-length")).toBe(String(archive.length))
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(archive)
    expectError(await post("/operator/backup", undefined, "Operator rop_wrong"), 401, "UNAUTHORIZED")
    expectError(await post("/operator/backup", undefined, operator, withoutChannel), 404, "NOT_FOUND")
    // The server's failure, never the caller's: its cause goes to the log, not into the answer.
    const failed = await post("/operator/backup", undefined, operator, failingBackup)
    expectError(failed, 500, "INTERNAL")
    expect(failed.text).not.toContain("disk is full")
  })

  it("restores a backup into the database, to the key alone, answering what it holds", async () => {
    const restore = (body: Uint8Array, auth = operator, base = url, query = "") =>
      fetch(`${base}/operator/restore${query}`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/gzip" },
        body: body as Uint8Array<ArrayBuffer>
      })
    const response = await restore(archive, operator, url, "?keepPrevious=true")
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ dataDir: "/srv/roster", previous: null, organizations: 1, memberships: 2 })
    expect(restores.at(-1)).toEqual({ body: archive, keepPrevious: true })
    const invalid = await restore(new Uint8Array([1, 2, 3]))
    expect(invalid.status).toBe(422)
    const body = (await invalid.json()) as { errors: Array<{ code: string; message: string }> }
    expect(body.errors).toEqual([
      { code: "INVALID_BACKUP", message: "Not a backup this Roster can restore: it is empty. Nothing was changed" }
    ])
    expect(restores.at(-1)).toEqual({ body: new Uint8Array([1, 2, 3]), keepPrevious: false })
    const count = restores.length
    expect((await restore(archive, "Operator rop_wrong")).status).toBe(401)
    expect((await restore(archive, operator, withoutChannel)).status).toBe(404)
    expect(restores).toHaveLength(count)
  })

  it("answers connections from this machine only", () => {
    expect(OperatorChannel.isFromThisMachine("127.0.0.1")).toBe(true)
    expect(OperatorChannel.isFromThisMachine("::1")).toBe(true)
    expect(OperatorChannel.isFromThisMachine("::ffff:127.0.0.1")).toBe(true)
    expect(OperatorChannel.isFromThisMachine("203.0.113.7")).toBe(false)
    expect(OperatorChannel.isFromThisMachine(undefined)).toBe(false)
  })
})
