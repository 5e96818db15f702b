import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { InMemory } from "@roster/domain"
import { IdentityPortsContract, PortsContract } from "@roster/domain/testing"

PortsContract.suite("in memory", () => InMemory.layer)

// `InMemory.layer`, built as it builds it, with its event inspection exposed as the `EventLog`.
IdentityPortsContract.suite("in memory", () =>
  Layer.effectContext(
    Effect.map(InMemory.make, (ports) =>
      InMemory.context(ports).pipe(
        Context.add(IdentityPortsContract.EventLog, {
          byIds: (ids) => Effect.map(ports.allEvents, (events) => events.filter((e) => ids.includes(e.id)))
        })
      )
    )
  )
)
