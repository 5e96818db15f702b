import * as Schema from "effect/Schema"

/**
 * Seeding (`Seed.run`) stopped: the organization could not be made or used, or a chunk failed. The
 * chunks before it are committed (`done` members); the one that failed left nothing.
 */
export class SeedFailed extends Schema.TaggedError<SeedFailed>()("SeedFailed", {
  done: Schema.Number,
  total: Schema.Number,
  reason: Schema.String
}) {
  override get message() {
    return this.done === 0
      ? `Seeding failed before any member was added: ${this.reason}`
      : `Seeding stopped after ${this.done} of ${this.total} members (those are kept): ${this.reason}`
  }
}
