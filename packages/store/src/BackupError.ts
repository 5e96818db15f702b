import * as Schema from "effect/Schema"

/** A file that is not a backup this Roster can restore. Nothing was changed. */
export class InvalidBackup extends Schema.TaggedError<InvalidBackup>()("InvalidBackup", {
  reason: Schema.String
}) {
  override get message() {
    return `Not a backup this Roster can restore: ${this.reason}. Nothing was changed`
  }
}

/** Backups are of the embedded database: a PostgreSQL server is backed up with its own tools. */
export class BackupUnsupported extends Schema.TaggedError<BackupUnsupported>()("BackupUnsupported", {
  /** What the database is, for the message: `a PostgreSQL server (DATABASE_URL)`. */
  database: Schema.String
}) {
  override get message() {
    return `roster db backs up and restores the embedded database only; ${this.database} is backed up with pg_dump and restored with pg_restore (README, "Backups")`
  }
}

/** Restoring stopped after it began to move directories: the message says where everything is. */
export class RestoreFailed extends Schema.TaggedError<RestoreFailed>()("RestoreFailed", {
  dataDir: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `Could not restore into ${this.dataDir}: ${this.reason}`
  }
}

export type BackupError = InvalidBackup | BackupUnsupported | RestoreFailed
