/**
 * Roster as a library: the use cases over in-memory storage.
 * Run it with `pnpm --filter @roster/domain example`.
 */
import { pathToFileURL } from "node:url"
import { Actor, ErrorCode, InMemory, Member, Organizations, Services, Users } from "@roster/domain"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** Every use case, over ports kept in memory. An application provides `@roster/store` instead. */
export const layer = Services.layer.pipe(Layer.provide(InMemory.layer))

export const program = Effect.gen(function* () {
  const organizations = yield* Organizations
  const users = yield* Users

  // The operator may do anything; an organization comes with an Admin and a (default) Member role.
  const { organization, roles } = yield* organizations.create(Actor.operator, "Acme")
  const admin = roles.find((role) => role.name === "Admin")!
  const acme = { actor: Actor.operator, organizationId: organization.id }

  const ada = yield* users.add(acme, { email: "ada@example.com", firstName: "Ada", roleId: admin.id })
  const grace = yield* users.add(acme, { email: "grace@example.com", firstName: "Grace" })
  yield* users.add(acme, { email: "alan@example.com", firstName: "Alan", status: "INACTIVE" })
  yield* Console.log(
    `${organization.name}: ${ada.user.email} is ${ada.role.name}, ${grace.user.email} is ${grace.role.name}`
  )

  // Every change goes through the membership state machine.
  yield* users.deactivate(acme, grace.user.id)
  yield* users.activate(acme, grace.user.id)
  const terminated = yield* users.terminate(acme, grace.user.id)
  yield* Console.log(`${grace.user.email}: ACTIVE → INACTIVE → ACTIVE → ${terminated.membership.status}`)

  // Refusals are typed errors: handle the ones you expect by their tag.
  yield* users
    .terminate(acme, ada.user.id)
    .pipe(
      Effect.catchTag("LastManager", (error) =>
        Console.log(`Refused (${ErrorCode.codeOf(error)}): ${ada.user.email} is the last active manager`)
      )
    )
  yield* users
    .activate(acme, grace.user.id)
    .pipe(
      Effect.catchTag("InvalidTransition", (error) =>
        Console.log(`Refused (${ErrorCode.codeOf(error)}): ${error.message}`)
      )
    )

  const page = yield* users.list(acme, { page: 0, size: 2 })
  yield* Console.log(`Page 1 of ${Member.totalPages(page)} (${page.total} members):`)
  for (const { user, role, membership } of page.items) {
    yield* Console.log(`  ${user.email} ${role.name} ${membership.status}`)
  }
})

// Run when executed directly, not when imported (as the tests do).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  Effect.runPromise(program.pipe(Effect.provide(layer))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}
