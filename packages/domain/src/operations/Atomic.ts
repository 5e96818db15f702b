/**
 * One transaction for several operations, for an adapter that serves one request of another API
 * with more than one of Roster's operations (a compatible surface's "update the role and the
 * state"): every write of theirs, or none. The operations nest in it and take their own locks and
 * checks as always; this adds no rule, and no lock, of its own.
 */
import * as Effect from "effect/Effect"
import type { OrganizationId } from "../kernel/Ids.js"
import { Transactor } from "../ports/Ports.js"

export class Atomic extends Effect.Service<Atomic>()("@roster/domain/Atomic", {
  effect: Effect.map(Transactor, ({ transaction }) => ({
    /** Runs `effect`, operations of one organization, in one transaction. */
    inOrganization:
      (_organizationId: OrganizationId) =>
      <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
        transaction(null)(effect)
  }))
}) {}
