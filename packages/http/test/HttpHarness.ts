/**
 * What the HTTP suite's parts share: the real app over real HTTP on a given storage, every response
 * checked on the way (error bodies against the contract's `ErrorResponse`, with
 * `Content-Type: application/json`; success bodies against the contract's schemas, exactly, with
 * `Content-Type: application/json;charset=UTF-8`, or for the routes Roster adds against schemas in the
 * same style), fixtures made through the use cases, and every response, log line and token secret
 * kept for the suite's final check that no secret leaked.
 */
import type { Access, InMemory, MembershipStatus, Permission as PermissionType, Role, UserInput } from "@roster/domain"
import { Actor, Organizations, Permission, Services, Tokens, Users, randomUuid } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, expect } from "vitest"
import * as TestCrypto from "@roster/crypto/test"
import { App, type Route, Server } from "../src/index.js"
import * as ContractSchemas from "./ContractSchemas.js"
import * as DocumentSchemas from "./DocumentSchemas.js"
import * as HttpClient from "./HttpClient.js"

export type PortsLayer = Layer.Layer<InMemory.Ports, unknown>

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
export const successType = "application/json;charset=UTF-8"
const errorType = "application/json"

export type Reply = HttpClient.Reply

/** The schema a 2xx response of a route must match; `empty` for no body. */
const successSchema = (method: string, pathname: string): ContractSchemas.SchemaName | "empty" | "document" => {
  const user = /^\/organizations\/users\/[^/]+$/
  const userAction =
    /^\/organizations\/users\/[^/]+\/(profile|role|terminate|reinstate|deactivate|activate|remove|forget|reset-mfa)$/
  if (pathname === "/organizations/users") return method === "GET" ? "UserPageResponse" : "UserResponse"
  if (user.test(pathname)) return "UserResponse"
  const action = userAction.exec(pathname)
  if (action !== null) return action[1] === "reset-mfa" ? "empty" : "UserResponse"
  if (pathname === "/organizations/roles") return "RoleList"
  // Roster's own: checked against its operation's schema in /openapi/roster.json, as every answer is.
  if (pathname === "/organizations/current") return "document"
  if (pathname === "/organizations/tokens") return method === "GET" ? "TokenList" : "CreatedToken"
  if (/^\/organizations\/tokens\/[^/]+$/.test(pathname)) return "Token"
  if (pathname === "/organizations/events") return "EventPage"
  if (pathname === "/health") return "Health"
  if (pathname === "/openapi.json") return "document"
  throw new Error(`No schema for a success of ${method} ${pathname}`)
}

export interface Organization {
  readonly id: string
  readonly admin: Role.Role
  readonly member: Role.Role
  readonly operator: Access
  /** A new token of this organization holding exactly `permissions`; returns its secret. */
  readonly token: (permissions: ReadonlyArray<PermissionType.Permission>) => Promise<string>
  /** A member added by the operator; returns its user id. */
  readonly add: (input?: Partial<UserInput.AddUser>) => Promise<string>
}

export interface Harness {
  readonly request: (method: string, path: string, options?: HttpClient.RequestOptions) => Promise<Reply>
  readonly get: (path: string, auth?: string) => Promise<Reply>
  readonly post: (path: string, auth: string, body?: unknown) => Promise<Reply>
  readonly put: (path: string, auth: string, body?: unknown) => Promise<Reply>
  readonly del: (path: string, auth: string) => Promise<Reply>
  /** Fails the test unless the reply is this error. */
  readonly expectError: typeof HttpClient.expectError
  /** A new organization, made by the operator. */
  readonly organization: () => Promise<Organization>
  /** The operator moves a member into `status` through the use cases. */
  readonly bringTo: (org: Organization, userId: string, status: MembershipStatus.MembershipStatus) => Promise<void>
  /** The organization most tests work in, made before them. */
  readonly acme: Organization
  /** A token of Acme holding every permission. */
  readonly admin: string
  /** Every token secret a test saw; none may show up where it should not. */
  readonly secrets: Set<string>
  readonly logs: ReadonlyArray<string>
  /** Every response as received, with the one secret it may show (a token's, when created). */
  readonly responses: ReadonlyArray<{ readonly text: string; readonly mayShow?: string }>
}

/** Registers `beforeAll`/`afterAll` that start and stop the app and make Acme; call inside a `describe`. */
export const setup = (makePortsLayer: () => PortsLayer): Harness => {
  let runtime: ManagedRuntime.ManagedRuntime<Route.UseCases, unknown>
  let server: Server.Handle
  const validator = ContractSchemas.make()
  const documented = DocumentSchemas.make()
  const logs: Array<string> = []
  /** Every response as received, with the one secret it may show (a token's, when created). */
  const responses: Array<{ readonly text: string; readonly mayShow?: string }> = []
  const secrets = new Set<string>()

  const run = <A, E>(effect: Effect.Effect<A, E, Services.UseCases>): Promise<A> => runtime.runPromise(effect)

  const request = async (method: string, path: string, options: HttpClient.RequestOptions = {}): Promise<Reply> => {
    const reply = await HttpClient.send(server.url, method, path, options)
    responses.push({ text: reply.raw, mayShow: typeof reply.json?.token === "string" ? reply.json.token : undefined })
    check(method, new URL(server.url + path).pathname, reply)
    return reply
  }

  const check = (method: string, pathname: string, { status, headers, text, json }: Reply) => {
    // Every answer, error or not, is one the OpenAPI document promises (a route that does not
    // exist, or a method it lacks, has no operation to look up).
    const documentedRoute = method !== "HEAD" && method !== "OPTIONS" && status !== 404 && status !== 405
    if (documentedRoute && pathname !== "/health" && !pathname.startsWith("/openapi")) {
      documented.assert(method, pathname, status, json)
    }
    if (status >= 400) {
      expect(headers.get("content-type")).toBe(errorType)
      validator.assert("ErrorResponse", json)
      expect(json.fingerprint).toMatch(uuidPattern)
      expect(json.errors.length).toBeGreaterThan(0)
      return
    }
    if (method === "HEAD" || method === "OPTIONS") return
    const schema = successSchema(method, pathname)
    if (schema === "empty") {
      expect(text).toBe("")
      expect(headers.get("content-type")).toBeNull()
      return
    }
    expect(headers.get("content-type")).toBe(successType)
    if (schema !== "document") validator.assert(schema, json)
  }

  const get = (path: string, auth?: string) => request("GET", path, auth === undefined ? {} : { auth })
  const post = (path: string, auth: string, body?: unknown) =>
    request("POST", path, body === undefined ? { auth } : { auth, body })
  const put = (path: string, auth: string, body?: unknown) =>
    request("PUT", path, body === undefined ? { auth } : { auth, body })
  const del = (path: string, auth: string) => request("DELETE", path, { auth })

  const expectError = HttpClient.expectError

  const organization = async (): Promise<Organization> => {
    const { organization, roles } = await run(
      Effect.flatMap(Organizations, (service) => service.create(Actor.operator, `Org ${randomUuid()}`))
    )
    const operator: Access = { actor: Actor.operator, organizationId: organization.id }
    return {
      id: organization.id,
      admin: roles.find((role) => role.name === "Admin")!,
      member: roles.find((role) => role.name === "Member")!,
      operator,
      token: async (permissions) => {
        const { secret } = await run(
          Effect.flatMap(Tokens, (service) =>
            service.create(operator, { name: "test", permissions: [...permissions] as any })
          )
        )
        secrets.add(secret)
        return secret
      },
      add: async (input = {}) => {
        const member = await run(
          Effect.flatMap(Users, (service) =>
            service.add(operator, { email: `user-${randomUuid()}@example.com`, ...input } as UserInput.AddUser)
          )
        )
        return member.user.id
      }
    }
  }

  /** The operator moves a member into `status` through the use cases. */
  const bringTo = (org: Organization, userId: string, status: MembershipStatus.MembershipStatus) =>
    run(
      Effect.gen(function* () {
        const users = yield* Users
        const id = userId as any
        if (status === "INACTIVE") yield* users.deactivate(org.operator, id)
        if (status === "TERMINATED" || status === "FORGOTTEN") yield* users.terminate(org.operator, id)
        if (status === "REMOVED") yield* users.remove(org.operator, id, { reason: "moved on" })
        if (status === "FORGOTTEN") yield* users.forget(org.operator, id)
      })
    )

  let acme: Organization
  let admin: string

  beforeAll(async () => {
    runtime = ManagedRuntime.make(
      Services.fullLayer.pipe(Layer.provide(Layer.merge(makePortsLayer(), TestCrypto.layer)))
    )
    server = await Server.listen(App.make(runtime, { logger: (entry) => logs.push(JSON.stringify(entry)) }), {
      port: 0,
      host: "127.0.0.1"
    })
    acme = await organization()
    admin = await acme.token(Permission.all)
  })

  afterAll(async () => {
    await server?.close()
    await runtime?.dispose()
  })

  return {
    request,
    get,
    post,
    put,
    del,
    expectError,
    organization,
    bringTo,
    get acme() {
      return acme
    },
    get admin() {
      return admin
    },
    secrets,
    logs,
    responses
  }
}
