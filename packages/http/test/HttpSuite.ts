/**
 * The HTTP API, over real HTTP, against the real app: every route and every error path. Written once
 * and run on every storage: the ports layer is the suite's only parameter.
 *
 * Every response is checked on the way: error bodies against the contract's `ErrorResponse` (with
 * `Content-Type: application/json`), success bodies against the contract's schemas (exactly, with
 * `Content-Type: application/json;charset=UTF-8`) or, for the routes Roster adds, against schemas
 * in the same style. At the end, no response and no log line may hold a token secret.
 */
import type { Access, InMemory, Permission as PermissionType, Role, UserInput } from "@roster/domain"
import {
  Actor,
  Lifecycle,
  MembershipStatus,
  OrganizationToken,
  Organizations,
  Permission,
  Services,
  Tokens,
  Users,
  randomUuid
} from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as TestCrypto from "@roster/crypto/test"
import { App, Contract, type Route, Server } from "../src/index.js"
import * as ContractSchemas from "./ContractSchemas.js"
import * as HttpClient from "./HttpClient.js"

export type PortsLayer = Layer.Layer<InMemory.Ports, unknown>

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const successType = "application/json;charset=UTF-8"
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
  if (pathname === "/organizations/tokens") return method === "GET" ? "TokenList" : "CreatedToken"
  if (/^\/organizations\/tokens\/[^/]+$/.test(pathname)) return "Token"
  if (pathname === "/organizations/events") return "EventPage"
  if (pathname === "/health") return "Health"
  if (pathname === "/openapi.json") return "document"
  throw new Error(`No schema for a success of ${method} ${pathname}`)
}

export const suite = (name: string, makePortsLayer: () => PortsLayer) =>
  describe(name, () => {
    let runtime: ManagedRuntime.ManagedRuntime<Route.UseCases, unknown>
    let server: Server.Handle
    const validator = ContractSchemas.make()
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

    interface Organization {
      readonly id: string
      readonly admin: Role.Role
      readonly member: Role.Role
      readonly operator: Access
      /** A new token of this organization holding exactly `permissions`; returns its secret. */
      readonly token: (permissions: ReadonlyArray<PermissionType.Permission>) => Promise<string>
      /** A member added by the operator; returns its user id. */
      readonly add: (input?: Partial<UserInput.AddUser>) => Promise<string>
    }

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

    describe("without a token", () => {
      it("GET /health is 200 { status: ok }", async () => {
        const reply = await get("/health")
        expect(reply.status).toBe(200)
        expect(reply.json).toEqual({ status: "ok" })
      })

      it("GET /openapi.json serves the contract", async () => {
        const reply = await get("/openapi.json")
        expect(reply.status).toBe(200)
        expect(reply.json).toEqual(Contract.document)
      })

      it("sets hardening headers and none that reveal the server", async () => {
        const reply = await get("/health")
        expect(reply.headers.get("x-powered-by")).toBeNull()
        expect(reply.headers.get("x-content-type-options")).toBe("nosniff")
        expect(reply.headers.get("cache-control")).toBe("no-store")
        expect(reply.headers.get("content-security-policy")).toContain("default-src 'none'")
        expect(reply.headers.get("etag")).toBeNull()
      })
    })

    describe("errors outside any route", () => {
      it("an unknown route is 404 NOT_FOUND, even without a token", async () => {
        expectError(await get("/nowhere"), 404, "NOT_FOUND", "No route GET /nowhere")
        expectError(await get("/organizations/users/x/y/z", admin), 404, "NOT_FOUND")
        expectError(await get("/organizations"), 404, "NOT_FOUND")
      })

      it("a known path with the wrong method is 405 METHOD_NOT_ALLOWED with an Allow header", async () => {
        const users = await del("/organizations/users", admin)
        expectError(users, 405, "METHOD_NOT_ALLOWED")
        expect(users.headers.get("allow")).toBe("GET, HEAD, POST")
        const user = await request("POST", `/organizations/users/${randomUuid()}`)
        expectError(user, 405, "METHOD_NOT_ALLOWED")
        expect(user.headers.get("allow")).toBe("GET, HEAD")
        const terminate = await request("GET", `/organizations/users/${randomUuid()}/terminate`)
        expect(terminate.headers.get("allow")).toBe("POST")
        const profile = await request("PATCH", `/organizations/users/${randomUuid()}/profile`)
        expect(profile.headers.get("allow")).toBe("PUT")
        expect((await request("POST", "/health")).headers.get("allow")).toBe("GET, HEAD")
      })

      it("OPTIONS answers 204 with the allowed methods", async () => {
        const reply = await request("OPTIONS", "/organizations/tokens")
        expect(reply.status).toBe(204)
        expect(reply.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS")
      })

      it("HEAD of a GET route answers its headers only", async () => {
        const reply = await request("HEAD", "/organizations/users", { auth: admin })
        expect(reply.status).toBe(200)
        expect(reply.text).toBe("")
        expect(reply.headers.get("content-type")).toBe(successType)
      })

      it("a path that is not valid percent-encoding is 400", async () => {
        expectError(await get("/organizations/users/%E0%A4%A", admin), 400, "VALIDATION_FAILED", "path:")
      })
    })

    describe("authentication (401 UNAUTHORIZED)", () => {
      it("refuses a request without Authorization", async () => {
        const reply = await get("/organizations/users")
        expectError(reply, 401, "UNAUTHORIZED", "Missing Authorization")
        expect(reply.headers.get("www-authenticate")).toContain("Bearer")
      })

      it("refuses an empty or malformed Authorization", async () => {
        for (const auth of [
          "",
          "   ",
          "Bearer",
          "Bearer ",
          "Basic dXNlcjpwYXNz",
          "tot_short",
          "tot_" + "!".repeat(52),
          admin + "x"
        ]) {
          expectError(await get("/organizations/users", auth), 401, "UNAUTHORIZED")
        }
      })

      it("refuses a well-formed token that does not exist", async () => {
        expectError(await get("/organizations/users", OrganizationToken.generateSecret()), 401, "UNAUTHORIZED")
      })

      it("takes the raw token and the Bearer form, whatever the scheme's case", async () => {
        for (const auth of [admin, `Bearer ${admin}`, `bearer ${admin}`, `BEARER   ${admin}`, `  ${admin}  `]) {
          expect((await get("/organizations/users", auth)).status).toBe(200)
        }
      })

      it("refuses a revoked token", async () => {
        const created = await post("/organizations/tokens", admin, { name: "revoked", permissions: ["can_view_users"] })
        secrets.add(created.json.token)
        expect((await get("/organizations/users", created.json.token)).status).toBe(200)
        expect((await del(`/organizations/tokens/${created.json.id}`, admin)).status).toBe(200)
        expectError(await get("/organizations/users", created.json.token), 401, "UNAUTHORIZED")
      })

      it("refuses an expired token", async () => {
        const created = await post("/organizations/tokens", admin, {
          name: "short-lived",
          permissions: ["can_view_users"],
          expiresAt: new Date(Date.now() + 1_000).toISOString()
        })
        expect(created.status).toBe(201)
        secrets.add(created.json.token)
        expect((await get("/organizations/users", created.json.token)).status).toBe(200)
        await new Promise((resolve) => setTimeout(resolve, Date.parse(created.json.expiresAt) - Date.now() + 50))
        expectError(await get("/organizations/users", created.json.token), 401, "UNAUTHORIZED")
      })

      it("comes before everything else: an unauthenticated malformed body is 401", async () => {
        const reply = await request("PUT", `/organizations/users/not-a-uuid/role`, { rawBody: "{oops" })
        expectError(reply, 401, "UNAUTHORIZED")
      })
    })

    describe("permissions (403 FORBIDDEN), one per route", () => {
      interface Sample {
        readonly method: string
        readonly path: (ids: { userId: string; tokenId: string }) => string
        readonly body?: unknown
        readonly permission: PermissionType.Permission | null
      }
      const samples: ReadonlyArray<Sample> = [
        { method: "GET", path: () => "/organizations/users", permission: "can_view_users" },
        { method: "POST", path: () => "/organizations/users", body: "new-user", permission: "can_manage_users" },
        { method: "GET", path: ({ userId }) => `/organizations/users/${userId}`, permission: "can_view_users" },
        {
          method: "PUT",
          path: ({ userId }) => `/organizations/users/${userId}/profile`,
          body: { title: "Engineer" },
          permission: "can_manage_users"
        },
        {
          method: "PUT",
          path: ({ userId }) => `/organizations/users/${userId}/role`,
          body: "member-role",
          permission: "can_manage_users"
        },
        ...["deactivate", "activate", "terminate", "forget"].map(
          (action): Sample => ({
            method: "POST",
            path: ({ userId }) => `/organizations/users/${userId}/${action}`,
            permission: "can_manage_users"
          })
        ),
        {
          method: "POST",
          path: ({ userId }) => `/organizations/users/${userId}/reinstate`,
          body: "member-role",
          permission: "can_manage_users"
        },
        {
          method: "POST",
          path: ({ userId }) => `/organizations/users/${userId}/remove`,
          body: { reason: "left" },
          permission: "can_manage_users"
        },
        {
          method: "POST",
          path: ({ userId }) => `/organizations/users/${userId}/reset-mfa`,
          permission: "can_reset_2fa"
        },
        { method: "GET", path: () => "/organizations/roles", permission: null },
        { method: "GET", path: () => "/organizations/tokens", permission: "can_manage_tokens" },
        {
          method: "POST",
          path: () => "/organizations/tokens",
          body: { name: "minted", permissions: ["can_manage_tokens"] },
          permission: "can_manage_tokens"
        },
        {
          method: "DELETE",
          path: ({ tokenId }) => `/organizations/tokens/${tokenId}`,
          permission: "can_manage_tokens"
        },
        { method: "GET", path: () => "/organizations/events", permission: "can_view_audit" }
      ]

      const send = async (sample: Sample, auth: string | undefined) => {
        const userId = await acme.add()
        // No stronger than a can_manage_tokens token: revoking it needs nothing more.
        const target = await post("/organizations/tokens", admin, {
          name: "target",
          permissions: ["can_manage_tokens"]
        })
        secrets.add(target.json.token)
        const tokenId = target.json.id
        const body =
          sample.body === "new-user"
            ? { email: `new-${randomUuid()}@example.com` }
            : sample.body === "member-role"
              ? { roleId: acme.member.id }
              : sample.body
        return request(sample.method, sample.path({ userId, tokenId }), {
          ...(auth === undefined ? {} : { auth }),
          ...(body === undefined ? {} : { body })
        })
      }

      for (const sample of samples) {
        const label = `${sample.method} ${sample.path({ userId: "{userId}", tokenId: "{tokenId}" })}`

        it(`${label} needs a token (401 without one)`, async () => {
          expectError(await send(sample, undefined), 401, "UNAUTHORIZED")
        })

        if (sample.permission === null) {
          it(`${label} is open to any token of the organization`, async () => {
            expect((await send(sample, await acme.token(["can_reset_2fa"]))).status).toBe(200)
          })
          continue
        }
        const required = sample.permission

        it(`${label} is 403 without ${required}`, async () => {
          // can_manage_users implies can_view_users, so it goes too when the route needs viewing.
          const lacking = Permission.all.filter(
            (p) => p !== required && !(required === "can_view_users" && p === "can_manage_users")
          )
          const reply = await send(sample, await acme.token(lacking))
          expectError(reply, 403, "FORBIDDEN", required)
        })

        it(`${label} is allowed with ${required} alone`, async () => {
          // Past the permission check: the use case answers (a 409 is the state machine speaking).
          const reply = await send(sample, await acme.token([required]))
          expect([200, 201, 202, 409]).toContain(reply.status)
        })
      }

      it("a view-only token reads but cannot write", async () => {
        const viewer = await acme.token(["can_view_users"])
        const userId = await acme.add()
        expect((await get("/organizations/users", viewer)).status).toBe(200)
        expect((await get(`/organizations/users/${userId}`, viewer)).status).toBe(200)
        expectError(await post(`/organizations/users/${userId}/terminate`, viewer), 403, "FORBIDDEN")
        expectError(await put(`/organizations/users/${userId}/profile`, viewer, { title: "x" }), 403, "FORBIDDEN")
        expectError(await post("/organizations/users", viewer, { email: "v@example.com" }), 403, "FORBIDDEN")
        expectError(await post(`/organizations/users/${userId}/reset-mfa`, viewer), 403, "FORBIDDEN")
      })

      it("can_reset_2fa alone resets MFA and nothing else", async () => {
        const support = await acme.token(["can_reset_2fa"])
        const userId = await acme.add()
        expect((await post(`/organizations/users/${userId}/reset-mfa`, support)).status).toBe(202)
        expectError(await get(`/organizations/users/${userId}`, support), 403, "FORBIDDEN")
        expectError(await post(`/organizations/users/${userId}/terminate`, support), 403, "FORBIDDEN")
      })

      it("can_manage_users implies can_view_users", async () => {
        const manager = await acme.token(["can_manage_users"])
        expect((await get("/organizations/users", manager)).status).toBe(200)
      })
    })

    describe("the order of checks: 401 → 403 → 400 → 404 → 409", () => {
      it("403 before 400: a view-only token sending a malformed body to a write route", async () => {
        const viewer = await acme.token(["can_view_users"])
        expectError(
          await request("PUT", "/organizations/users/not-a-uuid/role", { auth: viewer, rawBody: "{oops" }),
          403,
          "FORBIDDEN"
        )
        expectError(
          await request("PUT", `/organizations/users/${randomUuid()}/profile`, { auth: viewer, body: [1, 2] }),
          403,
          "FORBIDDEN"
        )
      })

      it("403 before 413: the body of a forbidden request is never read", async () => {
        const viewer = await acme.token(["can_view_users"])
        const reply = await request("POST", "/organizations/users", {
          auth: viewer,
          rawBody: JSON.stringify({ email: "x".repeat(2 * 1024 * 1024) })
        })
        expectError(reply, 403, "FORBIDDEN")
      })

      it("400 naming userId for a bad id, with a valid token", async () => {
        for (const bad of ["not-a-uuid", "123", "tot_abc"]) {
          const reply = await get(`/organizations/users/${bad}`, admin)
          expectError(reply, 400, "VALIDATION_FAILED", /^userId: /)
        }
      })

      it("400 lists every problem of the path and the body at once", async () => {
        const reply = await put("/organizations/users/nope/role", admin, { roleId: "nope", extra: true })
        expect(reply.status).toBe(400)
        const messages = reply.json.errors.map((e: any) => e.message)
        expect(messages).toHaveLength(3)
        expect(messages.some((m: string) => m.startsWith("userId: "))).toBe(true)
        expect(messages.some((m: string) => m.startsWith("roleId: "))).toBe(true)
        expect(messages).toContain("extra: is not a recognised field")
      })

      it("400 before 404: a malformed body for a user who does not exist", async () => {
        expectError(
          await put(`/organizations/users/${randomUuid()}/role`, admin, {}),
          400,
          "VALIDATION_FAILED",
          "roleId: is required"
        )
      })

      it("404 USER_NOT_FOUND for an unknown user, on every user route", async () => {
        const id = randomUuid()
        expectError(await get(`/organizations/users/${id}`, admin), 404, "USER_NOT_FOUND", id)
        expectError(await put(`/organizations/users/${id}/profile`, admin, { title: "x" }), 404, "USER_NOT_FOUND")
        expectError(
          await put(`/organizations/users/${id}/role`, admin, { roleId: acme.member.id }),
          404,
          "USER_NOT_FOUND"
        )
        for (const action of ["deactivate", "activate", "terminate", "forget", "reset-mfa"]) {
          expectError(await post(`/organizations/users/${id}/${action}`, admin), 404, "USER_NOT_FOUND")
        }
        expectError(
          await post(`/organizations/users/${id}/reinstate`, admin, { roleId: acme.member.id }),
          404,
          "USER_NOT_FOUND"
        )
        expectError(await post(`/organizations/users/${id}/remove`, admin, { reason: "x" }), 404, "USER_NOT_FOUND")
      })

      it("an id in upper case names the same user", async () => {
        const userId = await acme.add()
        expect((await get(`/organizations/users/${userId.toUpperCase()}`, admin)).json.id).toBe(userId)
      })

      it("404 before 409: an unknown user cannot be in the wrong state", async () => {
        expectError(await post(`/organizations/users/${randomUuid()}/activate`, admin), 404, "USER_NOT_FOUND")
      })

      it("a role that does not exist in the organization is 400 ROLE_NOT_FOUND, before the user is looked up", async () => {
        const role = randomUuid()
        expectError(
          await post(`/organizations/users/${randomUuid()}/reinstate`, admin, { roleId: role }),
          400,
          "ROLE_NOT_FOUND",
          role
        )
      })
    })

    describe("tenant isolation", () => {
      it("a token of another organization sees none of its users: 404, never 403", async () => {
        const globex = await organization()
        const globexAdmin = await globex.token(Permission.all)
        const userId = await acme.add()
        expectError(await get(`/organizations/users/${userId}`, globexAdmin), 404, "USER_NOT_FOUND")
        expectError(await post(`/organizations/users/${userId}/terminate`, globexAdmin), 404, "USER_NOT_FOUND")
        expectError(
          await put(`/organizations/users/${userId}/profile`, globexAdmin, { title: "x" }),
          404,
          "USER_NOT_FOUND"
        )
        expectError(await post(`/organizations/users/${userId}/reset-mfa`, globexAdmin), 404, "USER_NOT_FOUND")
        const list = await get("/organizations/users?size=200", globexAdmin)
        expect(list.json.content.map((u: any) => u.id)).not.toContain(userId)
        expect((await get(`/organizations/users/${userId}`, admin)).json.profile.status).toBe("ACTIVE")
      })

      it("the roles, tokens and events of another organization are out of reach", async () => {
        const globex = await organization()
        const globexAdmin = await globex.token(Permission.all)
        const roles = await get("/organizations/roles", globexAdmin)
        expect(roles.json.map((r: any) => r.id).sort()).toEqual([globex.admin.id, globex.member.id].sort())
        expectError(
          await put(`/organizations/users/${await globex.add()}/role`, globexAdmin, { roleId: acme.admin.id }),
          400,
          "ROLE_NOT_FOUND"
        )
        const acmeTokenId = (await get("/organizations/tokens", admin)).json[0].id
        expectError(await del(`/organizations/tokens/${acmeTokenId}`, globexAdmin), 404, "TOKEN_NOT_FOUND")
        expect((await get("/organizations/tokens", globexAdmin)).json.map((t: any) => t.id)).not.toContain(acmeTokenId)
        const acmeUser = await acme.add()
        const events = await get("/organizations/events?size=200", globexAdmin)
        expect(events.json.content.length).toBeGreaterThan(0)
        expect(events.json.content.map((e: any) => e.userId)).not.toContain(acmeUser)
        expect((await get(`/organizations/events?userId=${acmeUser}`, globexAdmin)).json.totalElements).toBe(0)
      })
    })

    describe("GET /organizations/users", () => {
      it("pages: 45 users, size 20 → 3 pages; page 2 has 5; page 3 is empty with the totals", async () => {
        const org = await organization()
        const token = await org.token(["can_view_users"])
        for (let i = 0; i < 45; i++) await org.add({ email: `person-${String(i).padStart(2, "0")}@example.com` })
        const pages = await Promise.all(
          [0, 1, 2, 3].map((page) => get(`/organizations/users?page=${page}&size=20`, token))
        )
        expect(pages.map((p) => p.json.content.length)).toEqual([20, 20, 5, 0])
        for (const [number, page] of pages.entries()) {
          expect(page.json).toMatchObject({ totalElements: 45, totalPages: 3, size: 20, number })
        }
        const ids = pages.flatMap((p) => p.json.content.map((u: any) => u.id))
        expect(new Set(ids).size).toBe(45)
        const created = pages.flatMap((p) => p.json.content.map((u: any) => Date.parse(u.profile.createdDateTime)))
        expect(created).toEqual([...created].sort((a, b) => a - b))
        // The order is stable from one request to the next.
        expect((await get("/organizations/users?page=1&size=20", token)).json.content).toEqual(pages[1]!.json.content)
        const defaults = await get("/organizations/users", token)
        expect(defaults.json).toMatchObject({ size: 20, number: 0, totalElements: 45, totalPages: 3 })
        const all = await get("/organizations/users?size=200", token)
        expect(all.json).toMatchObject({ size: 200, totalPages: 1 })
        expect(all.json.content).toHaveLength(45)
      })

      it("an empty organization has no pages", async () => {
        const org = await organization()
        const reply = await get("/organizations/users", await org.token(["can_view_users"]))
        expect(reply.json).toEqual({ content: [], totalElements: 0, totalPages: 0, size: 20, number: 0 })
      })

      it("filters by status (repeated or comma-separated), role and text; REMOVED and FORGOTTEN only when asked", async () => {
        const org = await organization()
        const token = await org.token(Permission.all)
        const active = await org.add({ email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" })
        // Another manager, so that Grace (an Admin) may be deactivated.
        const boss = await org.add({ email: "boss@example.net", roleId: org.admin.id })
        const inactive = await org.add({ email: "grace@example.org", firstName: "Grace", roleId: org.admin.id })
        const terminated = await org.add({ email: "alan@example.com" })
        const removed = await org.add({ email: "edsger@example.com" })
        const forgotten = await org.add({ email: "barbara@example.com" })
        await bringTo(org, inactive, "INACTIVE")
        await bringTo(org, terminated, "TERMINATED")
        await bringTo(org, removed, "REMOVED")
        await bringTo(org, forgotten, "FORGOTTEN")
        const ids = async (query: string) => {
          const reply = await get(`/organizations/users${query}`, token)
          expect(reply.status).toBe(200)
          return reply.json.content.map((u: any) => u.id).sort()
        }
        expect(await ids("")).toEqual([boss, active, inactive, terminated].sort())
        expect(await ids("?status=REMOVED")).toEqual([removed])
        expect(await ids("?status=FORGOTTEN")).toEqual([forgotten])
        expect(await ids("?status=INACTIVE&status=TERMINATED")).toEqual([inactive, terminated].sort())
        expect(await ids("?status=INACTIVE,TERMINATED")).toEqual([inactive, terminated].sort())
        expect(await ids("?status=TERMINATED,%20REMOVED&status=FORGOTTEN")).toEqual(
          [terminated, removed, forgotten].sort()
        )
        expect(await ids(`?roleId=${org.admin.id}`)).toEqual([boss, inactive].sort())
        expect(await ids(`?roleId=${org.admin.id}&status=INACTIVE`)).toEqual([inactive])
        expect(await ids(`?roleId=${org.member.id}&status=ACTIVE`)).toEqual([active])
        expect(await ids("?q=ADA")).toEqual([active])
        expect(await ids("?q=ada%20lovelace")).toEqual([active])
        expect(await ids("?q=example.org")).toEqual([inactive])
        expect(await ids("?q=nobody")).toEqual([])
        const filtered = await get("/organizations/users?status=ACTIVE,INACTIVE&size=2", token)
        expect(filtered.json).toMatchObject({ totalElements: 3, totalPages: 2, size: 2 })
      })

      it("refuses malformed page and size, strictly", async () => {
        for (const page of ["1.5", "1e3", "%202", "abc", "-1", "", "0x10", "99999999999999999999"]) {
          expectError(await get(`/organizations/users?page=${page}`, admin), 400, "VALIDATION_FAILED", /^page: /)
        }
        for (const size of ["0", "201", "-5", "1.5", "1e3", "%202", "abc", ""]) {
          expectError(
            await get(`/organizations/users?size=${size}`, admin),
            400,
            "VALIDATION_FAILED",
            "size: must be a whole number from 1 to 200"
          )
        }
        expect((await get("/organizations/users?page=0&size=1", admin)).status).toBe(200)
        expect((await get("/organizations/users?size=200", admin)).status).toBe(200)
      })

      it("refuses a repeated page, unknown parameters and bad filter values, naming each", async () => {
        expectError(
          await get("/organizations/users?page=1&page=2", admin),
          400,
          "VALIDATION_FAILED",
          "page: must be given once"
        )
        expectError(
          await get("/organizations/users?sort=email", admin),
          400,
          "VALIDATION_FAILED",
          /^sort: is not a recognised query parameter/
        )
        expectError(await get("/organizations/users?status=GONE", admin), 400, "VALIDATION_FAILED", /^status: .*GONE/)
        expectError(await get("/organizations/users?status=", admin), 400, "VALIDATION_FAILED", /^status: /)
        expectError(await get("/organizations/users?roleId=admin", admin), 400, "VALIDATION_FAILED", /^roleId: /)
        expectError(await get("/organizations/users?q=", admin), 400, "VALIDATION_FAILED", /^q: /)
        const many = await get("/organizations/users?page=x&size=0&status=GONE&foo=1", admin)
        expect(many.json.errors.map((e: any) => e.message.split(":")[0]).sort()).toEqual([
          "foo",
          "page",
          "size",
          "status"
        ])
      })
    })

    describe("GET /organizations/users/{userId}", () => {
      it("shows the user as the organization sees it; roleId is the profile's", async () => {
        const userId = await acme.add({
          email: "Katherine@Example.com",
          firstName: "Katherine",
          title: "Mathematician"
        })
        const reply = await get(`/organizations/users/${userId}`, admin)
        expect(reply.status).toBe(200)
        expect(reply.json).toMatchObject({
          id: userId,
          email: "Katherine@Example.com",
          idpId: null,
          roleId: acme.member.id,
          profile: {
            firstName: "Katherine",
            lastName: null,
            title: "Mathematician",
            organizationId: acme.id,
            roleId: acme.member.id,
            status: "ACTIVE",
            lastSignedInAt: null
          }
        })
      })

      it("refuses any query parameter", async () => {
        expectError(
          await get(`/organizations/users/${await acme.add()}?expand=all`, admin),
          400,
          "VALIDATION_FAILED",
          /^expand: /
        )
      })
    })

    describe("POST /organizations/users", () => {
      it("refuses a NUL character in any field or query parameter (400 naming it), writing nothing", async () => {
        const email = `nul-${randomUuid()}@example.com`
        expectError(
          await post("/organizations/users", admin, { email, firstName: "a\u0000b" }),
          400,
          "VALIDATION_FAILED",
          "firstName: must not contain the NUL character"
        )
        expectError(
          await post("/organizations/users", admin, { email: `x\u0000${email}` }),
          400,
          "VALIDATION_FAILED",
          /^email: /
        )
        expectError(await get("/organizations/users?q=%00", admin), 400, "VALIDATION_FAILED", /^q: must not contain/)
        expect((await get(`/organizations/users?q=${email}`, admin)).json.totalElements).toBe(0)
      })

      it("refuses half a surrogate pair (a lone \\ud800 escape) in any field: 400 naming it, nothing written", async () => {
        const email = `surrogate-${randomUuid()}@example.com`
        // JSON.stringify writes a lone surrogate as the escape "\ud800", as any client's JSON would.
        for (const [field, value] of [
          ["firstName", "\ud800"],
          ["lastName", "ok\udfff"],
          ["title", "\udc00x"],
          ["email", `sur\ud800${email}`]
        ] as const) {
          expectError(
            await post("/organizations/users", admin, { email, [field]: value }),
            400,
            "VALIDATION_FAILED",
            `${field}: must be valid Unicode text`
          )
        }
        expect((await get(`/organizations/users?q=${email}`, admin)).json.totalElements).toBe(0)
        const id = await acme.add()
        expectError(
          await put(`/organizations/users/${id}/profile`, admin, { title: "\ud83d" }),
          400,
          "VALIDATION_FAILED",
          "title: must be valid Unicode text"
        )
        expectError(
          await post(`/organizations/users/${id}/remove`, admin, { reason: "\ud800" }),
          400,
          "VALIDATION_FAILED",
          "reason: must be valid Unicode text"
        )
        expectError(
          await post("/organizations/tokens", admin, { name: "\ud800", permissions: ["can_view_users"] }),
          400,
          "VALIDATION_FAILED",
          "name: must be valid Unicode text"
        )
        // A whole pair is a character like any other.
        const emoji = await put(`/organizations/users/${id}/profile`, admin, { title: "\ud83d\ude00" })
        expect(emoji.json.profile.title).toBe("😀")
        expect((await get(`/organizations/users/${id}`, admin)).json.profile.status).toBe("ACTIVE")
      })

      it("refuses a query parameter whose escapes are not UTF-8, naming it; a stray % is a %", async () => {
        expectError(await get("/organizations/users?q=%FF", admin), 400, "VALIDATION_FAILED", "q: is not valid UTF-8")
        expectError(
          await get("/organizations/users?size=5&q=ab%ED%A0%80", admin),
          400,
          "VALIDATION_FAILED",
          "q: is not valid UTF-8"
        )
        // An escape sequence cut in two by "=" is still not UTF-8.
        expectError(
          await get("/organizations/users?q=%E2=%82%AC", admin),
          400,
          "VALIDATION_FAILED",
          "q: is not valid UTF-8"
        )
        const percent = await get("/organizations/users?q=100%", admin)
        expect(percent.status).toBe(200)
        expect(percent.json.totalElements).toBe(0)
      })

      it("counts name lengths in characters (an emoji is one) and finds a name however its accents were typed", async () => {
        const emojiName = await post("/organizations/users", admin, {
          email: `emoji-${randomUuid()}@example.com`,
          firstName: "😀".repeat(100)
        })
        expect(emojiName.status).toBe(201)
        expectError(
          await post("/organizations/users", admin, {
            email: `emoji-${randomUuid()}@example.com`,
            firstName: "😀".repeat(101)
          }),
          400,
          "VALIDATION_FAILED",
          "firstName: must be at most 100 characters"
        )
        const unique = randomUuid().slice(0, 8)
        const decomposed = await post("/organizations/users", admin, {
          email: `nfc-${unique}@example.com`,
          lastName: `Jose\u0301${unique}`
        })
        expect(decomposed.json.profile.lastName).toBe(`Jos\u00e9${unique}`)
        for (const q of [`jos%C3%A9${unique}`, `jose%CC%81${unique}`, `JOSE%CC%81${unique}`]) {
          const found = await get(`/organizations/users?q=${q}`, admin)
          expect(
            found.json.content.map((user: any) => user.id),
            q
          ).toEqual([decomposed.json.id])
        }
      })

      it("adds an ACTIVE member with the default role: 201 with Location", async () => {
        const reply = await post("/organizations/users", admin, {
          email: "hedy@example.com",
          firstName: "Hedy",
          lastName: "Lamarr"
        })
        expect(reply.status).toBe(201)
        expect(reply.headers.get("location")).toBe(`/organizations/users/${reply.json.id}`)
        expect(reply.json).toMatchObject({
          email: "hedy@example.com",
          roleId: acme.member.id,
          profile: { firstName: "Hedy", lastName: "Lamarr", title: null, status: "ACTIVE" }
        })
        expect((await get(reply.headers.get("location")!, admin)).json).toEqual(reply.json)
      })

      it("adds with a role and as INACTIVE when asked", async () => {
        const reply = await post("/organizations/users", admin, {
          email: `inactive-${randomUuid()}@example.com`,
          roleId: acme.admin.id,
          status: "INACTIVE",
          title: "CTO"
        })
        expect(reply.status).toBe(201)
        expect(reply.json.profile).toMatchObject({ status: "INACTIVE", roleId: acme.admin.id, title: "CTO" })
      })

      it("refuses a bad email, a status it cannot start in, unknown fields and a missing email", async () => {
        expectError(
          await post("/organizations/users", admin, { email: "not-an-email" }),
          400,
          "VALIDATION_FAILED",
          /^email: /
        )
        expectError(
          await post("/organizations/users", admin, { email: "x@example.com", status: "TERMINATED" }),
          400,
          "VALIDATION_FAILED",
          /^status: /
        )
        expectError(
          await post("/organizations/users", admin, { email: "x@example.com", nickname: "hunter2" }),
          400,
          "VALIDATION_FAILED",
          "nickname: is not a recognised field"
        )
        expectError(
          await post("/organizations/users", admin, { firstName: "Nobody" }),
          400,
          "VALIDATION_FAILED",
          "email: is required"
        )
        expectError(await post("/organizations/users", admin, { email: 42 }), 400, "VALIDATION_FAILED", /^email: /)
      })

      it("ALREADY_MEMBER for an email already in the organization, whatever its case", async () => {
        const email = `dup-${randomUuid()}@example.com`
        expect((await post("/organizations/users", admin, { email })).status).toBe(201)
        expectError(await post("/organizations/users", admin, { email: email.toUpperCase() }), 409, "ALREADY_MEMBER")
      })

      it("adding a REMOVED member again starts the membership again", async () => {
        const email = `back-${randomUuid()}@example.com`
        const first = await post("/organizations/users", admin, { email })
        expect(
          (await post(`/organizations/users/${first.json.id}/remove`, admin, { reason: "left" })).json.profile.status
        ).toBe("REMOVED")
        const again = await post("/organizations/users", admin, { email, firstName: "Again" })
        expect(again.status).toBe(201)
        expect(again.json).toMatchObject({ id: first.json.id, profile: { status: "ACTIVE", firstName: "Again" } })
      })

      it("the same email joins a second organization with the same identity", async () => {
        const email = `shared-${randomUuid()}@example.com`
        const globex = await organization()
        const inAcme = await post("/organizations/users", admin, { email })
        const inGlobex = await post("/organizations/users", await globex.token(Permission.all), { email })
        expect(inGlobex.status).toBe(201)
        expect(inGlobex.json.id).toBe(inAcme.json.id)
        expect(inGlobex.json.profile.organizationId).toBe(globex.id)
      })

      it("ROLE_ESCALATION for a role with permissions the token lacks; ROLE_NOT_FOUND for an unknown role", async () => {
        const manager = await acme.token(["can_manage_users"])
        expectError(
          await post("/organizations/users", manager, {
            email: `e-${randomUuid()}@example.com`,
            roleId: acme.admin.id
          }),
          403,
          "ROLE_ESCALATION"
        )
        expectError(
          await post("/organizations/users", admin, { email: `r-${randomUuid()}@example.com`, roleId: randomUuid() }),
          400,
          "ROLE_NOT_FOUND"
        )
      })
    })

    describe("PUT /organizations/users/{userId}/profile", () => {
      it("an absent field stays, null clears it, text is trimmed", async () => {
        const userId = await acme.add({ firstName: "Margaret", lastName: "Hamilton", title: "Engineer" })
        const path = `/organizations/users/${userId}/profile`
        const cleared = await put(path, admin, { title: null })
        expect(cleared.status).toBe(200)
        expect(cleared.json.profile).toMatchObject({ firstName: "Margaret", lastName: "Hamilton", title: null })
        const unchanged = await put(path, admin, {})
        expect(unchanged.json.profile).toMatchObject({ firstName: "Margaret", lastName: "Hamilton", title: null })
        const renamed = await put(path, admin, { firstName: "  Maggie  ", lastName: null })
        expect(renamed.json.profile).toMatchObject({ firstName: "Maggie", lastName: null, title: null })
        expect((await get(`/organizations/users/${userId}`, admin)).json.profile).toMatchObject({
          firstName: "Maggie",
          lastName: null
        })
      })

      it("refuses an empty name, wrong types, overlong text and unknown fields, naming each", async () => {
        const path = `/organizations/users/${await acme.add()}/profile`
        expectError(await put(path, admin, { firstName: "" }), 400, "VALIDATION_FAILED", "firstName: must not be empty")
        expectError(await put(path, admin, { lastName: 7 }), 400, "VALIDATION_FAILED", /^lastName: /)
        expectError(
          await put(path, admin, { title: "x".repeat(201) }),
          400,
          "VALIDATION_FAILED",
          "title: must be at most 200 characters"
        )
        const both = await put(path, admin, { firstName: ["a"], nickname: "Al" })
        expect(both.json.errors.map((e: any) => e.message.split(":")[0]).sort()).toEqual(["firstName", "nickname"])
      })

      it("refuses a body that is not a JSON object, a missing body, malformed JSON and a non-JSON Content-Type", async () => {
        const path = `/organizations/users/${await acme.add()}/profile`
        for (const rawBody of ["[]", '"text"', "null", "42", "true"]) {
          expectError(
            await request("PUT", path, { auth: admin, rawBody }),
            400,
            "VALIDATION_FAILED",
            "body: must be a JSON object"
          )
        }
        expectError(await request("PUT", path, { auth: admin }), 400, "VALIDATION_FAILED", /^body: is required/)
        expectError(
          await request("PUT", path, { auth: admin, rawBody: '{"title": ' }),
          400,
          "VALIDATION_FAILED",
          "body: is not valid JSON"
        )
        expectError(
          await request("PUT", path, {
            auth: admin,
            rawBody: "title=x",
            contentType: "application/x-www-form-urlencoded"
          }),
          400,
          "VALIDATION_FAILED",
          "body: must be JSON"
        )
        expectError(
          await request("PUT", path, { auth: admin, rawBody: '{"title":"x"}', contentType: null }),
          400,
          "VALIDATION_FAILED",
          "body: must be JSON"
        )
        expectError(
          await request("PUT", path, {
            auth: admin,
            rawBody: '{"title":"x"}',
            contentType: "application/json; charset=latin1"
          }),
          400,
          "VALIDATION_FAILED",
          "UTF-8"
        )
        expect(
          (
            await request("PUT", path, {
              auth: admin,
              rawBody: '{"title":"x"}',
              contentType: "application/json; charset=utf-8"
            })
          ).status
        ).toBe(200)
        expect(
          (
            await request("PUT", path, {
              auth: admin,
              rawBody: '{"title":"y"}',
              contentType: "application/merge-patch+json"
            })
          ).status
        ).toBe(200)
      })

      it("413 PAYLOAD_TOO_LARGE for a body over 1 MB", async () => {
        const path = `/organizations/users/${await acme.add()}/profile`
        const reply = await request("PUT", path, {
          auth: admin,
          rawBody: JSON.stringify({ title: "x".repeat(2 * 1024 * 1024) })
        })
        expectError(reply, 413, "PAYLOAD_TOO_LARGE", "1 MB")
        // The connection is still good for the next request.
        expect((await get(`/organizations/users?size=1`, admin)).status).toBe(200)
      })

      it("413 for a body over 1 MB whatever its type", async () => {
        const path = `/organizations/users/${await acme.add()}/profile`
        const reply = await request("PUT", path, {
          auth: admin,
          rawBody: "x".repeat(2 * 1024 * 1024),
          contentType: "text/plain"
        })
        expectError(reply, 413, "PAYLOAD_TOO_LARGE", "1 MB")
      })

      it("refuses bodies nested too deep, not UTF-8, or not decodable as their Content-Encoding (400, never 500)", async () => {
        const userId = await acme.add()
        const path = `/organizations/users/${userId}/profile`
        const deep = `{"title":${"[".repeat(100_000)}${"]".repeat(100_000)}}`
        expectError(
          await request("PUT", path, { auth: admin, rawBody: deep }),
          400,
          "VALIDATION_FAILED",
          "title: is nested more than 32 levels deep"
        )
        const latin1 = Buffer.from('{"title":"caf\xe9"}', "latin1")
        expectError(
          await request("PUT", path, { auth: admin, rawBody: latin1 }),
          400,
          "VALIDATION_FAILED",
          "body: must be UTF-8"
        )
        for (const encoding of ["gzip", "deflate", "br"]) {
          expectError(
            await request("PUT", path, {
              auth: admin,
              rawBody: '{"title":"x"}',
              headers: { "content-encoding": encoding }
            }),
            400,
            "VALIDATION_FAILED",
            `body: could not be decoded as Content-Encoding ${encoding}`
          )
        }
        expect((await get(`/organizations/users/${userId}`, admin)).json.profile.title).toBeNull()
      })

      it("quotes no more than a few hundred characters of a rejected value", async () => {
        const path = `/organizations/users/${await acme.add()}/profile`
        const reply = await put(path, admin, { firstName: Array.from({ length: 5000 }, (_, i) => i) })
        expect(reply.status).toBe(400)
        expect(reply.json.errors[0].message.length).toBeLessThanOrEqual(500)
      })
    })

    describe("PUT /organizations/users/{userId}/role", () => {
      it("changes the role; roleId and profile.roleId agree", async () => {
        const userId = await acme.add()
        const reply = await put(`/organizations/users/${userId}/role`, admin, { roleId: acme.admin.id })
        expect(reply.status).toBe(200)
        expect(reply.json.roleId).toBe(acme.admin.id)
        expect(reply.json.profile.roleId).toBe(acme.admin.id)
      })

      it("refuses a bad roleId (400), an unknown one (400 ROLE_NOT_FOUND) and an escalation (403 ROLE_ESCALATION)", async () => {
        const userId = await acme.add()
        const path = `/organizations/users/${userId}/role`
        expectError(await put(path, admin, { roleId: "Admin" }), 400, "VALIDATION_FAILED", /^roleId: /)
        expectError(await put(path, admin, {}), 400, "VALIDATION_FAILED", "roleId: is required")
        expectError(await put(path, admin, { roleId: randomUuid() }), 400, "ROLE_NOT_FOUND")
        const reply = await put(path, await acme.token(["can_manage_users"]), { roleId: acme.admin.id })
        expectError(reply, 403, "ROLE_ESCALATION", "can_manage_tokens")
      })
    })

    describe("the membership state machine, over HTTP", () => {
      const operationRequest = (operation: Lifecycle.Operation, userId: string, roleId: string) => {
        const user = `/organizations/users/${userId}`
        switch (operation) {
          case "updateProfile":
            return put(`${user}/profile`, admin, { title: "Engineer" })
          case "changeRole":
            return put(`${user}/role`, admin, { roleId })
          case "reinstate":
            return post(`${user}/reinstate`, admin, { roleId })
          case "remove":
            return post(`${user}/remove`, admin, { reason: "left the company" })
          case "resetMfa":
            return post(`${user}/reset-mfa`, admin)
          default:
            return post(`${user}/${operation}`, admin)
        }
      }

      for (const from of MembershipStatus.all) {
        for (const operation of Lifecycle.operations) {
          const to = Lifecycle.table[from][operation]
          it(`${from} --${operation}--> ${to ?? "409 INVALID_STATUS_TRANSITION"}`, async () => {
            const userId = await acme.add()
            await bringTo(acme, userId, from)
            const reply = await operationRequest(operation, userId, acme.member.id)
            if (to === null) {
              expectError(reply, 409, "INVALID_STATUS_TRANSITION", from)
            } else {
              expect(reply.status).toBe(operation === "resetMfa" ? 202 : 200)
              if (operation !== "resetMfa") expect(reply.json.profile.status).toBe(to)
            }
            expect((await get(`/organizations/users/${userId}`, admin)).json.profile.status).toBe(to ?? from)
          })
        }
      }

      it("reset-mfa answers 202 with an empty body and no Content-Type", async () => {
        const reply = await post(`/organizations/users/${await acme.add()}/reset-mfa`, admin)
        expect(reply.status).toBe(202)
        expect(reply.text).toBe("")
        expect(reply.headers.get("content-type")).toBeNull()
      })

      it("an operation that takes no body accepts none or {}, and refuses fields", async () => {
        const a = await acme.add()
        expect((await request("POST", `/organizations/users/${a}/deactivate`, { auth: admin, body: {} })).status).toBe(
          200
        )
        expect(
          (
            await request("POST", `/organizations/users/${a}/activate`, {
              auth: admin,
              contentType: "application/json"
            })
          ).status
        ).toBe(200)
        expectError(
          await request("POST", `/organizations/users/${a}/terminate`, { auth: admin, body: { reason: "x" } }),
          400,
          "VALIDATION_FAILED",
          "reason: is not a recognised field"
        )
        expectError(
          await request("POST", `/organizations/users/${a}/terminate`, {
            auth: admin,
            rawBody: "bye",
            contentType: "text/plain"
          }),
          400,
          "VALIDATION_FAILED",
          /^body: /
        )
        expect((await get(`/organizations/users/${a}`, admin)).json.profile.status).toBe("ACTIVE")
      })

      it("reinstate needs a roleId and may not escalate", async () => {
        const userId = await acme.add()
        await bringTo(acme, userId, "TERMINATED")
        expectError(
          await post(`/organizations/users/${userId}/reinstate`, admin),
          400,
          "VALIDATION_FAILED",
          /^body: is required/
        )
        expectError(
          await post(`/organizations/users/${userId}/reinstate`, admin, {}),
          400,
          "VALIDATION_FAILED",
          "roleId: is required"
        )
        const manager = await acme.token(["can_manage_users"])
        expectError(
          await post(`/organizations/users/${userId}/reinstate`, manager, { roleId: acme.admin.id }),
          403,
          "ROLE_ESCALATION"
        )
        const reply = await post(`/organizations/users/${userId}/reinstate`, manager, { roleId: acme.member.id })
        expect(reply.json.profile).toMatchObject({ status: "ACTIVE", roleId: acme.member.id })
      })

      it("remove needs a reason", async () => {
        const userId = await acme.add()
        expectError(
          await post(`/organizations/users/${userId}/remove`, admin, {}),
          400,
          "VALIDATION_FAILED",
          "reason: is required"
        )
        expectError(
          await post(`/organizations/users/${userId}/remove`, admin, { reason: "  " }),
          400,
          "VALIDATION_FAILED",
          "reason: must not be empty"
        )
      })

      it("forget erases the names, the title and (with no other membership) the email", async () => {
        const email = `forget-${randomUuid()}@example.com`
        const userId = await acme.add({ email, firstName: "Forget", lastName: "Me", title: "Temp" })
        await post(`/organizations/users/${userId}/terminate`, admin)
        const reply = await post(`/organizations/users/${userId}/forget`, admin)
        expect(reply.json.profile).toMatchObject({ status: "FORGOTTEN", firstName: null, lastName: null, title: null })
        expect(reply.json.email).not.toContain("forget-")
        const events = await get(`/organizations/events?userId=${userId}&size=200`, admin)
        expect(JSON.stringify(events.json)).not.toContain(email)
        expect(JSON.stringify(events.json)).not.toContain("Forget")
      })
    })

    describe("LAST_MANAGER", () => {
      it("the last ACTIVE member who can manage users cannot be terminated, deactivated, removed or demoted", async () => {
        const org = await organization()
        const token = await org.token(Permission.all)
        const boss = await org.add({ roleId: org.admin.id })
        const user = `/organizations/users/${boss}`
        expectError(await post(`${user}/terminate`, token), 409, "LAST_MANAGER")
        expectError(await post(`${user}/deactivate`, token), 409, "LAST_MANAGER")
        expectError(await post(`${user}/remove`, token, { reason: "x" }), 409, "LAST_MANAGER")
        expectError(await put(`${user}/role`, token, { roleId: org.member.id }), 409, "LAST_MANAGER")
        expect((await get(user, token)).json.profile).toMatchObject({ status: "ACTIVE", roleId: org.admin.id })
        const second = await post("/organizations/users", token, {
          email: `boss2-${randomUuid()}@example.com`,
          roleId: org.admin.id
        })
        expect(second.status).toBe(201)
        expect((await post(`${user}/terminate`, token)).json.profile.status).toBe("TERMINATED")
        expectError(await post(`/organizations/users/${second.json.id}/terminate`, token), 409, "LAST_MANAGER")
      })
    })

    describe("GET /organizations/roles", () => {
      it("lists the organization's roles with their permissions and the default", async () => {
        const reply = await get("/organizations/roles", admin)
        expect(reply.json).toEqual([
          { id: acme.admin.id, name: "Admin", permissions: [...Permission.all], isDefault: false },
          { id: acme.member.id, name: "Member", permissions: ["can_view_users"], isDefault: true }
        ])
      })
    })

    describe("/organizations/tokens", () => {
      it("creates a token (201), whose secret is shown once and works at once", async () => {
        const created = await post("/organizations/tokens", admin, {
          name: "  ci  ",
          permissions: ["can_view_users", "can_view_users"]
        })
        expect(created.status).toBe(201)
        secrets.add(created.json.token)
        expect(created.json).toMatchObject({
          name: "ci",
          permissions: ["can_view_users"],
          expiresAt: null,
          revokedAt: null,
          lastUsedAt: null
        })
        expect((await get("/organizations/users", created.json.token)).status).toBe(200)
        const listed = (await get("/organizations/tokens", admin)).json.find((t: any) => t.id === created.json.id)
        expect(listed).toBeDefined()
        expect(listed.token).toBeUndefined()
        expect(listed.lastUsedAt).not.toBeNull()
        expect(listed.createdByUserId).toBeNull()
        expect(Object.keys(listed).sort()).toEqual([
          "createdAt",
          "createdByUserId",
          "expiresAt",
          "id",
          "lastUsedAt",
          "name",
          "permissions",
          "revokedAt"
        ])
      })

      it("refuses bad input, naming each field", async () => {
        expectError(
          await post("/organizations/tokens", admin, { name: "", permissions: ["can_view_users"] }),
          400,
          "VALIDATION_FAILED",
          /^name: /
        )
        expectError(
          await post("/organizations/tokens", admin, { name: "x", permissions: [] }),
          400,
          "VALIDATION_FAILED",
          /^permissions/
        )
        expectError(
          await post("/organizations/tokens", admin, { name: "x", permissions: ["can_fly"] }),
          400,
          "VALIDATION_FAILED",
          /^permissions.*can_fly/
        )
        expectError(
          await post("/organizations/tokens", admin, { name: "x" }),
          400,
          "VALIDATION_FAILED",
          "permissions: is required"
        )
        for (const expiresAt of [
          "1",
          "tomorrow",
          "2030-01-01",
          1893456000000,
          "2099-02-30T00:00:00Z",
          "2099-01-01T24:00:00Z",
          "2099-04-31T10:00:00Z"
        ]) {
          expectError(
            await post("/organizations/tokens", admin, { name: "x", permissions: ["can_view_users"], expiresAt }),
            400,
            "VALIDATION_FAILED",
            /^expiresAt: /
          )
        }
        expectError(
          await post("/organizations/tokens", admin, {
            name: "x",
            permissions: ["can_view_users"],
            expiresAt: "2001-01-01T00:00:00Z"
          }),
          400,
          "VALIDATION_FAILED",
          "expiresAt: must be in the future"
        )
      })

      it("takes an expiry, and null for none", async () => {
        const expiring = await post("/organizations/tokens", admin, {
          name: "x",
          permissions: ["can_view_users"],
          expiresAt: "2099-12-31T23:00:00+01:00"
        })
        secrets.add(expiring.json.token)
        expect(expiring.json.expiresAt).toBe("2099-12-31T22:00:00.000Z")
        const forever = await post("/organizations/tokens", admin, {
          name: "x",
          permissions: ["can_view_users"],
          expiresAt: null
        })
        secrets.add(forever.json.token)
        expect(forever.json.expiresAt).toBeNull()
      })

      it("a token cannot mint a more powerful one: ROLE_ESCALATION", async () => {
        const minter = await acme.token(["can_manage_tokens"])
        expectError(
          await post("/organizations/tokens", minter, { name: "x", permissions: ["can_manage_users"] }),
          403,
          "ROLE_ESCALATION"
        )
      })

      it("revokes (200, idempotent); unknown is 404 TOKEN_NOT_FOUND; a bad id is 400 naming tokenId", async () => {
        const created = await post("/organizations/tokens", admin, { name: "doomed", permissions: ["can_view_users"] })
        secrets.add(created.json.token)
        const revoked = await del(`/organizations/tokens/${created.json.id}`, admin)
        expect(revoked.status).toBe(200)
        expect(revoked.json.revokedAt).not.toBeNull()
        const again = await del(`/organizations/tokens/${created.json.id}`, admin)
        expect(again.json.revokedAt).toBe(revoked.json.revokedAt)
        expectError(await get("/organizations/users", created.json.token), 401, "UNAUTHORIZED")
        expectError(await del(`/organizations/tokens/${randomUuid()}`, admin), 404, "TOKEN_NOT_FOUND")
        expectError(await del("/organizations/tokens/nope", admin), 400, "VALIDATION_FAILED", /^tokenId: /)
      })

      it("a token cannot revoke one stronger than itself (ROLE_ESCALATION); the stronger one still works", async () => {
        const strong = await acme.token(Permission.all)
        const weak = await acme.token(["can_manage_tokens"])
        const list = await get("/organizations/tokens", weak)
        const strongId = list.json.find(
          (t: any) => t.permissions.length === Permission.all.length && t.revokedAt === null
        ).id
        expectError(
          await del(`/organizations/tokens/${strongId}`, weak),
          403,
          "ROLE_ESCALATION",
          /^You cannot revoke a token holding permissions you do not: .*can_manage_users/
        )
        expect((await get("/organizations/users?size=1", strong)).status).toBe(200)
        expectError(
          await post("/organizations/tokens", admin, { name: "none", permissions: [] }),
          400,
          "VALIDATION_FAILED",
          "permissions: must list at least one permission"
        )
      })

      it("a token may revoke itself, and is refused from then on", async () => {
        const created = await post("/organizations/tokens", admin, { name: "self", permissions: ["can_manage_tokens"] })
        secrets.add(created.json.token)
        expect((await del(`/organizations/tokens/${created.json.id}`, created.json.token)).status).toBe(200)
        expectError(await get("/organizations/tokens", created.json.token), 401, "UNAUTHORIZED")
      })
    })

    describe("GET /organizations/events", () => {
      it("lists what changed, newest first, filtered by user and type, paged", async () => {
        const org = await organization()
        const token = await org.token(Permission.all)
        const added = await post("/organizations/users", token, { email: `ev-${randomUuid()}@example.com` })
        const userId = added.json.id
        await put(`/organizations/users/${userId}/profile`, token, { title: "Auditor" })
        await post(`/organizations/users/${userId}/terminate`, token)
        await post(`/organizations/users/${userId}/remove`, token, { reason: "contract ended" })
        const all = await get(`/organizations/events?userId=${userId}`, token)
        expect(all.json.content.map((e: any) => e.type)).toEqual([
          "user.removed",
          "user.terminated",
          "user.profile_updated",
          "user.added"
        ])
        expect(all.json.content[0]).toMatchObject({ userId, reason: "contract ended", actor: { type: "token" } })
        const types = await get(
          `/organizations/events?type=user.added&type=user.terminated,user.removed&userId=${userId}`,
          token
        )
        expect(types.json.content.map((e: any) => e.type)).toEqual(["user.removed", "user.terminated", "user.added"])
        const page = await get(`/organizations/events?userId=${userId}&size=3&page=1`, token)
        expect(page.json).toMatchObject({ totalElements: 4, totalPages: 2, size: 3, number: 1 })
        expect(page.json.content).toHaveLength(1)
        const everything = await get("/organizations/events?size=200", token)
        expect(everything.json.content.map((e: any) => e.type)).toContain("organization.created")
        expect(JSON.stringify(everything.json)).not.toMatch(/tot_[0-9A-Za-z]{52}/)
      })

      it("refuses unknown types, bad user ids and unknown parameters", async () => {
        expectError(await get("/organizations/events?type=user.deleted", admin), 400, "VALIDATION_FAILED", /^type: /)
        expectError(await get("/organizations/events?userId=42", admin), 400, "VALIDATION_FAILED", /^userId: /)
        expectError(
          await get("/organizations/events?size=0", admin),
          400,
          "VALIDATION_FAILED",
          "size: must be a whole number from 1 to 200"
        )
        expectError(await get("/organizations/events?actor=me", admin), 400, "VALIDATION_FAILED", /^actor: /)
      })
    })

    describe("fingerprints, logs and secrets", () => {
      it("every error has its own fingerprint, and the log has it", async () => {
        const first = await get("/nowhere")
        const second = await get("/nowhere")
        expect(first.json.fingerprint).not.toBe(second.json.fingerprint)
        expect(logs.some((line) => line.includes(first.json.fingerprint))).toBe(true)
      })

      it("a token pasted into a URL is neither echoed nor logged", async () => {
        const leaked = await acme.token(["can_view_users"])
        const reply = await get(`/organizations/users/${leaked}`, admin)
        expectError(reply, 400, "VALIDATION_FAILED", /^userId: /)
        expect(reply.text).not.toContain(leaked)
        await get(`/nowhere/${leaked}?token=${leaked}`)
      })

      it("no response and no log line ever holds a token secret (but the one that creates it)", () => {
        expect(secrets.size).toBeGreaterThan(10)
        expect(logs.length).toBeGreaterThan(100)
        const leakingLogs = logs.filter(
          (line) => /tot_[0-9A-Za-z]{8,}/.test(line) || [...secrets].some((secret) => line.includes(secret))
        )
        expect(leakingLogs).toEqual([])
        const leakingResponses = responses.filter((response) =>
          [...secrets].some((secret) => secret !== response.mayShow && response.text.includes(secret))
        )
        expect(leakingResponses).toEqual([])
      })
    })
  })
