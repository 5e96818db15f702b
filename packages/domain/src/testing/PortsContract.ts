/**
 * The storage ports' contract: what every implementation of the domain's ports must do, asserted
 * on the ports themselves (not through the use cases). Written once, run on every implementation:
 * the in-memory ports (the domain's tests), PGlite and PostgreSQL (`@roster/store`'s), and yours.
 *
 * One storage serves a whole part of the suite, so every test makes its own organizations, users and
 * tokens (random ids, unique names and emails) and looks only at those: no test sees another's data.
 * Where a port answers for the whole storage (`UserRepository.page`, `countPlatformAdmins`), a test
 * narrows with a unique `q` or counts a difference. Dates carry milliseconds everywhere, so every
 * round trip shows they survive to the millisecond.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, describe, it as test } from "vitest"
import type { EventLog, It, Ports } from "./Contract.js"
import * as EventContract from "./EventContract.js"
import * as ListContract from "./ListContract.js"
import * as MemberContract from "./MemberContract.js"
import * as OrganizationContract from "./OrganizationContract.js"
import * as SignInContract from "./SignInContract.js"
import * as TokenContract from "./TokenContract.js"
import * as TransactorContract from "./TransactorContract.js"
import * as UserContract from "./UserContract.js"

export { EventLog, type Ports } from "./Contract.js"

/** What organizations and their members store. */
const organizationParts: ReadonlyArray<(it: It) => void> = [
  OrganizationContract.tests,
  UserContract.tests,
  MemberContract.tests,
  TokenContract.tests,
  EventContract.tests,
  ListContract.tests,
  TransactorContract.tests
]

/** What identities, signing in and platform administration store. */
const identityParts: ReadonlyArray<(it: It) => void> = [
  SignInContract.tests,
  UserContract.identityTests,
  MemberContract.identityTests,
  EventContract.identityTests,
  ListContract.identityTests,
  TransactorContract.identityTests
]

/**
 * Registers the contract's tests, as two `describe` blocks named after `name`, each on a storage
 * of its own built from `layer` (before its first test; closed after its last). The layer provides
 * every port and an `EventLog` over the same storage. The tests run on the live clock: the suite
 * sleeps to let concurrent transactions overlap, and checks that they queued.
 *
 * @example
 * // my-store.test.ts; PortsContract comes from @roster/domain/testing
 * PortsContract.suite("my store", MyStore.layer.pipe(Layer.provideMerge(MyStore.eventLog)))
 */
export const suite = (name: string, layer: Layer.Layer<Ports | EventLog, unknown>): void => {
  part(`ports contract (${name})`, layer, organizationParts)
  part(`identity ports contract (${name})`, layer, identityParts)
}

/** Building or closing a storage may take a while: a new database, a cluster copied, a server far away. */
const hookTimeout = 120_000

// Not `@effect/vitest`'s `layer(…)`: it rebinds the shared `it.effect` to its own layer, which then
// leaks into every test file that runs after it in the same worker (vitest's `isolate: false`).
const part = (title: string, layer: Layer.Layer<Ports | EventLog, unknown>, parts: ReadonlyArray<(it: It) => void>) =>
  describe(title, () => {
    const runtime = ManagedRuntime.make(layer)
    beforeAll(async () => {
      await runtime.runtime()
    }, hookTimeout)
    afterAll(() => runtime.dispose(), hookTimeout)
    const it: It = {
      effect: (name, self) =>
        test(name, async ({ signal }) => {
          const exit = await runtime.runPromiseExit(Effect.suspend(self), { signal })
          // The first error as it was raised (an assertion keeps its diff), as `@effect/vitest` reports it.
          if (Exit.isFailure(exit)) throw Cause.prettyErrors(exit.cause)[0] ?? new Error(Cause.pretty(exit.cause))
        })
    }
    for (const register of parts) register(it)
  })
