/**
 * The OpenAPI document of the whole API (`GET /openapi/roster.json`): valid OpenAPI 3.1, complete
 * (every route the app serves, with its method), and true to the contract (its operations as the
 * contract states them). That responses match the schemas it names is checked by every suite.
 */
import { InMemory, Services } from "@roster/domain"
import * as TestCrypto from "@roster/crypto/test"
import { Validator } from "@seriousme/openapi-schema-validator"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { App, Contract, OpenApi, Schemas, Server } from "../src/index.js"

describe("GET /openapi/roster.json", () => {
  let server: Server.Handle
  let runtime: ManagedRuntime.ManagedRuntime<any, unknown>
  let document: any

  beforeAll(async () => {
    runtime = ManagedRuntime.make(Services.fullLayer.pipe(Layer.provide(Layer.merge(InMemory.layer, TestCrypto.layer))))
    server = await Server.listen(App.make(runtime), { port: 0, host: "127.0.0.1" })
    const response = await fetch(`${server.url}/openapi/roster.json`)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json;charset=UTF-8")
    document = await response.json()
  })

  afterAll(async () => {
    await server?.close()
    await runtime?.dispose()
  })

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(structuredClone(document))
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(document.openapi).toBe("3.1.0")
  })

  it("describes every route the app serves, with its method, security and success status", () => {
    const routes = App.routes(App.defaultPublicUrl)
    expect(routes.length).toBeGreaterThan(40)
    for (const route of routes) {
      const operation = document.paths[OpenApi.pathOf(route.path)]?.[route.method.toLowerCase()]
      expect(operation, `${route.method} ${route.path}`).toBeDefined()
      expect(Object.keys(operation.responses), `${route.method} ${route.path}`).toContain(String(route.success.status))
      // Alternatives: none for public routes, a token or a session for organization ones, else a session.
      const schemes = { public: 0, organization: 2, session: 1, platform: 1 }[route.guard]
      expect(operation.security, `${route.method} ${route.path}`).toHaveLength(schemes)
    }
    const served = new Set(routes.map((route) => `${route.method} ${OpenApi.pathOf(route.path)}`))
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations as object)) {
        const known =
          served.has(`${method.toUpperCase()} ${path}`) ||
          ["/health", "/openapi.json", "/openapi/roster.json"].includes(path)
        expect(known, `${method} ${path} is documented but not served`).toBe(true)
      }
    }
  })

  it("states the contract's operations as the contract does, adding only sessions", () => {
    const contractPaths = Schemas.toJsonSchema(structuredClone(Contract.document.paths) as any, false) as any
    for (const [path, operations] of Object.entries(contractPaths)) {
      for (const [method, stated] of Object.entries(operations as Record<string, any>)) {
        const documented = document.paths[path][method]
        expect(documented.responses, `${method} ${path}`).toEqual(stated.responses)
        expect(documented.requestBody, `${method} ${path}`).toEqual(stated.requestBody)
        expect(documented.parameters.slice(0, (stated.parameters ?? []).length)).toEqual(stated.parameters ?? [])
        expect(documented.parameters.at(-1).name).toBe("X-Organization-Id")
      }
    }
    for (const name of Object.keys(Contract.schemas)) expect(document.components.schemas[name]).toBeDefined()
  })

  it("describes requests from the schemas that decode them", () => {
    const login = document.paths["/auth/login"].post
    expect(login.security).toEqual([])
    expect(login.requestBody.content["application/json"].schema).toMatchObject({
      type: "object",
      required: ["email", "password"],
      additionalProperties: false
    })
    const change = document.paths["/me/password"].post.requestBody.content["application/json"].schema
    expect(change.properties.newPassword).toMatchObject({ minLength: 8, maxLength: 64 })
    const list = document.paths["/admin/users"].get.parameters
    expect(list.map((p: any) => [p.name, p.in, p.required])).toEqual([
      ["page", "query", false],
      ["size", "query", false],
      ["q", "query", false],
      ["platformAdmin", "query", false]
    ])
    // The contract's list, with the filters Roster adds to it.
    const users = document.paths["/organizations/users"].get.parameters.map((p: any) => p.name)
    expect(users).toEqual(expect.arrayContaining(["page", "size", "status", "roleId", "q", "X-Organization-Id"]))
    // Requests are described as sent: a padded email is trimmed by the server, so the document allows it.
    expect(
      document.paths["/auth/login"].post.requestBody.content["application/json"].schema.properties.email.pattern
    ).toBeUndefined()
    const events = document.paths["/organizations/events"].get.parameters.find((p: any) => p.name === "type")
    expect(events.explode).toBe(true)
    expect(document.paths["/organizations/users/{userId}/magic-link"].get.parameters[0]).toMatchObject({
      name: "userId",
      in: "path",
      required: true
    })
  })
})
