import * as Schema from "effect/Schema"

/** Configuration that cannot work; the message names the variable or flag to fix. */
export class StoreConfigError extends Schema.TaggedError<StoreConfigError>()("StoreConfigError", {
  variable: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `${this.variable}: ${this.problem}`
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
