import * as Schema from "effect/Schema"

/** A variable or flag and what is wrong with it: `problem` says what it must be, never its value. */
export const ConfigProblem = Schema.Struct({ variable: Schema.String, problem: Schema.String })
export type ConfigProblem = typeof ConfigProblem.Type

/**
 * Configuration that cannot work (any variable `Configuration` reads, or a storage flag): the message
 * names every variable or flag to fix, `PORT: must be …; LOG_LEVEL: must be …`.
 */
export class StoreConfigError extends Schema.TaggedError<StoreConfigError>()("StoreConfigError", {
  problems: Schema.NonEmptyArray(ConfigProblem)
}) {
  override get message() {
    return this.problems.map(({ variable, problem }) => `${variable}: ${problem}`).join("; ")
  }
}

/** An embedded data directory that another live process holds. PGlite must never open it twice. */
export class DataDirectoryLocked extends Schema.TaggedError<DataDirectoryLocked>()("DataDirectoryLocked", {
  dataDir: Schema.String,
  pid: Schema.Number
}) {
  override get message() {
    return `The data directory ${this.dataDir} is in use by another Roster process (pid ${this.pid}). Stop that process, or share one PostgreSQL server through DATABASE_URL.`
  }
}

/** The database could not be opened or reached. Never carries a password. */
export class DatabaseUnavailable extends Schema.TaggedError<DatabaseUnavailable>()("DatabaseUnavailable", {
  target: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `Cannot open the database at ${this.target}: ${this.reason}`
  }
}

export type StoreError = StoreConfigError | DataDirectoryLocked | DatabaseUnavailable
