/**
 * Errors of signing in and of sessions. None of them carries a secret, and none tells an unknown
 * email from a wrong password.
 */
import * as Schema from "effect/Schema"

/** The email and password do not match an account: said the same way whether or not the email is known. */
export class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>()("InvalidCredentials", {}) {
  override get message() {
    return "The email or password is incorrect"
  }
}

/** Too many failed sign-ins for this email; it is locked for a while, known or not. */
export class TooManyAttempts extends Schema.TaggedError<TooManyAttempts>()("TooManyAttempts", {
  retryAfterSeconds: Schema.Int
}) {
  override get message() {
    return `Too many failed sign-in attempts; try again in ${this.retryAfterSeconds} seconds`
  }
}

/** The identity was deactivated by a platform admin: it cannot sign in anywhere. */
export class AccountDisabled extends Schema.TaggedError<AccountDisabled>()("AccountDisabled", {}) {
  override get message() {
    return "This account is deactivated; ask a platform admin to reactivate it"
  }
}

/** The account has a second factor: sign-in needs a code from the authenticator app (or a recovery code). */
export class MfaRequired extends Schema.TaggedError<MfaRequired>()("MfaRequired", {}) {
  override get message() {
    return "A code from your authenticator app (or a recovery code) is required"
  }
}

/** The code is wrong, expired, already used, or not a recovery code that is still unused. */
export class InvalidMfaCode extends Schema.TaggedError<InvalidMfaCode>()("InvalidMfaCode", {}) {
  override get message() {
    return "The code is not valid: wrong, expired or already used"
  }
}

/** A session from a password the user was asked to replace may only change the password. */
export class PasswordChangeRequired extends Schema.TaggedError<PasswordChangeRequired>()("PasswordChangeRequired", {}) {
  override get message() {
    return "You must change your password before you can do anything else (POST /me/password)"
  }
}

/** A magic link or email verification token that is unknown, already used or expired. */
export class InvalidLink extends Schema.TaggedError<InvalidLink>()("InvalidLink", {}) {
  override get message() {
    return "The link is not valid: unknown, already used or expired"
  }
}

/** No session with this id belongs to the signed-in user. */
export class SessionNotFound extends Schema.TaggedError<SessionNotFound>()("SessionNotFound", {
  sessionId: Schema.String
}) {
  override get message() {
    return `No session ${this.sessionId} of yours`
  }
}
