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
import { layer as layerTests } from "@effect/vitest"
import type * as Layer from "effect/Layer"
import type { EventLog, It, Ports } from "./Contract.js"
import * as EventContract from "./EventContract.js"
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
  TransactorContract.tests
]

/** What identities, signing in and platform administration store. */
const identityParts: ReadonlyArray<(it: It) => void> = [
  SignInContract.tests,
  UserContract.identityTests,
  MemberContract.identityTests,
  EventContract.identityTests,
  TransactorContract.identityTests
]

/**
 * Registers the contract's tests, as two `describe` blocks named after `name`, each on a storage
 * of its own built from `layer` (a layer is built afresh for each). The layer provides every port
 * and an `EventLog` over the same storage. The tests run on the live clock: the suite sleeps to
 * let concurrent transactions overlap, and checks that they queued.
 *
 * @example
 * // my-store.test.ts; PortsContract comes from @roster/domain/testing
 * PortsContract.suite("my store", MyStore.layer.pipe(Layer.provideMerge(MyStore.eventLog)))
 */
export const suite = (name: string, layer: Layer.Layer<Ports | EventLog, unknown>): void => {
  const part = (title: string, parts: ReadonlyArray<(it: It) => void>) =>
    layerTests(layer, { excludeTestServices: true, timeout: "2 minutes" })(title, (it) => {
      for (const register of parts) register(it)
    })
  part(`ports contract (${name})`, organizationParts)
  part(`identity ports contract (${name})`, identityParts)
}
