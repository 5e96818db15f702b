/**
 * An account as the use cases hand it out: to its owner (`Profile`, `SessionView`, `TotpEnrolment`),
 * to a platform admin (`Account`), or on signing in (`SignedIn`). The API's responses are built from
 * these.
 */
import type * as Device from "../access/Device.js"
import type * as Session from "../access/Session.js"
import type * as User from "../identity/User.js"
import type { OrganizationMembership } from "../membership/Member.js"

/** A new session. `secret` (`ses_…`) is shown once, here, and never stored. */
export interface SignedIn {
  readonly session: Session.Session
  readonly secret: string
  /** The session may only change the password until the user picks one of their own. */
  readonly passwordChangeRequired: boolean
  readonly user: User.User
}

/** The account as its owner sees it (`GET /me`). */
export interface Profile {
  readonly user: User.User
  readonly mfaEnabled: boolean
  /** Unused recovery codes left (0 without TOTP). */
  readonly recoveryCodesLeft: number
  /** Memberships that are not REMOVED or FORGOTTEN. */
  readonly memberships: ReadonlyArray<OrganizationMembership>
}

export interface SessionView {
  readonly session: Session.Session
  /** What its user agent says of the device it was signed in from. */
  readonly device: Device.Device
  /** The session this call was made with. */
  readonly current: boolean
}

/** A TOTP enrolment waiting for its first code. Everything here is shown once. */
export interface TotpEnrolment {
  readonly secret: string
  readonly otpauthUrl: string
  /** The `otpauthUrl` as a QR code: a `data:image/png;base64,…` URL. */
  readonly qrCodeUrl: string
  readonly recoveryCodes: ReadonlyArray<string>
}

/** An identity as a platform admin sees it. */
export interface Account {
  readonly user: User.User
  /** Every membership, in every organization and of every status. */
  readonly memberships: ReadonlyArray<OrganizationMembership>
  readonly hasPassword: boolean
}
