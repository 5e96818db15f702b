/**
 * Storage for the apps: the database the configuration names, migrated, with every domain port on it.
 */
import type { InMemory } from "@roster/domain"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Layer from "effect/Layer"
import * as Database from "./Database.js"
import type { MigrationFailed } from "./MigrationError.js"
import * as Migrations from "./Migrations.js"
import * as SqlIdentity from "./SqlIdentity.js"
import * as SqlStore from "./SqlStore.js"
import { StoreConfigError, type StoreError } from "./StoreError.js"

export type Options = Database.Options

/** Every port, on a migrated database. */
export const layer = (options: Options): Layer.Layer<InMemory.Ports, StoreError | MigrationFailed> =>
  Layer.mergeAll(SqlStore.layer, SqlIdentity.layer).pipe(
    Layer.provide(Migrations.layer),
    Layer.provide(Database.layer(options))
  )

/**
 * Which database to use: a flag first (`--database-url` or `--data-dir`: whichever was typed wins
 * over anything in the environment), then the environment (`DATABASE_URL`, then `ROSTER_DATA_DIR`),
 * then the embedded default `.roster/data`. An operator who types `--data-dir ./scratch` with
 * `DATABASE_URL` exported in the shell must get the scratch directory, not production.
 */
export const optionsFrom = (
  flags: { readonly dataDir?: string | undefined; readonly databaseUrl?: string | undefined },
  env: Record<string, string | undefined>,
  /** Where the embedded database is when nothing names one (the CLI passes `nearestDataDir()`). */
  defaultDataDir: string = Database.defaultDataDir
): Options | StoreConfigError => {
  if (flags.databaseUrl !== undefined) return server(flags.databaseUrl, "--database-url")
  if (flags.dataDir !== undefined) return embedded(flags.dataDir, "--data-dir")
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== "") return server(env.DATABASE_URL, "DATABASE_URL")
  if (env.ROSTER_DATA_DIR !== undefined) return embedded(env.ROSTER_DATA_DIR, "ROSTER_DATA_DIR")
  return { _tag: "Embedded", dataDir: defaultDataDir }
}

/** Whether opening `options` creates an embedded database: a first start, seconds of PGlite's initdb. */
export const createsEmbeddedDatabase = (options: Options): boolean =>
  options._tag === "Embedded" &&
  !options.dataDir.startsWith(Database.memoryDataDir) &&
  !fs.existsSync(path.join(options.dataDir, "PG_VERSION"))

/**
 * The nearest existing `.roster/data` in `from` or a directory above it — as git finds `.git` — so
 * that `roster` run from a subdirectory of a deployment opens its database instead of quietly
 * creating an empty one there. `.roster/data` under `from` when there is none.
 */
export const nearestDataDir = (from: string = process.cwd()): string => {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, Database.defaultDataDir)
    if (fs.existsSync(candidate)) return candidate
    if (path.dirname(dir) === dir) return path.join(path.resolve(from), Database.defaultDataDir)
  }
}

const server = (url: string, source: string): Options | StoreConfigError =>
  /^postgres(ql)?:\/\/.+/.test(url)
    ? { _tag: "Server", url, source }
    : new StoreConfigError({
        variable: source,
        problem: "must be a PostgreSQL URL such as postgres://user:password@host:5432/roster"
      })

const embedded = (dataDir: string, source: string): Options | StoreConfigError =>
  dataDir.trim() === ""
    ? new StoreConfigError({ variable: source, problem: "must not be empty" })
    : { _tag: "Embedded", dataDir, source }

/** `layer` from flags and environment; a configuration problem fails the layer with its message. */
export const layerFrom = (
  flags: { readonly dataDir?: string | undefined; readonly databaseUrl?: string | undefined },
  env: Record<string, string | undefined>
): Layer.Layer<InMemory.Ports, StoreError | MigrationFailed> => {
  const options = optionsFrom(flags, env)
  return options instanceof StoreConfigError ? Layer.fail(options) : layer(options)
}

/**
 * Where the key that seals secrets (TOTP seeds) lives when neither `ROSTER_SECRET_KEY` nor
 * `ROSTER_KEY_FILE` says: beside the embedded data directory, so that one directory holds both.
 * A PostgreSQL deployment shares one key through `ROSTER_SECRET_KEY` across its servers.
 */
export const defaultKeyFile = (options: Options): string =>
  options._tag === "Embedded"
    ? path.join(path.dirname(path.resolve(options.dataDir)), "secret.key")
    : ".roster/secret.key"
