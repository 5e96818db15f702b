/**
 * The org-users-basic surface's OpenAPI document (`GET /v1/organizations/users/openapi.json`),
 * generated from its routes (`SurfaceOpenApi`): valid OpenAPI 3.1; every route with its id, query,
 * body, success, security and every status it can fail with, from the operations it calls; the
 * `mfa` mapping stated; clean by Redocly's recommended rules, offline; and a defect's 500 answered
 * in the shape it documents. That every other answer matches it is checked by the suites
 * (`OrgUsersBasicHarness`).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { OrgUsersBasic } from "@roster/api"
import * as TestCrypto from "@roster/crypto/test"
import { Actor, Catalog, InMemory, Operation, Organizations, Services, Tokens } from "@roster/domain"
import { Validator } from "@seriousme/openapi-schema-validator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { App, ErrorResponse, Server } from "../src/index.js"
import * as SurfaceOpenApi from "../src/SurfaceOpenApi.js"
import * as Document from "../src/surfaces/OrgUsersBasicDocument.js"
import * as DocumentSchemas from "./DocumentSchemas.js"
import * as HttpClient from "./HttpClient.js"
import { redoclyLint } from "./Offline.js"

const { surface } = OrgUsersBasic
const document = Document.document as any

/** In-memory storage whose member pages break: every list of members is a defect. */
const brokenMembers = Layer.effectContext(
  Effect.map(InMemory.make, (ports) =>
    InMemory.context({ ...ports, members: { ...ports.members, page: () => Effect.die(new Error("disk on fire")) } })
  )
)

describe("GET /v1/organizations/users/openapi.json", () => {
  let server: Server.Handle
  let runtime: ManagedRuntime.ManagedRuntime<any, unknown>
  let scratch: string
  const logs: Array<string> = []

  beforeAll(async () => {
    runtime = ManagedRuntime.make(Services.fullLayer.pipe(Layer.provide(Layer.merge(brokenMembers, TestCrypto.layer))))
    server = await Server.listen(App.make(runtime, { logger: (entry) => logs.push(JSON.stringify(entry)) }), {
      port: 0,
      host: "127.0.0.1"
    })
    scratch = await mkdtemp(join(tmpdir(), "roster-org-users-basic-"))
  })

  afterAll(async () => {
    await server?.close()
    await runtime?.dispose()
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
  })

  it("is served where the surface says, and is valid OpenAPI 3.1", async () => {
    const response = await fetch(`${server.url}${Document.path}`)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json;charset=UTF-8")
    expect(await response.json()).toEqual(document)
    const result = await new Validator().validate(structuredClone(document))
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(document.openapi).toBe("3.1.0")
    expect(document.info.title).toBe(surface.title)
  })

  it("describes every route: its id, summary, action, organization, body, success and security", () => {
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations as object).map((method) => `${method.toUpperCase()} ${path}`)
    )
    expect(described).toEqual(surface.routes.map((route) => `${route.method} ${route.path}`))
    for (const route of surface.routes) {
      const where = `${route.method} ${route.path}`
      const operation = document.paths[route.path][route.method.toLowerCase()]
      expect(operation.operationId, where).toBe(route.id)
      expect(operation.summary, where).toBe(route.summary)
      expect(operation.security, where).toEqual([{ bearer: [] }])
      expect(operation["x-roster-operations"], where).toEqual(route.operations)
      for (const id of route.operations) expect(Catalog.byId.has(id), `${where} calls ${id}`).toBe(true)
      expect(operation.description, where).toContain(`\`${route.permission}\``)
      const action = operation.parameters.find((parameter: any) => parameter.name === "action")
      expect(action, where).toMatchObject({ in: "query", required: true, schema: { type: "string" } })
      expect(action.schema.enum, where).toHaveLength(1)
      const success = operation.responses[String(route.success.status)]
      expect(Object.keys(success.content), where).toEqual(["application/json"])
      if (route.method === "GET") {
        expect(operation.requestBody, where).toBeUndefined()
        expect(
          operation.parameters.find((parameter: any) => parameter.name === "org_id"),
          where
        ).toMatchObject({
          in: "query",
          required: true,
          schema: { type: "string", format: "uuid" }
        })
      } else {
        const body = operation.requestBody.content["application/json"].schema
        expect(body.required, where).toEqual(expect.arrayContaining(["org_id", "user_id"]))
        expect(body.additionalProperties, where).toBe(false)
      }
    }
    const actions = surface.routes.map(
      (route) => document.paths[route.path][route.method.toLowerCase()].parameters[0].schema.enum[0]
    )
    expect(actions).toEqual(["users", "add_user", "update_user", "remove_user"])
    expect(document.components.securitySchemes).toEqual({
      bearer: { type: "http", scheme: "bearer", description: expect.stringContaining("ses_") }
    })
    const update = document.paths["/v1/organizations/users/update"].post.requestBody.content["application/json"]
    expect(update.schema.anyOf).toEqual([{ required: ["role"] }, { required: ["state"] }])
    const remove = document.paths["/v1/organizations/users/remove"].post.requestBody.content["application/json"]
    expect(remove.schema.required).toEqual(["org_id", "user_id", "reason"])
  })

  it("documents every status a route can fail with, each with its codes, in the surface's error shape", () => {
    for (const route of surface.routes) {
      const where = `${route.method} ${route.path}`
      const operation = document.paths[route.path][route.method.toLowerCase()]
      // What SurfaceRoute refuses, and what each operation the route calls declares.
      const tags: Array<ErrorResponse.KnownError["_tag"]> = [
        "Unauthorized",
        "Forbidden",
        "PasswordChangeRequired",
        "ValidationFailed",
        ...(route.body === undefined ? [] : (["PayloadTooLarge"] as const))
      ]
      for (const id of route.operations) {
        const called = Catalog.byId.get(id)!
        tags.push(...(Operation.impliedErrors[called.guard] as any), ...called.errors)
      }
      const expected = new Map<number, Set<string>>([[500, new Set([ErrorResponse.internalCode])]])
      for (const tag of tags) {
        const status = ErrorResponse.statuses[tag]
        expected.set(status, (expected.get(status) ?? new Set()).add(ErrorResponse.codes[tag]))
      }
      const failures = Object.keys(operation.responses).filter((status) => !status.startsWith("2"))
      expect(failures.sort(), where).toEqual([...expected.keys()].map(String).sort())
      for (const [status, codes] of expected) {
        const response = operation.responses[String(status)]
        expect(response.content, `${where} ${status}`).toEqual({
          "application/json": { schema: { $ref: "#/components/schemas/ErrorResponse" } }
        })
        for (const code of codes) expect(response.description, `${where} ${status}`).toContain(`\`${code}\``)
      }
      expect([...SurfaceOpenApi.errorsOf(surface, route).keys()], where).toEqual(
        failures.map(Number).sort((a, b) => a - b)
      )
    }
    expect(document.components.schemas.ErrorResponse.required).toEqual(["status", "error", "errors", "fingerprint"])
    const update = document.paths["/v1/organizations/users/update"].post
    expect(update.responses["409"].description).toContain("`LAST_MANAGER`")
    expect(update.responses["404"].description).toContain("`USER_NOT_FOUND`")
    expect(update.description).toContain("`user.role_changed`")
  })

  it("states what each mfa flag means: one permission each", () => {
    const mfa = document.components.schemas.Mfa
    expect(Object.keys(mfa.properties)).toEqual(["view", "create", "update", "delete", "usersmgmt"])
    expect(mfa.required).toEqual(["view", "create", "update", "delete", "usersmgmt"])
    for (const [flag, permission] of Object.entries(OrgUsersBasic.mfaPermissions)) {
      expect(mfa.properties[flag].description, flag).toContain(`\`${permission}\``)
      expect(document.info.description).toContain(`\`${flag}\` \`${permission}\``)
    }
    expect(OrgUsersBasic.mfaPermissions).toEqual({
      view: "can_view_users",
      create: "can_manage_users",
      update: "can_manage_users",
      delete: "can_manage_users",
      usersmgmt: "can_manage_roles"
    })
    expect(document.components.schemas.OrgUser.properties.state.enum).toEqual(["active", "inactive", "terminated"])
  })

  it("answers a defect with 500 in the surface's shape, as documented, logged with its fingerprint", async () => {
    const { secret, organizationId } = await runtime.runPromise(
      Effect.gen(function* () {
        const { organization } = yield* Effect.flatMap(Organizations, (service) =>
          service.create(Actor.operator, "Broken storage")
        )
        const access = { actor: Actor.operator, organizationId: organization.id }
        const { secret } = yield* Effect.flatMap(Tokens, (service) =>
          service.create(access, { name: "test", permissions: ["can_view_users"] })
        )
        return { secret, organizationId: organization.id }
      })
    )
    const path = `/v1/organizations/users/list?action=users&org_id=${organizationId}`
    const reply = await HttpClient.send(server.url, "GET", path, { auth: `Bearer ${secret}` })
    expect(reply.status).toBe(500)
    DocumentSchemas.make(document).assert("GET", "/v1/organizations/users/list", 500, reply.json)
    expect(reply.json).toMatchObject({ status: 500, error: { code: "INTERNAL" } })
    expect(reply.json.error).toEqual(reply.json.errors[0])
    expect(reply.json.error.message).toContain(reply.json.fingerprint)
    expect(reply.text).not.toContain("disk on fire")
    const logged = logs.find((line) => line.includes(reply.json.fingerprint))
    expect(logged).toContain("disk on fire")
  })

  it("passes Redocly's recommended rules with no error and no warning, offline", { timeout: 90_000 }, async () => {
    await writeFile(join(scratch, "org-users-basic.json"), JSON.stringify(document))
    const { report, stderr } = await redoclyLint(scratch, "org-users-basic.json")
    expect(stderr).not.toContain("NETWORK ATTEMPT")
    expect(report.problems.map((problem: any) => `${problem.ruleId}: ${problem.message}`)).toEqual([])
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 })
  })
})
