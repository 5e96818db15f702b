/** The exit status of every outcome: one table, so scripts can tell failures apart. */
import { ErrorCode } from "@roster/domain"

export const success = 0
/** Anything unexpected: a defect, a storage failure. */
export const unexpected = 1
/** The command line is wrong: unknown command or option, missing or invalid argument. */
export const usage = 2
export const notFound = 3
/** The request is well formed, but the current state does not allow it. */
export const conflict = 4
export const forbidden = 5
export const interrupted = 130

export const byTag: { readonly [T in ErrorCode.DomainError["_tag"]]: number } = {
  ValidationFailed: usage,
  UserNotFound: notFound,
  RoleNotFound: notFound,
  OrganizationNotFound: notFound,
  TokenNotFound: notFound,
  InvalidTransition: conflict,
  LastManager: conflict,
  AlreadyMember: conflict,
  OrganizationNameTaken: conflict,
  Unauthorized: forbidden,
  Forbidden: forbidden,
  RoleEscalation: forbidden,
  Outranked: forbidden,
  // The organization's data is broken, not the request.
  NoDefaultRole: unexpected,
  InvalidCredentials: forbidden,
  TooManyAttempts: conflict,
  AccountDisabled: forbidden,
  MfaRequired: forbidden,
  InvalidMfaCode: forbidden,
  MfaAlreadyEnabled: conflict,
  NoPendingEnrolment: conflict,
  PasswordChangeRequired: forbidden,
  UserNotManaged: forbidden,
  LastPlatformAdmin: conflict,
  SessionNotFound: notFound,
  InvalidLink: usage,
  EmailTaken: conflict
}

export const of = (error: ErrorCode.DomainError): number => byTag[error._tag]

/** The exit status of an error code as the API answers it (`USER_NOT_FOUND`), else of its HTTP status. */
export const ofCode = (code: string, status: number): number => {
  const tag = tagsByCode.get(code)
  if (tag !== undefined) return byTag[tag]
  if (status === 400 || status === 413 || status === 422) return usage
  if (status === 401 || status === 403) return forbidden
  if (status === 404) return notFound
  if (status === 409 || status === 429) return conflict
  return unexpected
}

const tagsByCode = new Map(
  Object.entries(ErrorCode.codes).map(([tag, code]) => [code, tag as ErrorCode.DomainError["_tag"]] as const)
)
