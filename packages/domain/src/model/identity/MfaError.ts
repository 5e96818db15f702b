import * as Schema from "effect/Schema"

/** TOTP is already enabled: disable it first to enrol again. */
export class MfaAlreadyEnabled extends Schema.TaggedError<MfaAlreadyEnabled>()("MfaAlreadyEnabled", {}) {
  override get message() {
    return "Two-factor authentication is already enabled; disable it first to set it up again"
  }
}

/** There is no TOTP enrolment waiting for its first code. */
export class NoPendingEnrolment extends Schema.TaggedError<NoPendingEnrolment>()("NoPendingEnrolment", {}) {
  override get message() {
    return "There is no two-factor setup to enable; start one first (POST /me/mfa/totp)"
  }
}
