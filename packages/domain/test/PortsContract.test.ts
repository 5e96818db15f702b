import { InMemory } from "@roster/domain"
import { PortsContract } from "@roster/domain/testing"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

// `InMemory.layer`, built as it builds it, with its event inspection exposed as the `EventLog`.
PortsContract.suite(
  "in memory",
  Layer.effectContext(
    Effect.map(InMemory.make, (ports) =>
      InMemory.context(ports).pipe(
        Context.add(PortsContract.EventLog, {
          byIds: (ids) => Effect.map(ports.allEvents, (events) => events.filter((e) => ids.includes(e.id)))
        })
      )
    )
  )
)
