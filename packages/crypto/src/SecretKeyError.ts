import * as Schema from "effect/Schema"

/** The `SecretBox` key is missing or unusable. Never carries the key itself. */
export class SecretKeyError extends Schema.TaggedError<SecretKeyError>()("SecretKeyError", {
  /** Where the key came from: a key file's path, or `layerFromKey`. (`ROSTER_SECRET_KEY` is checked by the app's configuration.) */
  source: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `Cannot use the secret key from ${this.source}: ${this.problem}`
  }
}
