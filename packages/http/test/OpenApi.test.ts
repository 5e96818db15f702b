/**
 * The OpenAPI document of the whole API (`GET /openapi/roster.json`): valid OpenAPI 3.1; complete
 * (every operation the app serves, named, tagged and summarized as declared, with every status it
 * can answer); true to the contract (its operations as the contract states them, without its
 * `Authorization` parameter); clean by Redocly's recommended rules; and good for generating a typed
 * client. That responses match the schemas it names is checked by the suites (`DocumentSchemas`).
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as TestCrypto from "@roster/crypto/test"
import { InMemory, Operation, Services } from "@roster/domain"
import { Validator } from "@seriousme/openapi-schema-validator"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { App, Contract, ErrorResponse, OpenApi, type Route, Schemas, Server } from "../src/index.js"
import { bin, packageRoot, redoclyLint, run, runOffline } from "./Offline.js"

const kebabCase = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/** The statuses an operation can answer with, and the codes of each, from its declaration. */
const expectedErrors = (route: Route.Route, operation: Operation.Any) => {
  const tags: Array<ErrorResponse.KnownError["_tag"]> = [
    ...(Operation.impliedErrors[operation.guard] as ReadonlyArray<ErrorResponse.KnownError["_tag"]>),
    ...operation.errors
  ]
  if (route.body !== undefined) tags.push("PayloadTooLarge")
  if (route.guard === "public" && route.method === "POST") tags.push("RateLimited")
  const byStatus = new Map<number, Set<string>>([[500, new Set([ErrorResponse.internalCode])]])
  for (const tag of tags) {
    const status = ErrorResponse.statuses[tag]
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(ErrorResponse.codes[tag]))
  }
  return byStatus
}

/** Every schema object in `node`, each with where it is. */
const schemasIn = function* (node: unknown, at = "#"): Generator<readonly [string, Record<string, any>]> {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) yield* schemasIn(item, `${at}/${index}`)
    return
  }
  if (node === null || typeof node !== "object") return
  const object = node as Record<string, any>
  if (typeof object.type === "string" || Array.isArray(object.type) || object.properties !== undefined) {
    yield [at, object]
  }
  for (const [key, value] of Object.entries(object)) yield* schemasIn(value, `${at}/${key}`)
}

describe("GET /openapi/roster.json", () => {
  let server: Server.Handle
  let runtime: ManagedRuntime.ManagedRuntime<any, unknown>
  let document: any
  let text: string
  let scratch: string
  const routes = App.routes(App.defaultPublicUrl)
  const documented = (route: Route.Route) => document.paths[OpenApi.pathOf(route.path)]?.[route.method.toLowerCase()]
  const statedPaths = Schemas.toJsonSchema(structuredClone(Contract.document.paths) as any, false) as any

  beforeAll(async () => {
    runtime = ManagedRuntime.make(Services.fullLayer.pipe(Layer.provide(Layer.merge(InMemory.layer, TestCrypto.layer))))
    server = await Server.listen(App.make(runtime), { port: 0, host: "127.0.0.1" })
    const response = await fetch(`${server.url}/openapi/roster.json`)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json;charset=UTF-8")
    text = await response.text()
    document = JSON.parse(text)
    scratch = await mkdtemp(join(tmpdir(), "roster-openapi-"))
    await writeFile(join(scratch, "roster.json"), text)
  })

  afterAll(async () => {
    await server?.close()
    await runtime?.dispose()
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
  })

  it("is a valid OpenAPI 3.1 document, served from where it is fetched", async () => {
    const result = await new Validator().validate(structuredClone(document))
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(document.openapi).toBe("3.1.0")
    expect(document.servers).toEqual([{ url: "/", description: expect.any(String) }])
  })

  it("describes every operation the app serves: its id, tag, summary, security and success", () => {
    expect(routes.length).toBeGreaterThan(40)
    const ids = new Set<string>()
    for (const route of routes) {
      const where = `${route.method} ${route.path}`
      const operation = route.operation
      expect(operation, `${where} binds an operation`).toBeDefined()
      const described = documented(route)
      expect(described, where).toBeDefined()
      expect(described.operationId, where).toBe(operation!.id)
      expect(described.operationId, where).toMatch(kebabCase)
      expect(ids.has(described.operationId), `${described.operationId} is unique`).toBe(false)
      ids.add(described.operationId)
      expect(described.tags, where).toEqual([operation!.tag])
      expect(described.summary, where).toEqual(expect.any(String))
      expect(described.summary.length, where).toBeGreaterThan(0)
      expect(Object.keys(described.responses), where).toContain(String(route.success.status))
      // Alternatives: none for public operations, a token or a session for organization ones, else a session.
      const schemes = { public: [], organization: ["organizationToken", "session"], session: ["session"] }
      expect(described.security.flatMap(Object.keys), where).toEqual(
        schemes[route.guard === "platform" ? "session" : route.guard]
      )
    }
    // The contract's ids are the operations' own.
    for (const [path, operations] of Object.entries(statedPaths)) {
      for (const [method, stated] of Object.entries(operations as Record<string, any>)) {
        expect(document.paths[path][method].operationId).toBe(stated.operationId)
      }
    }
    const tags = new Set(routes.map((route) => route.operation!.tag))
    expect(document.tags.map((tag: any) => tag.name)).toEqual([...tags].sort((a, b) => order(a) - order(b)))
    for (const tag of document.tags) expect(tag.description.length, tag.name).toBeGreaterThan(0)
    const served = new Set(routes.map((route) => `${route.method} ${OpenApi.pathOf(route.path)}`))
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations as object)) {
        expect(served.has(`${method.toUpperCase()} ${path}`), `${method} ${path} is documented but not served`).toBe(
          true
        )
      }
    }
  })

  const order = (tag: string) => document.tags.findIndex((known: any) => known.name === tag)

  it("documents every status an operation can fail with, each with the codes it may answer", () => {
    for (const route of routes) {
      const described = documented(route)
      const expected = expectedErrors(route, route.operation!)
      const failures = Object.keys(described.responses).filter((status) => !/^2/.test(status))
      expect(failures.sort(), `${route.method} ${route.path}`).toEqual([...expected.keys()].map(String).sort())
      for (const [status, codes] of expected) {
        const response = described.responses[String(status)]
        expect(Object.values(response.content).map((media: any) => media.schema)).toEqual([
          { $ref: "#/components/schemas/ErrorResponse" }
        ])
        for (const code of codes) expect(response.description, `${route.path} ${status}`).toContain(`\`${code}\``)
      }
    }
    // The transitions the contract lists without their 409, and the HTTP layer's own.
    const terminate = document.paths["/organizations/users/{userId}/terminate"].post.responses
    expect(terminate["409"].description).toContain("`INVALID_STATUS_TRANSITION`")
    expect(terminate["409"].description).toContain("`LAST_MANAGER`")
    expect(document.paths["/organizations/tokens"].post.responses["413"].description).toContain("PAYLOAD_TOO_LARGE")
    expect(document.paths["/auth/login"].post.responses["429"].description).toContain("`TOO_MANY_REQUESTS`")
    expect(document.paths["/auth/login"].post.responses["429"].description).toContain("`TOO_MANY_ATTEMPTS`")
    expect(document.paths["/organizations/tokens"].get.responses["413"]).toBeUndefined()
  })

  it("states the contract's operations as the contract does, authenticating by security, not a parameter", async () => {
    for (const [path, operations] of Object.entries(statedPaths)) {
      for (const [method, stated] of Object.entries(operations as Record<string, any>)) {
        const where = `${method} ${path}`
        const described = document.paths[path][method]
        expect(described.requestBody, where).toEqual(stated.requestBody)
        for (const [status, response] of Object.entries(stated.responses as Record<string, any>)) {
          const { description, ...rest } = response
          expect(described.responses[status], `${where} ${status}`).toMatchObject(rest)
          expect(described.responses[status].description, `${where} ${status}`).toContain(description)
        }
        const parameters = (stated.parameters ?? []).filter((parameter: any) => parameter.name !== "Authorization")
        expect(described.parameters.slice(0, parameters.length), where).toEqual(parameters)
        expect(described.parameters.at(-1).name, where).toBe("X-Organization-Id")
      }
    }
    // The contract declares it on every operation; a security scheme says it here.
    for (const [at] of Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations as object).flatMap(([method, operation]) =>
        (operation.parameters ?? [])
          .filter((parameter: any) => parameter.name.toLowerCase() === "authorization")
          .map(() => [`${method} ${path}`])
      )
    )) {
      expect.fail(`${at} declares an Authorization parameter`)
    }
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["organizationToken", "session"])
    for (const name of Object.keys(Contract.schemas)) expect(document.components.schemas[name]).toBeDefined()
    // The contract itself is still served as vendored, its Authorization parameters included.
    const vendored = JSON.parse(await readFile(join(packageRoot, "contract", "users-api.openapi.json"), "utf8"))
    const served = await fetch(`${server.url}/openapi.json`)
    expect(await served.json()).toEqual(vendored)
    expect(vendored.paths["/organizations/users"].get.parameters.map((p: any) => p.name)).toContain("Authorization")
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
    expect(list.map((p: any) => [p.name, p.in, p.required, p.schema.type, p.schema.default])).toEqual([
      // No default: a cursor may stand for it (the first page when neither is given).
      ["page", "query", false, "integer", undefined],
      ["size", "query", false, "integer", undefined],
      ["limit", "query", false, "integer", undefined],
      ["q", "query", false, "string", undefined],
      ["search", "query", false, "string", undefined],
      ["platformAdmin", "query", false, "boolean", undefined],
      ["cursor", "query", false, "string", undefined]
    ])
    const tokens = document.paths["/organizations/tokens"].get.parameters.filter((p: any) => p.in === "query")
    expect(tokens.map((p: any) => [p.name, p.in, p.required, p.schema.type])).toEqual([
      ["limit", "query", false, "integer"],
      ["cursor", "query", false, "string"]
    ])
    // The platform-users API's names beside Roster's, each saying it is the other's twin.
    const described = Object.fromEntries(list.map((p: any) => [p.name, p.schema.description]))
    expect(described.size).toMatch(/20 when absent.*`limit`/)
    expect(described.limit).toMatch(/`size` or `limit`, not both/)
    expect(described.search).toMatch(/`q` or `search`, not both/)
    // The contract's list, with the filters Roster adds to it.
    const users = document.paths["/organizations/users"].get.parameters.map((p: any) => p.name)
    expect(users).toEqual([
      "page",
      "size",
      "offset",
      "status",
      "roleId",
      "q",
      "email",
      "sort",
      "cursor",
      "X-Organization-Id"
    ])
    // Requests are described as sent: a padded email is trimmed by the server, so the document allows it.
    expect(login.requestBody.content["application/json"].schema.properties.email.pattern).toBeUndefined()
    // An id is a UUID in any case.
    const add = document.paths["/organizations/users"].post.requestBody.content["application/json"].schema
    expect(add.properties.roleId).toEqual({ type: "string", format: "uuid" })
    const events = document.paths["/organizations/events"].get.parameters.find((p: any) => p.name === "type")
    expect(events).toMatchObject({ style: "form", explode: true, schema: { type: "array" } })
    expect(document.paths["/organizations/users/{userId}/magic-link"].get.parameters[0]).toEqual({
      name: "userId",
      in: "path",
      required: true,
      schema: { type: "string", format: "uuid" }
    })
  })

  it("states every response field as the server sends it: required, nullable where null", () => {
    const schemas = document.components.schemas
    const named = (schema: any) => (schema.$ref === undefined ? schema : schemas[schema.$ref.split("/").at(-1)])
    for (const route of routes) {
      const success = documented(route).responses[String(route.success.status)]
      for (const media of Object.values(success.content ?? {}) as Array<any>) {
        for (const [at, schema] of schemasIn(named(media.schema))) {
          if (schema.properties === undefined) continue
          expect([...(schema.required ?? [])].sort(), `${route.path} ${at}`).toEqual(
            Object.keys(schema.properties).sort()
          )
        }
      }
    }
    for (const [name, schema] of Object.entries(schemas) as Array<[string, any]>) {
      if (name.endsWith("Request")) continue
      for (const [at, object] of schemasIn(schema)) {
        if (object.properties === undefined) continue
        expect([...(object.required ?? [])].sort(), `${name} ${at}`).toEqual(Object.keys(object.properties).sort())
      }
    }
    expect(schemas.UserPageResponse.required).toEqual(["content", "totalElements", "totalPages", "size", "number"])
    for (const field of ["expiresAt", "revokedAt", "lastUsedAt", "createdByUserId"]) {
      expect(schemas.TokenResponse.properties[field].type, field).toEqual(["string", "null"])
    }
    expect(schemas.TokenResponse.properties.createdAt.type).toBe("string")
    expect(schemas.UserProfileResponse.properties.lastSignedInAt.type).toEqual(["string", "null"])
    expect(schemas.EventResponse.properties.before.type).toEqual(["object", "null"])
    expect(document.paths["/organizations/tokens"].get.responses["200"].content["application/json"].schema).toEqual({
      type: "array",
      items: { $ref: "#/components/schemas/TokenResponse" }
    })
  })

  it("speaks of the API, not of the schema library", () => {
    const texts: Array<string> = []
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect)
      else if (node !== null && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if ((key === "description" || key === "title") && typeof value === "string") texts.push(value)
          else collect(value)
        }
      }
    }
    collect(document)
    const library =
      /^an? |will be|character\(s\)|item\(s\)|matching the pattern|Universally Unique|minItems\(|^(int|string)$/
    expect(texts.filter((text) => library.test(text))).toEqual([])
    // Effect's built-in identifiers (`UUID`, `Int`) name no component.
    expect(Object.keys(document.components.schemas)).not.toContain("UUID")
    expect(Object.keys(document.components.schemas)).not.toContain("Int")
  })

  it("passes Redocly's recommended rules with no error and no warning, offline", { timeout: 90_000 }, async () => {
    const { report, stderr } = await redoclyLint(scratch, "roster.json")
    expect(stderr).not.toContain("NETWORK ATTEMPT")
    expect(report.problems.map((problem: any) => `${problem.ruleId}: ${problem.message}`)).toEqual([])
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 })
  })

  it("generates a typed client (openapi-typescript, openapi-fetch) that typechecks", { timeout: 90_000 }, async () => {
    const generated = await runOffline(scratch, bin("openapi-typescript/bin/cli.js"), [
      "roster.json",
      "--output",
      "roster.ts"
    ])
    expect(generated.stderr).not.toContain("NETWORK ATTEMPT")
    expect(generated.code, generated.stderr).toBe(0)
    // The client's packages, as a project that installed them would find them.
    await symlink(join(packageRoot, "node_modules"), join(scratch, "node_modules"), "dir")
    await writeFile(
      join(scratch, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          // As the repository's own: the generated client is a .ts file, so it is checked in full.
          skipLibCheck: true,
          types: []
        },
        files: ["client.ts"]
      })
    )
    await writeFile(join(scratch, "client.ts"), clientSource)
    const checked = await run(process.execPath, [bin("typescript/bin/tsc"), "-p", "tsconfig.json"], {
      cwd: scratch
    }).then(
      () => ({ code: 0, output: "" }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        output: `${error.stdout ?? ""}${error.stderr ?? ""}`
      })
    )
    expect(checked.output).toBe("")
    expect(checked.code).toBe(0)
  })
})

/**
 * A program using the generated client as a project would: a list with filters, a path parameter,
 * bodies, a session sign-in. The `@ts-expect-error` lines prove the types are not `any`.
 */
const clientSource = `
import createClient from "openapi-fetch"
import type { components, paths } from "./roster.js"

type Schemas = components["schemas"]

const organization = createClient<paths>({ baseUrl: "https://roster.example", headers: { Authorization: "tot_x" } })

export const activeMembers = async (): Promise<ReadonlyArray<string>> => {
  const { data, error } = await organization.GET("/organizations/users", {
    params: { query: { page: 0, size: 50, status: ["ACTIVE", "INACTIVE"], q: "ada" } }
  })
  if (error !== undefined) return error.errors.map((detail) => detail.code)
  const page: Schemas["UserPageResponse"] = data
  const total: number = page.totalElements
  return [String(total), ...page.content.map((user) => user.email)]
}

export const terminate = async (userId: string): Promise<Schemas["UserResponse"] | undefined> => {
  const { data } = await organization.POST("/organizations/users/{userId}/terminate", {
    params: { path: { userId } }
  })
  const status: "ACTIVE" | "INACTIVE" | "TERMINATED" | "FORGOTTEN" | "REMOVED" | undefined = data?.profile.status
  void status
  return data
}

export const rename = (userId: string) =>
  organization.PUT("/organizations/users/{userId}/profile", {
    params: { path: { userId } },
    body: { firstName: "Ada", lastName: null }
  })

export const mint = async (): Promise<string | null | undefined> => {
  const { data } = await organization.POST("/organizations/tokens", {
    body: { name: "ci", permissions: ["can_view_users"], expiresAt: null }
  })
  const secret: string | undefined = data?.token
  void secret
  return data?.expiresAt
}

export const revoke = (tokenId: string) =>
  organization.DELETE("/organizations/tokens/{tokenId}", { params: { path: { tokenId } } })

export const signIn = async (email: string, password: string): Promise<string | undefined> => {
  const anyone = createClient<paths>({ baseUrl: "https://roster.example" })
  const { data, error } = await anyone.POST("/auth/login", { body: { email, password } })
  if (error !== undefined) return error.fingerprint
  const session = createClient<paths>({
    baseUrl: "https://roster.example",
    headers: { Authorization: \`Bearer \${data.token}\` }
  })
  const me = await session.GET("/me")
  return me.data?.memberships[0]?.organization.name
}

export const wrong = async (userId: string) => {
  // @ts-expect-error: no such permission
  await organization.POST("/organizations/tokens", { body: { name: "ci", permissions: ["can_fly"] } })
  // @ts-expect-error: the path parameter is required
  await organization.POST("/organizations/users/{userId}/terminate", {})
  // @ts-expect-error: a member's email is a string
  const email: number | undefined = (await organization.GET("/organizations/users/{userId}", { params: { path: { userId } } })).data?.email
  void email
}
`
