import * as Schema from "effect/Schema"

/** The schema could not be brought up to date. Nothing of a failed run is kept: it is one transaction. */
export class MigrationFailed extends Schema.TaggedError<MigrationFailed>()("MigrationFailed", {
  /** The migration that failed, e.g. `0002_tokens`; absent when the failure was not inside one. */
  migration: Schema.optional(Schema.String),
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  override get message() {
    return this.migration === undefined
      ? `Could not migrate the database: ${this.reason}`
      : `Migration ${this.migration} failed: ${this.reason}`
  }
}
