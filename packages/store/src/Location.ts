/**
 * Where the data is, said without opening it: the database options, the embedded data directory's
 * defaults and how a server URL looks. Nothing here loads a database driver, so that the apps can
 * read their configuration (and the CLI find a running server) before deciding to open storage.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"

/** Which database to open. `Embedded` with a `memory://` data directory is the same as `Memory`. */
export type Options =
  | { readonly _tag: "Embedded"; readonly dataDir: string; readonly source?: string }
  | { readonly _tag: "Memory" }
  | { readonly _tag: "Server"; readonly url: string; readonly source?: string }

/** The embedded data directory when `ROSTER_DATA_DIR` is not set, relative to the working directory. */
export const defaultDataDir = ".roster/data"

/** PGlite's in-memory file system: a database that lives as long as the layer (tests, demos). */
export const memoryDataDir = "memory://"

/** Whether `url` is something node-postgres can connect to: a `postgres://` or `postgresql://` URL. */
export const isServerUrl = (url: string): boolean => {
  try {
    const { protocol } = new URL(url)
    return protocol === "postgres:" || protocol === "postgresql:"
  } catch {
    return false
  }
}

/** What a server URL must be, for messages that name where it was given. */
export const serverUrlProblem =
  "must be a postgres:// or postgresql:// URL, such as postgres://user:password@host:5432/roster"

/**
 * The nearest existing `.roster/data` in `from` or a directory above it — as git finds `.git` — so
 * that `roster` run from a subdirectory of a deployment opens its database instead of quietly
 * creating an empty one there. `.roster/data` under `from` when there is none.
 */
export const nearestDataDir = (from: string = process.cwd()): string => {
  for (let dir = Path.resolve(from); ; dir = Path.dirname(dir)) {
    const candidate = Path.join(dir, defaultDataDir)
    if (Fs.existsSync(candidate)) return candidate
    if (Path.dirname(dir) === dir) return Path.join(Path.resolve(from), defaultDataDir)
  }
}
