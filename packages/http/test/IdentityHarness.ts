/**
 * What the identity suites share: the real app over real HTTP on a given storage, with real (cheap)
 * crypto and a clock the tests can move (the server reads time only through Effect's Clock), plus
 * fixtures built through the use cases: organizations, tokens, members with passwords, platform admins.
 *
 * Every response is checked on the way: errors against the contract's `ErrorResponse`, successes
 * against the domain's response schemas, exactly (no missing and no extra field). Every secret the
 * tests see is collected, and `secretsLeaked` says where one was echoed or logged.
 */
import type { Access, InMemory, Permission as PermissionType, Role, UserInput } from "@roster/domain"
import {
  Actor,
  DomainEvent,
  IdentityResponse,
  Organizations,
  Permission,
  Platform,
  Services,
  Tokens,
  Users,
  randomUuid
} from "@roster/domain"
import * as TestCrypto from "@roster/crypto/test"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import { TOTP } from "otpauth"
import { afterAll, beforeAll, expect } from "vitest"
import { App, type Route, Server } from "../src/index.js"
import * as ContractSchemas from "./ContractSchemas.js"
import * as DocumentSchemas from "./DocumentSchemas.js"
import * as HttpClient from "./HttpClient.js"

export type PortsLayer = Layer.Layer<InMemory.Ports, unknown>

export const publicUrl = "https://app.example.test"

export type Reply = HttpClient.Reply

export type RequestOptions = HttpClient.RequestOptions

/** A clock that runs with real time, shifted by an offset the tests set. */
const shiftableClock = () => {
  const base = Clock.make()
  let offsetMs = 0
  const millis = () => base.unsafeCurrentTimeMillis() + offsetMs
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: millis,
    currentTimeMillis: Effect.sync(millis),
    unsafeCurrentTimeNanos: () => BigInt(millis()) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(millis()) * 1_000_000n),
    sleep: (duration) => base.sleep(duration)
  }
  return {
    clock,
    /** The server's time from now on is `date` (then runs on from there). */
    setTime: (date: Date) => {
      offsetMs = date.getTime() - base.unsafeCurrentTimeMillis()
    },
    /** Moves the server's time forward (or back) by `ms`. */
    advance: (ms: number) => {
      offsetMs += ms
    },
    /** Back to real time. */
    reset: () => {
      offsetMs = 0
    },
    now: () => new Date(millis())
  }
}

/** The schema a success of an identity route must match exactly; `empty` for 204; `null` for routes checked elsewhere. */
const successSchema = (method: string, pathname: string): Schema.Schema<any, any> | "empty" | "link" | null => {
  if (pathname === "/auth/login" || pathname === "/auth/magic-link") return IdentityResponse.LoginResponse
  if (pathname === "/auth/logout" || pathname === "/auth/verify-email") return "empty"
  if (pathname === "/me" || pathname === "/me/profile") return IdentityResponse.MeResponse
  if (pathname === "/me/organizations") return Schema.Array(IdentityResponse.MyOrganizationResponse)
  if (pathname === "/me/sessions") return Schema.Array(IdentityResponse.SessionResponse)
  if (pathname.startsWith("/me/sessions/")) return "empty"
  if (pathname === "/me/mfa/totp") return IdentityResponse.TotpEnrolmentResponse
  if (pathname === "/me/password" || pathname.startsWith("/me/mfa/")) return "empty"
  if (pathname === "/admin/users")
    return method === "GET" ? IdentityResponse.AccountPageResponse : IdentityResponse.AccountResponse
  if (/^\/admin\/users\/[^/]+$/.test(pathname)) return method === "DELETE" ? "empty" : IdentityResponse.AccountResponse
  if (/^\/admin\/users\/[^/]+\/[a-z-]+$/.test(pathname)) return IdentityResponse.AccountResponse
  if (pathname === "/admin/events") return PlatformEventPage
  if (/^\/organizations\/users\/[^/]+\/reset-password$/.test(pathname)) return "empty"
  if (/^\/organizations\/users\/[^/]+\/(magic-link|email-verification)$/.test(pathname)) return "link"
  return null
}

const PlatformEventPage = Schema.Struct({
  content: Schema.Array(
    Schema.Struct({
      id: Schema.UUID,
      organizationId: Schema.NullOr(Schema.UUID),
      type: DomainEvent.EventType,
      userId: Schema.NullOr(Schema.UUID),
      actor: Schema.Struct({ type: Schema.String, id: Schema.NullOr(Schema.String) }),
      before: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
      after: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
      reason: Schema.NullOr(Schema.String),
      at: Schema.String
    })
  ),
  totalElements: Schema.Int,
  totalPages: Schema.Int,
  size: Schema.Int,
  number: Schema.Int,
  next: Schema.NullOr(Schema.String)
})

export interface Organization {
  readonly id: string
  readonly name: string
  readonly admin: Role.Role
  readonly member: Role.Role
  readonly operator: Access
  /** A new token of this organization holding exactly `permissions`; returns its secret. */
  readonly token: (permissions?: ReadonlyArray<PermissionType.Permission>) => Promise<string>
  /** A member added by the operator (ACTIVE, the Member role unless `roleId` says otherwise). */
  readonly add: (input?: Partial<UserInput.AddUser>) => Promise<{ readonly id: string; readonly email: string }>
}

export interface Harness {
  readonly url: () => string
  readonly request: (method: string, path: string, options?: RequestOptions) => Promise<Reply>
  /** Runs a use case on the server's own runtime (as the operator would, through the CLI). */
  readonly run: <A, E>(effect: Effect.Effect<A, E, Route.UseCases | InMemory.Ports>) => Promise<A>
  readonly clock: ReturnType<typeof shiftableClock>
  readonly organization: () => Promise<Organization>
  /** A platform admin made as `roster admins create` does; returns its credentials. */
  readonly platformAdmin: () => Promise<{ readonly id: string; readonly email: string; readonly password: string }>
  /** Signs in; expects success and returns `Bearer ses_…` and the body. */
  readonly signIn: (
    email: string,
    password: string,
    code?: string
  ) => Promise<{ readonly auth: string; readonly body: any }>
  /** Enrols and enables TOTP for a signed-in user: the secret and the recovery codes (shown once). */
  readonly enableTotp: (
    auth: string
  ) => Promise<{ readonly secret: string; readonly recoveryCodes: ReadonlyArray<string> }>
  /** The current TOTP code for a base32 secret at the server's time (or `at`). */
  readonly totp: (secret: string, at?: Date) => string
  /** Fails the test unless the reply is this error. */
  readonly expectError: (reply: Reply, status: number, code: string, messagePart?: string | RegExp) => void
  /** Remembers a secret that must never appear in a log line, or in a response but the one that hands it out. */
  readonly secret: (value: string) => void
  readonly logs: ReadonlyArray<string>
  /** Log lines and responses holding a secret they should not. */
  readonly secretsLeaked: () => { readonly logs: ReadonlyArray<string>; readonly responses: ReadonlyArray<string> }
}

export const uniqueEmail = (label = "user") => `${label}-${randomUuid()}@example.com`

export const password = (label = "pw") => `${label}-${randomUuid().slice(0, 18)}`

/** Registers `beforeAll`/`afterAll` that start and stop the app; call inside a `describe`. */
export const setup = (makePortsLayer: () => PortsLayer): Harness => {
  let runtime: ManagedRuntime.ManagedRuntime<Route.UseCases | InMemory.Ports, unknown>
  let server: Server.Handle
  const clock = shiftableClock()
  const validator = ContractSchemas.make()
  const documented = DocumentSchemas.make()
  const logs: Array<string> = []
  const responses: Array<{ readonly text: string; readonly shows: ReadonlyArray<string> }> = []
  const secrets = new Set<string>()

  beforeAll(async () => {
    runtime = ManagedRuntime.make(
      Services.fullLayer.pipe(
        Layer.provide(TestCrypto.layer),
        // The ports stay visible too: a test may hold a lock as a concurrent change would.
        Layer.provideMerge(makePortsLayer()),
        Layer.provideMerge(Layer.setClock(clock.clock))
      )
    )
    // Build the storage now (PGlite's start and the migrations take seconds on a busy machine): lazily,
    // the first test would pay for it inside its own timeout.
    await runtime.runtime()
    server = await Server.listen(
      App.make(runtime, {
        logger: (entry) => logs.push(JSON.stringify(entry)),
        publicUrl,
        // The suites sign in hundreds of times from one address; the limit has its own test.
        signInRateLimit: false
      }),
      {
        port: 0,
        host: "127.0.0.1"
      }
    )
  })

  afterAll(async () => {
    await server?.close()
    await runtime?.dispose()
  })

  const run = <A, E>(effect: Effect.Effect<A, E, Route.UseCases | InMemory.Ports>): Promise<A> =>
    runtime.runPromise(effect)

  const check = (method: string, pathname: string, { status, headers, text, json }: Reply) => {
    // No body to check: HEAD never has one, OPTIONS only lists methods.
    if (method === "HEAD" || method === "OPTIONS") return
    // Every answer, error or not, is the one the OpenAPI document promises.
    if (status !== 404 && status !== 405) documented.assert(method, pathname, status, json)
    if (status >= 400) {
      expect(headers.get("content-type")).toBe("application/json")
      validator.assert("ErrorResponse", json)
      return
    }
    const schema = successSchema(method, pathname)
    if (schema === null) return
    if (schema === "empty") {
      expect(text).toBe("")
      return
    }
    expect(headers.get("content-type")).toBe("application/json;charset=UTF-8")
    Schema.decodeUnknownSync(schema === "link" ? IdentityResponse.IssuedLinkResponse : schema, {
      onExcessProperty: "error"
    })(json)
  }

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<Reply> => {
    const reply = await HttpClient.send(server.url, method, path, options)
    // A response may show the secrets it hands out: a session, an enrolment, a link.
    const json = reply.json
    const shows = [json?.token, json?.secret, json?.url, ...(json?.recoveryCodes ?? [])].filter(
      (value): value is string => typeof value === "string"
    )
    for (const value of shows) secrets.add(value.includes("#token=") ? value.split("#token=")[1]! : value)
    responses.push({ text: reply.raw, shows })
    check(method, new URL(server.url + path).pathname, reply)
    return reply
  }

  const expectError = HttpClient.expectError

  const organization = async (): Promise<Organization> => {
    const name = `Org ${randomUuid()}`
    const { organization, roles } = await run(
      Effect.flatMap(Organizations, (service) => service.create(Actor.operator, name))
    )
    const operator: Access = { actor: Actor.operator, organizationId: organization.id }
    return {
      id: organization.id,
      name,
      admin: roles.find((role) => role.name === "Admin")!,
      member: roles.find((role) => role.name === "Member")!,
      operator,
      token: async (permissions = Permission.all) => {
        const { secret } = await run(
          Effect.flatMap(Tokens, (service) =>
            service.create(operator, { name: "test", permissions: [...permissions] as any })
          )
        )
        secrets.add(secret)
        return secret
      },
      add: async (input = {}) => {
        const email = input.email ?? uniqueEmail()
        const member = await run(
          Effect.flatMap(Users, (service) => service.add(operator, { ...input, email } as UserInput.AddUser))
        )
        if (input.password !== undefined) secrets.add(input.password)
        return { id: member.user.id, email }
      }
    }
  }

  const platformAdmin = async () => {
    const email = uniqueEmail("admin")
    const secretPassword = password("admin")
    secrets.add(secretPassword)
    const created = await run(
      Effect.flatMap(Platform, (platform) =>
        platform.bootstrapAdmin(Actor.operator, { email: email as any, password: secretPassword as any })
      )
    )
    return { id: created.user.id as string, email, password: secretPassword }
  }

  const signIn = async (email: string, secretPassword: string, code?: string) => {
    const reply = await request("POST", "/auth/login", {
      body: { email, password: secretPassword, ...(code === undefined ? {} : { code }) }
    })
    expect(reply.status, JSON.stringify(reply.json)).toBe(200)
    return { auth: `Bearer ${reply.json.token}`, body: reply.json }
  }

  const totp = (secret: string, at?: Date) =>
    new TOTP({ secret, algorithm: "SHA1", digits: 6, period: 30 }).generate({
      timestamp: (at ?? clock.now()).getTime()
    })

  const enableTotp = async (auth: string) => {
    const enrolment = await request("POST", "/me/mfa/totp", { auth })
    expect(enrolment.status).toBe(201)
    const enabled = await request("POST", "/me/mfa/totp/enable", { auth, body: { code: totp(enrolment.json.secret) } })
    expect(enabled.status).toBe(204)
    return { secret: enrolment.json.secret as string, recoveryCodes: enrolment.json.recoveryCodes as Array<string> }
  }

  const secretsLeaked = () => {
    const all = [...secrets]
    return {
      logs: logs.filter(
        (line) => /(tot|ses|mlt|evt)_[0-9A-Za-z]{8,}/.test(line) || all.some((value) => line.includes(value))
      ),
      responses: responses
        .filter((response) =>
          all.some((value) => response.text.includes(value) && !response.shows.some((shown) => shown.includes(value)))
        )
        .map((response) => response.text)
    }
  }

  return {
    url: () => server.url,
    request,
    run,
    clock,
    organization,
    platformAdmin,
    signIn,
    enableTotp,
    totp,
    expectError,
    secret: (value) => {
      secrets.add(value)
    },
    logs,
    secretsLeaked
  }
}
