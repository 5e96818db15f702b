/** What every part of the ports' contract shares: the ports it covers, and how it reads events back. */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { DomainEvent, EventId, Ports } from "../index.js"

/** Every storage port of the domain: what an implementation provides, and the contract covers. */
export type { Ports }

/**
 * Not a port: reads stored events by id, in any organization or none. `EventRepository.page` needs an
 * organization, so the erasure of organization-less events can be seen only through this.
 */
export class EventLog extends Context.Tag("@roster/domain/testing/EventLog")<
  EventLog,
  { readonly byIds: (ids: ReadonlyArray<EventId>) => Effect.Effect<ReadonlyArray<DomainEvent.DomainEvent>> }
>() {}

/**
 * How each part of the contract adds its tests: `it.effect(name, () => effect)`, the effect run over
 * the suite's storage, on the live clock (no `TestClock`: transactions really wait for each other).
 */
export interface It {
  readonly effect: (name: string, self: () => Effect.Effect<unknown, unknown, Ports | EventLog>) => void
}
