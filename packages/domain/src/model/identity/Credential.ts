import * as Schema from "effect/Schema"
import { UserId } from "../../kernel/Ids.js"

/** A user's password, as its hash (argon2id, from `PasswordHasher`). Never loaded by user reads. */
export const Credential = Schema.Struct({
  userId: UserId,
  passwordHash: Schema.String,
  /** Sign-in then gives a `password_change` session until the user picks a password of their own. */
  mustChangePassword: Schema.Boolean,
  changedAt: Schema.DateFromSelf
})
export type Credential = typeof Credential.Type
