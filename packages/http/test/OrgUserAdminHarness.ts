/**
 * What the org-user-admin suite's parts share: the real app over real HTTP on a given storage, with
 * cheap real crypto, fixtures made through the use cases (organizations, tokens, members with
 * passwords), sign-in over Roster's own API, and every answer checked on the way — the surface's
 * against its document (`OrgUserAdminSchemas`), Roster's own routes against Roster's. One search
 * text makes the storage fail (`failingSearch`), so that a 500 can be provoked without a bug.
 */
import type { Access, InMemory, MembershipStatus, Permission as PermissionType, Role, UserInput } from "@roster/domain"
import { Actor, MemberRepository, Organizations, Permission, Services, Tokens, Users, randomUuid } from "@roster/domain"
import * as TestCrypto from "@roster/crypto/test"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, expect } from "vitest"
import { App, type Route, Server } from "../src/index.js"
import * as DocumentSchemas from "./DocumentSchemas.js"
import * as HttpClient from "./HttpClient.js"
import * as OrgUserAdminSchemas from "./OrgUserAdminSchemas.js"

export type PortsLayer = Layer.Layer<InMemory.Ports, unknown>

export type Reply = HttpClient.Reply

export const publicUrl = "https://app.example.test"

/** A list searched for this text fails in storage, as a lost database would (a defect: 500). */
export const failingSearch = "storage-fails-here"

/** The ports, except that a member search for `failingSearch` dies. */
const failingOnSearch = (ports: PortsLayer): PortsLayer =>
  Layer.effectContext(
    Effect.map(Effect.context<InMemory.Ports>(), (context) => {
      const members = Context.get(context, MemberRepository)
      return Context.add(context, MemberRepository, {
        ...members,
        page: (organizationId, query) =>
          query.email === failingSearch
            ? Effect.dieMessage("the database went away")
            : members.page(organizationId, query)
      })
    })
  ).pipe(Layer.provide(ports))

export interface Organization {
  readonly id: string
  readonly admin: Role.Role
  readonly member: Role.Role
  readonly operator: Access
  /** A new token of this organization (every permission unless told); returns `Bearer tot_…`. */
  readonly token: (permissions?: ReadonlyArray<PermissionType.Permission>) => Promise<string>
  /** A member added by the operator (ACTIVE, the Member role unless told otherwise). */
  readonly add: (input?: Partial<UserInput.AddUser>) => Promise<{ readonly id: string; readonly email: string }>
}

export interface Harness {
  readonly request: (method: string, path: string, options?: HttpClient.RequestOptions) => Promise<Reply>
  readonly get: (path: string, auth?: string) => Promise<Reply>
  readonly post: (path: string, auth: string | undefined, body?: unknown) => Promise<Reply>
  readonly organization: () => Promise<Organization>
  /** The operator moves a member into `status` through the use cases. */
  readonly bringTo: (org: Organization, userId: string, status: MembershipStatus.MembershipStatus) => Promise<void>
  /** Signs in over Roster's API; expects success and returns `Bearer ses_…` and the body. */
  readonly signIn: (email: string, password: string) => Promise<{ readonly auth: string; readonly body: any }>
  /** Runs an effect on the server's runtime, its ports included. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, Route.UseCases | InMemory.Ports>) => Promise<A>
  /** The member's status in the organization, read through the use cases. */
  readonly statusOf: (org: Organization, userId: string) => Promise<MembershipStatus.MembershipStatus>
  /** The organization's events about a user, oldest first, as Roster's own API lists them. */
  readonly events: (org: Organization, userId: string) => Promise<ReadonlyArray<any>>
  /** Fails unless the reply is the surface's error with this status, Roster code and `error_code`. */
  readonly expectError: (reply: Reply, status: number, code: string, errorCode: number, messagePart?: RegExp) => void
  readonly logs: ReadonlyArray<string>
}

export const uniqueEmail = (label = "user") => `${label}-${randomUuid()}@example.com`

export const password = (label = "pw") => `${label}-${randomUuid().slice(0, 18)}`

/** Registers `beforeAll`/`afterAll` that start and stop the app; call inside a `describe`. */
export const setup = (makePortsLayer: () => PortsLayer): Harness => {
  let runtime: ManagedRuntime.ManagedRuntime<Route.UseCases | InMemory.Ports, unknown>
  let server: Server.Handle
  const surface = OrgUserAdminSchemas.make()
  const roster = DocumentSchemas.make()
  const logs: Array<string> = []

  beforeAll(async () => {
    runtime = ManagedRuntime.make(
      Services.fullLayer.pipe(Layer.provide(TestCrypto.layer), Layer.provideMerge(failingOnSearch(makePortsLayer())))
    )
    await runtime.runtime()
    server = await Server.listen(
      App.make(runtime, { logger: (entry) => logs.push(JSON.stringify(entry)), publicUrl, signInRateLimit: false }),
      { port: 0, host: "127.0.0.1" }
    )
  })

  afterAll(async () => {
    await server?.close()
    await runtime?.dispose()
  })

  const run = <A, E>(effect: Effect.Effect<A, E, Route.UseCases | InMemory.Ports>): Promise<A> =>
    runtime.runPromise(effect)

  const request = async (method: string, path: string, options: HttpClient.RequestOptions = {}) => {
    const reply = await HttpClient.send(server.url, method, path, options)
    const pathname = new URL(server.url + path).pathname
    if (pathname.startsWith("/v1/org/")) surface.assert(method, pathname, reply)
    else if (pathname.startsWith("/organizations/") || pathname.startsWith("/auth/")) {
      if (reply.status !== 404 && reply.status !== 405) roster.assert(method, pathname, reply.status, reply.json)
    }
    return reply
  }
  const get = (path: string, auth?: string) => request("GET", path, auth === undefined ? {} : { auth })
  const post = (path: string, auth: string | undefined, body?: unknown) =>
    request("POST", path, { ...(auth === undefined ? {} : { auth }), ...(body === undefined ? {} : { body }) })

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
      token: async (permissions = Permission.all) => {
        const { secret } = await run(
          Effect.flatMap(Tokens, (service) =>
            service.create(operator, { name: "test", permissions: [...permissions] as any })
          )
        )
        return `Bearer ${secret}`
      },
      add: async (input = {}) => {
        const email = input.email ?? uniqueEmail()
        const member = await run(
          Effect.flatMap(Users, (service) => service.add(operator, { ...input, email } as UserInput.AddUser))
        )
        return { id: member.user.id, email }
      }
    }
  }

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

  const statusOf = (org: Organization, userId: string) =>
    run(Effect.flatMap(Users, (users) => users.get(org.operator, userId as any))).then(
      (member) => member.membership.status
    )

  const signIn = async (email: string, secret: string) => {
    const reply = await request("POST", "/auth/login", { body: { email, password: secret } })
    expect(reply.status, JSON.stringify(reply.json)).toBe(200)
    return { auth: `Bearer ${reply.json.token}`, body: reply.json }
  }

  const events = async (org: Organization, userId: string) => {
    const reply = await get(`/organizations/events?userId=${userId}&size=200`, await org.token(["can_view_audit"]))
    expect(reply.status).toBe(200)
    return [...reply.json.content].reverse()
  }

  const expectError = (reply: Reply, status: number, code: string, errorCode: number, messagePart?: RegExp) => {
    expect(
      { status: reply.status, error_code: reply.json?.error_code, code: reply.json?.payload?.code },
      JSON.stringify(reply.json)
    ).toEqual({ status, error_code: errorCode, code })
    if (messagePart !== undefined) expect(reply.json.error_description).toMatch(messagePart)
  }

  return { request, get, post, organization, bringTo, signIn, run, statusOf, events, expectError, logs }
}
