/**
 * The stable code of each domain error, as the HTTP API and the CLI show it. Adapters map the same
 * errors to HTTP statuses and exit codes in tables of their own.
 */
import type { Forbidden, Outranked, RoleEscalation, Unauthorized } from "../model/access/AccessError.js"
import type {
  AccountDisabled,
  InvalidCredentials,
  InvalidLink,
  InvalidMfaCode,
  MfaRequired,
  PasswordChangeRequired,
  SessionNotFound,
  TooManyAttempts
} from "../model/identity/AuthError.js"
import type { EmailTaken, LastPlatformAdmin, UserNotManaged } from "../model/identity/IdentityError.js"
import type {
  AlreadyMember,
  InvalidTransition,
  LastManager,
  NoDefaultRole,
  RoleNotFound,
  UserNotFound
} from "../model/membership/MembershipError.js"
import type { MfaAlreadyEnabled, NoPendingEnrolment } from "../model/identity/MfaError.js"
import type {
  OrganizationNameTaken,
  OrganizationNotFound,
  TokenNotFound
} from "../model/organization/OrganizationError.js"
import type { ValidationFailed } from "../kernel/ValidationError.js"

export type DomainError =
  | Unauthorized
  | Forbidden
  | RoleEscalation
  | Outranked
  | ValidationFailed
  | UserNotFound
  | RoleNotFound
  | InvalidTransition
  | LastManager
  | AlreadyMember
  | NoDefaultRole
  | OrganizationNotFound
  | OrganizationNameTaken
  | TokenNotFound
  | InvalidCredentials
  | TooManyAttempts
  | AccountDisabled
  | MfaRequired
  | InvalidMfaCode
  | MfaAlreadyEnabled
  | NoPendingEnrolment
  | PasswordChangeRequired
  | UserNotManaged
  | LastPlatformAdmin
  | SessionNotFound
  | InvalidLink
  | EmailTaken

export const codes: { readonly [T in DomainError["_tag"]]: string } = {
  Unauthorized: "UNAUTHORIZED",
  Forbidden: "FORBIDDEN",
  RoleEscalation: "ROLE_ESCALATION",
  Outranked: "OUTRANKED",
  ValidationFailed: "VALIDATION_FAILED",
  UserNotFound: "USER_NOT_FOUND",
  RoleNotFound: "ROLE_NOT_FOUND",
  InvalidTransition: "INVALID_STATUS_TRANSITION",
  LastManager: "LAST_MANAGER",
  AlreadyMember: "ALREADY_MEMBER",
  NoDefaultRole: "NO_DEFAULT_ROLE",
  OrganizationNotFound: "ORGANIZATION_NOT_FOUND",
  OrganizationNameTaken: "ORGANIZATION_NAME_TAKEN",
  TokenNotFound: "TOKEN_NOT_FOUND",
  InvalidCredentials: "INVALID_CREDENTIALS",
  TooManyAttempts: "TOO_MANY_ATTEMPTS",
  AccountDisabled: "ACCOUNT_DISABLED",
  MfaRequired: "MFA_REQUIRED",
  InvalidMfaCode: "INVALID_MFA_CODE",
  MfaAlreadyEnabled: "MFA_ALREADY_ENABLED",
  NoPendingEnrolment: "NO_PENDING_ENROLMENT",
  PasswordChangeRequired: "PASSWORD_CHANGE_REQUIRED",
  UserNotManaged: "USER_NOT_MANAGED",
  LastPlatformAdmin: "LAST_PLATFORM_ADMIN",
  SessionNotFound: "SESSION_NOT_FOUND",
  InvalidLink: "INVALID_LINK",
  EmailTaken: "EMAIL_TAKEN"
}

const tags = new Set<string>(Object.keys(codes))

export const isDomainError = (error: unknown): error is DomainError =>
  typeof error === "object" && error !== null && "_tag" in error && tags.has((error as { _tag: string })._tag)

export const codeOf = (error: DomainError): string => codes[error._tag]
