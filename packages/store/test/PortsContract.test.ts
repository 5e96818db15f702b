import * as SqlClient from "@effect/sql/SqlClient"
import type { DomainEvent } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { PortsContract } from "@roster/domain/testing"
import * as TestDatabase from "./TestDatabase.js"

/** Reads events straight from the table, as `SqlStore` maps them. */
const sqlEventLog = Layer.effect(
  PortsContract.EventLog,
  Effect.map(SqlClient.SqlClient, (sql) => ({
    byIds: (ids) =>
      sql`SELECT * FROM events WHERE id = ANY(${[...ids]}::uuid[])`.pipe(
        Effect.map((rows) =>
          rows.map(
            (row): DomainEvent.DomainEvent => ({
              id: row.id as never,
              organizationId: row.organizationId as never,
              userId: row.userId as never,
              actor: row.actor as never,
              type: row.type as never,
              before: row.before as never,
              after: row.after as never,
              reason: row.reason as never,
              at: row.at as never
            })
          )
        ),
        Effect.orDie
      )
  }))
)

// The store's ports on each driver, with the events table read back as the `EventLog`.
for (const driver of TestDatabase.drivers()) {
  PortsContract.suite(driver.name, sqlEventLog.pipe(Layer.provideMerge(TestDatabase.ports(driver.layer()))))
}
