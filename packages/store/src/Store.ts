/**
 * Storage for the apps: the database the configuration names (see `Configuration`), migrated, with
 * every domain port on it.
 */
import type { InMemory } from "@roster/domain"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Layer from "effect/Layer"
import * as Database from "./Database.js"
import type { MigrationFailed } from "./MigrationError.js"
import * as Migrations from "./Migrations.js"
import * as Monitor from "./Monitor.js"
import * as RequestLimits from "./RequestLimits.js"
import * as SqlIdentity from "./SqlIdentity.js"
import * as SqlStore from "./SqlStore.js"
import type { StoreError } from "./StoreError.js"

export type Options = Database.Options

/**
 * Every port, on a migrated database; what operators watch of it (`Monitor`); request counts
 * every server on it shares (`RequestLimits`); and its backups (`Database.Backups`).
 */
export const layer = (
  options: Options
): Layer.Layer<
  InMemory.Ports | Monitor.Monitor | RequestLimits.RequestLimits | Database.Backups,
  StoreError | MigrationFailed
> =>
  Layer.mergeAll(
    SqlStore.layer,
    SqlIdentity.layer,
    Monitor.layer,
    RequestLimits.layer,
    Layer.service(Database.Backups)
  ).pipe(Layer.provide(Migrations.layer), Layer.provide(Database.layer(options)))

/** Whether opening `options` creates an embedded database: a first start, seconds of PGlite's initdb. */
export const createsEmbeddedDatabase = (options: Options): boolean =>
  options._tag === "Embedded" &&
  !options.dataDir.startsWith(Database.memoryDataDir) &&
  !fs.existsSync(path.join(options.dataDir, "PG_VERSION"))

// The nearest `.roster/data` at or above a directory: declared in `Location`, read before any storage opens.
export { nearestDataDir } from "./Location.js"
