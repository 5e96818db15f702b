/**
 * Accounts, sessions and sign-ins as the HTTP API and the CLI's `--json` output show them, so that
 * scripts see one shape. Nothing secret is in any of them except where a secret is handed out once
 * (`token` at sign-in, a TOTP enrolment).
 */
import * as Schema from "effect/Schema"
import { IsoDateTime } from "../kernel/Time.js"
import type { OrganizationMembership, Page } from "../model/membership/Member.js"
import { totalPages } from "../model/membership/Member.js"
import { MembershipStatus } from "../model/membership/MembershipStatus.js"
import { Device } from "../model/access/Device.js"
import { Permission } from "../model/access/Permission.js"
import type { Account, Profile, SessionView, SignedIn, TotpEnrolment } from "../model/account/AccountView.js"
import type * as User from "../model/identity/User.js"
import type * as OneTimeToken from "../model/identity/OneTimeToken.js"
import * as PublicUrl from "../kernel/PublicUrl.js"
import { accountCursor } from "./IdentityInput.js"
import { nextCursor } from "./UserResponse.js"

const DateTime = IsoDateTime

const iso = (date: Date | null): string | null => date?.toISOString() ?? null

export const AccountUserResponse = Schema.Struct({
  id: Schema.UUID,
  email: Schema.String,
  name: Schema.NullOr(Schema.String),
  /** The user's picture: an https:// URL they set (`PUT /me/profile`), or null. */
  avatarUrl: Schema.NullOr(Schema.String),
  emailVerified: Schema.Boolean,
  isPlatformAdmin: Schema.Boolean,
  mfaEnabled: Schema.Boolean
})
export type AccountUserResponse = typeof AccountUserResponse.Type

export const fromUser = (user: User.User): AccountUserResponse => ({
  id: user.id,
  email: user.email,
  name: user.name,
  avatarUrl: user.avatarUrl,
  emailVerified: user.emailVerifiedAt !== null,
  isPlatformAdmin: user.isPlatformAdmin,
  mfaEnabled: user.mfaEnrolledAt !== null
})

/** `POST /auth/login`, `POST /auth/magic-link`. */
export const LoginResponse = Schema.Struct({
  token: Schema.String,
  expiresAt: DateTime,
  passwordChangeRequired: Schema.Boolean,
  user: AccountUserResponse
})
export type LoginResponse = typeof LoginResponse.Type

export const fromSignedIn = (signedIn: SignedIn): LoginResponse => ({
  token: signedIn.secret,
  expiresAt: signedIn.session.expiresAt.toISOString(),
  passwordChangeRequired: signedIn.passwordChangeRequired,
  user: fromUser(signedIn.user)
})

const RoleResponse = Schema.Struct({ id: Schema.UUID, name: Schema.String, permissions: Schema.Array(Permission) })

export const MembershipResponse = Schema.Struct({
  organization: Schema.Struct({ id: Schema.UUID, name: Schema.String }),
  role: RoleResponse,
  status: MembershipStatus
})
export type MembershipResponse = typeof MembershipResponse.Type

export const fromMembership = ({ organization, role, membership }: OrganizationMembership): MembershipResponse => ({
  organization: { id: organization.id, name: organization.name },
  role: { id: role.id, name: role.name, permissions: role.permissions },
  status: membership.status
})

/** `GET /me`. */
export const MeResponse = Schema.Struct({
  ...AccountUserResponse.fields,
  recoveryCodesLeft: Schema.Int,
  memberships: Schema.Array(MembershipResponse)
})
export type MeResponse = typeof MeResponse.Type

export const fromProfile = (profile: Profile): MeResponse => ({
  ...fromUser(profile.user),
  recoveryCodesLeft: profile.recoveryCodesLeft,
  memberships: profile.memberships.map(fromMembership)
})

/** `GET /me/organizations`. */
export const MyOrganizationResponse = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  role: RoleResponse,
  status: MembershipStatus
})
export type MyOrganizationResponse = typeof MyOrganizationResponse.Type

/** `GET /me/organizations`. */
export const MyOrganizationListResponse = Schema.Array(MyOrganizationResponse)
export type MyOrganizationListResponse = typeof MyOrganizationListResponse.Type

export const fromMyOrganization = (membership: OrganizationMembership): MyOrganizationResponse => {
  const { organization, role, status } = fromMembership(membership)
  return { ...organization, role, status }
}

/** `GET /me/sessions`. */
export const SessionResponse = Schema.Struct({
  id: Schema.UUID,
  createdAt: DateTime,
  lastSeenAt: DateTime,
  expiresAt: DateTime,
  userAgent: Schema.NullOr(Schema.String),
  /** What the user agent says of the device: browser, operating system, kind (each null when it does not say). */
  device: Device,
  ip: Schema.NullOr(Schema.String),
  /** The session this request was made with. */
  current: Schema.Boolean
})
export type SessionResponse = typeof SessionResponse.Type

/** `GET /me/sessions`. */
export const SessionListResponse = Schema.Array(SessionResponse)
export type SessionListResponse = typeof SessionListResponse.Type

export const fromSession = ({ session, device, current }: SessionView): SessionResponse => ({
  id: session.id,
  createdAt: session.createdAt.toISOString(),
  lastSeenAt: session.lastSeenAt.toISOString(),
  expiresAt: session.expiresAt.toISOString(),
  userAgent: session.userAgent,
  device,
  ip: session.ip,
  current
})

/** `POST /me/mfa/totp`: shown once. */
export const TotpEnrolmentResponse = Schema.Struct({
  secret: Schema.String,
  otpauthUrl: Schema.String,
  /** `otpauthUrl` as a QR code to show: a `data:image/png;base64,…` URL. */
  qrCodeUrl: Schema.String,
  recoveryCodes: Schema.Array(Schema.String)
})
export type TotpEnrolmentResponse = typeof TotpEnrolmentResponse.Type

export const fromTotpEnrolment = (enrolment: TotpEnrolment): TotpEnrolmentResponse => ({
  secret: enrolment.secret,
  otpauthUrl: enrolment.otpauthUrl,
  qrCodeUrl: enrolment.qrCodeUrl,
  recoveryCodes: [...enrolment.recoveryCodes]
})

/** An identity in a platform admin's list. */
export const AccountSummaryResponse = Schema.Struct({
  ...AccountUserResponse.fields,
  disabled: Schema.Boolean,
  createdDateTime: DateTime,
  lastSignedInAt: Schema.NullOr(DateTime)
})
export type AccountSummaryResponse = typeof AccountSummaryResponse.Type

export const fromAccountUser = (user: User.User): AccountSummaryResponse => ({
  ...fromUser(user),
  disabled: user.disabledAt !== null,
  createdDateTime: user.createdAt.toISOString(),
  lastSignedInAt: iso(user.lastSignedInAt)
})

/** `GET /admin/users/{id}` and the platform actions. */
export const AccountResponse = Schema.Struct({
  ...AccountSummaryResponse.fields,
  emailVerifiedAt: Schema.NullOr(DateTime),
  disabledAt: Schema.NullOr(DateTime),
  hasPassword: Schema.Boolean,
  memberships: Schema.Array(MembershipResponse)
})
export type AccountResponse = typeof AccountResponse.Type

export const fromAccount = (account: Account): AccountResponse => ({
  ...fromAccountUser(account.user),
  emailVerifiedAt: iso(account.user.emailVerifiedAt),
  disabledAt: iso(account.user.disabledAt),
  hasPassword: account.hasPassword,
  memberships: account.memberships.map(fromMembership)
})

/** `GET /admin/users`, paged like `UserPageResponse`. */
export const AccountPageResponse = Schema.Struct({
  content: Schema.Array(AccountSummaryResponse),
  totalElements: Schema.Int,
  totalPages: Schema.Int,
  size: Schema.Int,
  number: Schema.Int,
  /** The cursor of the page after this one (`cursor=…`), null on the last page. */
  next: Schema.NullOr(Schema.String)
})
export type AccountPageResponse = typeof AccountPageResponse.Type

export const fromAccountPage = (page: Page<User.User>): AccountPageResponse => ({
  content: page.items.map(fromAccountUser),
  totalElements: page.total,
  totalPages: totalPages(page),
  size: page.size,
  number: page.page,
  next: nextCursor(page, accountCursor)
})

/** A link handed out once (`…/magic-link`, `…/email-verification`): where to send the user, and until when it works. */
export const IssuedLinkResponse = Schema.Struct({ url: Schema.String, expiresAt: DateTime })
export type IssuedLinkResponse = typeof IssuedLinkResponse.Type

/** Where each link leads on the front end, which reads the secret from the fragment and posts it. */
const linkPaths: { readonly [P in OneTimeToken.Purpose]: string } = {
  magic_link: "/auth/magic-link",
  email_verification: "/auth/verify-email"
}

/** The link to a one-time secret on the front end at `publicUrl` (the secret in its fragment). */
export const fromIssuedLink = (
  publicUrl: string,
  purpose: OneTimeToken.Purpose,
  issued: { readonly secret: string; readonly expiresAt: Date }
): IssuedLinkResponse => ({
  url: PublicUrl.link(publicUrl, linkPaths[purpose], issued.secret),
  expiresAt: issued.expiresAt.toISOString()
})
