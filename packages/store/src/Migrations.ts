/**
 * Roster's schema migrations: versioned, forward-only, run at start-up by `Migrator` (one
 * transaction under an advisory lock, so several servers can start against one database at once).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type { MigrationFailed } from "./MigrationError.js"
import * as Migrator from "./Migrator.js"
import * as schema0001 from "./migrations/schema_0001.js"
import * as schema0002 from "./migrations/schema_0002.js"
import * as schema0003 from "./migrations/schema_0003.js"
import * as schema0004 from "./migrations/schema_0004.js"
import * as schema0005 from "./migrations/schema_0005.js"
import * as schema0006 from "./migrations/schema_0006.js"
import * as schema0007 from "./migrations/schema_0007.js"
import * as schema0008 from "./migrations/schema_0008.js"
import * as schema0009 from "./migrations/schema_0009.js"
import * as schema0010 from "./migrations/schema_0010.js"

const statements = (list: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    for (const statement of list) yield* sql.unsafe(statement)
  })

/** Append only: a released migration never changes. */
export const all: Migrator.Migrations = {
  "0001_initial": statements(schema0001.statements),
  "0002_identity": statements(schema0002.statements),
  "0003_platform_audit": statements(schema0003.statements),
  "0004_erasure_and_event_type_indexes": statements(schema0004.statements),
  "0005_member_tokens": statements(schema0005.statements),
  "0006_throttle_keys_hashed": statements(schema0006.statements),
  "0007_user_avatar_url": statements(schema0007.statements),
  "0008_request_limits": statements(schema0008.statements),
  "0009_membership_counts": statements(schema0009.statements),
  "0010_lists_at_any_depth": statements(schema0010.statements)
}

export const layer: Layer.Layer<never, MigrationFailed, SqlClient.SqlClient> = Migrator.layer(all)
