import * as Schema from "effect/Schema"

export const Issue = Schema.Struct({
  /** Where the problem is: a body field (`firstName`), a query parameter (`size`), or `body` itself. */
  field: Schema.String,
  message: Schema.String
})
export type Issue = typeof Issue.Type

/** Input that does not have the required shape; one issue per problem. */
export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()("ValidationFailed", {
  issues: Schema.NonEmptyArray(Issue)
}) {
  override get message() {
    return this.issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ")
  }

  static single(field: string, message: string): ValidationFailed {
    return new ValidationFailed({ issues: [{ field, message }] })
  }
}
