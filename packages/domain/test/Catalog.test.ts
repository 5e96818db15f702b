/**
 * The catalog is what every surface binds, so it must hold together: one id per operation, each
 * described, each running a use case, and no use case left without an operation to reach it.
 */
import {
  Actor,
  Audit,
  Auth,
  Catalog,
  Credentials,
  Lifecycle,
  Me,
  Operation,
  OrganizationId,
  Organizations,
  Platform,
  PublicUrl,
  SessionId,
  Tokens,
  UserId,
  Users
} from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as TestIdentity from "./TestIdentity.js"

/** Every use-case service, by the name its methods are reported under. */
const services = { Users, Tokens, Audit, Organizations, Auth, Me, Credentials, Platform } as const
type ServiceName = keyof typeof services

/**
 * Use-case methods no operation runs, and why: they establish who calls (every guard's caller) or
 * help an adapter read what people type; they are not operations of their own.
 */
const notOperations: ReadonlyMap<string, string> = new Map([
  ["Tokens.authenticate", "establishes an organization token's caller"],
  ["Auth.authenticate", "establishes a session's caller"],
  ["Auth.actInOrganization", "establishes a member's caller in one organization"],
  ["Organizations.resolve", "finds an organization by the id or name people type (--org)"],
  ["Organizations.resolveRole", "finds a role by the id or name people type (--role)"],
  // One method per transition, derived from `transition`, which the transition operations run.
  ...Lifecycle.operations.map((operation) => [`Users.${operation}`, "derived from Users.transition"] as const)
])

/** A caller that every guard accepts: the operation reads only what its guard established. */
const anyCaller = {
  access: { actor: Actor.operator, organizationId: OrganizationId.make("00000000-0000-4000-8000-000000000001") },
  session: Actor.session({
    sessionId: SessionId.make("00000000-0000-4000-8000-000000000002"),
    userId: UserId.make("00000000-0000-4000-8000-000000000003"),
    isPlatformAdmin: true,
    purpose: "full"
  }),
  actor: Actor.operator,
  client: {}
} as unknown as Operation.Caller<Operation.Guard>

/**
 * The use-case methods an operation calls: it runs against services that record each call and
 * stop there.
 */
const callsOf = (operation: Operation.Any) =>
  Effect.gen(function* () {
    const calls: Array<string> = []
    const recording = (name: ServiceName) =>
      new Proxy(
        {},
        {
          get: (_, method) => () => {
            calls.push(`${name}.${String(method)}`)
            return Effect.die("recorded")
          }
        }
      )
    let context = Context.make(PublicUrl.Base, "https://roster.example")
    for (const name of Object.keys(services) as Array<ServiceName>) {
      context = Context.add(context, services[name] as Context.Tag<any, any>, recording(name))
    }
    yield* Operation.runAny(operation, anyCaller, {}).pipe(Effect.provide(context), Effect.exit)
    return calls
  })

describe("Catalog", () => {
  it("gives each operation its own kebab-case id, and a distinct name in code", () => {
    const ids = Catalog.all.map((operation) => operation.id)
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z0-9]+)+$/, `${id} is not kebab-case verb-noun`)
    assert.deepStrictEqual(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      []
    )
    const names = new Set(ids.map(Operation.camelCase))
    assert.strictEqual(names.size, ids.length)
    assert.strictEqual(Catalog.byId.size, ids.length)
  })

  it("keeps the Users API contract's operation ids", () => {
    for (const id of [
      "list-users",
      "view-user",
      "update-user-profile",
      "update-user-role",
      "terminate-user",
      "reinstate-user",
      "reset-mfa"
    ]) {
      assert.isTrue(Catalog.byId.has(id), id)
    }
  })

  it("describes every operation: a tag and a one-line summary", () => {
    for (const operation of Catalog.all) {
      assert.isNotEmpty(operation.tag, operation.id)
      assert.isNotEmpty(operation.summary.trim(), operation.id)
      assert.notInclude(operation.summary, "\n", operation.id)
    }
  })

  it("asks for a permission only of an organization's callers", () => {
    for (const operation of Catalog.all) {
      if (operation.guard !== "organization") assert.isNull(operation.permission, operation.id)
    }
  })

  it("lists each error once, and none its guard already implies", () => {
    for (const operation of Catalog.all) {
      const implied: ReadonlyArray<string> = Operation.impliedErrors[operation.guard]
      assert.deepStrictEqual(
        operation.errors.filter((tag, index) => operation.errors.indexOf(tag) !== index || implied.includes(tag)),
        [],
        operation.id
      )
    }
  })

  it("records events exactly when it is not a read", () => {
    for (const operation of Catalog.all) {
      assert.strictEqual(operation.readOnly, operation.events.length === 0, operation.id)
    }
  })

  it.effect("runs a use case in every operation", () =>
    Effect.gen(function* () {
      for (const operation of Catalog.all) {
        const calls = yield* callsOf(operation)
        assert.isNotEmpty(calls, `${operation.id} runs no use case`)
      }
    })
  )

  it.effect("reaches every use-case method through an operation", () =>
    Effect.gen(function* () {
      const called = new Set<string>()
      for (const operation of Catalog.all) for (const call of yield* callsOf(operation)) called.add(call)
      const methods: Array<string> = []
      for (const name of Object.keys(services) as Array<ServiceName>) {
        const service: object = yield* services[name] as Context.Tag<any, object>
        methods.push(...Object.keys(service).map((method) => `${name}.${method}`))
      }
      assert.deepStrictEqual(
        methods.filter((method) => !called.has(method) && !notOperations.has(method)),
        [],
        "use-case methods without an operation"
      )
      // An exception that no longer names a method would hide the next one.
      assert.deepStrictEqual(
        [...notOperations.keys()].filter((method) => !methods.includes(method)),
        []
      )
    }).pipe(Effect.provide(TestIdentity.layer))
  )
})
