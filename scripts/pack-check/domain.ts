/**
 * A consumer of @roster/domain as the registry would serve it: pack-check installs the packed tarball
 * in an empty project and compiles this file with the strictest settings a consumer may use
 * (`exactOptionalPropertyTypes`, `skipLibCheck: false`), then runs it. The package's own
 * examples/*.ts are compiled and run the same way.
 */
import { Actor, InMemory, Lifecycle, Organizations, Policy, Services, Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"

const check = (condition: boolean, what: string) => {
  if (!condition) throw new Error(`pack-check: ${what}`)
}

// The state machine is plain data and one pure function.
check(Either.getOrNull(Lifecycle.transition("ACTIVE", "deactivate")) === "INACTIVE", "ACTIVE → deactivate → INACTIVE")
check(Either.isLeft(Lifecycle.transition("FORGOTTEN", "activate")), "FORGOTTEN cannot be activated")
check(Lifecycle.allows("INACTIVE", "activate"), "INACTIVE may be activated")

// The rules: the operator may do anything.
check(Policy.allows(Actor.operator, "can_manage_users"), "the operator may manage users")

// The use cases over the in-memory ports.
const program = Effect.gen(function* () {
  const { organization } = yield* (yield* Organizations).create(Actor.operator, "Acme")
  const access = { actor: Actor.operator, organizationId: organization.id }
  const users = yield* Users
  const ada = yield* users.add(access, { email: "ada@example.com", firstName: "Ada" })
  const grace = yield* users.add(access, { email: "grace@example.com", firstName: "Grace", status: "INACTIVE" })
  const terminated = yield* users.terminate(access, grace.user.id)
  const page = yield* users.list(access, { page: 0, size: 10 })
  return { ada: ada.membership.status, grace: terminated.membership.status, total: page.total }
})

const result = await Effect.runPromise(program.pipe(Effect.provide(Services.layer.pipe(Layer.provide(InMemory.layer)))))
check(result.ada === "ACTIVE" && result.grace === "TERMINATED" && result.total === 2, JSON.stringify(result))
console.log(`@roster/domain works as installed: ${JSON.stringify(result)}`)
