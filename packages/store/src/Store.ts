/**
 * Storage for the apps: the database the configuration names, migrated, with every domain port on it.
 */
import type { InMemory } from "@roster/domain"
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
 * Which database to use: flags first (`--database-url`, `--data-dir`), then the environment
 * (`DATABASE_URL`, `ROSTER_DATA_DIR`), then the embedded default `.roster/data`.
 */
export const optionsFrom = (
  flags: { readonly dataDir?: string | undefined; readonly databaseUrl?: string | undefined },
  env: Record<string, string | undefined>
): Options | StoreConfigError => {
  const [urlSource, url] =
    flags.databaseUrl !== undefined ? ["--database-url", flags.databaseUrl] : ["DATABASE_URL", env.DATABASE_URL]
  const [dirSource, dataDir] =
    flags.dataDir !== undefined ? ["--data-dir", flags.dataDir] : ["ROSTER_DATA_DIR", env.ROSTER_DATA_DIR]
  if (url !== undefined && url !== "") {
    if (!/^postgres(ql)?:\/\/.+/.test(url)) {
      return new StoreConfigError({
        variable: urlSource,
        problem: "must be a PostgreSQL URL such as postgres://user:password@host:5432/roster"
      })
    }
    return { _tag: "Server", url }
  }
  if (dataDir !== undefined && dataDir.trim() === "") {
    return new StoreConfigError({ variable: dirSource, problem: "must not be empty" })
  }
  return { _tag: "Embedded", dataDir: dataDir ?? Database.defaultDataDir }
}

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
