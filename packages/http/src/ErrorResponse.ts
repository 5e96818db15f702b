/**
 * Every error as the contract's `ErrorResponse`: `{ errors: [{ code, message }], fingerprint }`, and
 * the request's id (`requestId`: the contract's schema allows more properties). One table maps each
 * error's `_tag` to its HTTP status; the codes are the domain's own.
 */
import { ErrorCode, randomUuid } from "@roster/domain"
import * as Cause from "effect/Cause"
import * as Option from "effect/Option"
import type * as HttpError from "./HttpError.js"
import * as Log from "./Log.js"
import * as Reply from "./Reply.js"

export type KnownError = ErrorCode.DomainError | HttpError.HttpError

export const statuses: { readonly [T in KnownError["_tag"]]: number } = {
  Unauthorized: 401,
  Forbidden: 403,
  RoleEscalation: 403,
  Outranked: 403,
  ValidationFailed: 400,
  // A role named in a body is part of the request being malformed, not a missing resource.
  RoleNotFound: 400,
  UserNotFound: 404,
  TokenNotFound: 404,
  OrganizationNotFound: 404,
  InvalidTransition: 409,
  LastManager: 409,
  AlreadyMember: 409,
  OrganizationNameTaken: 409,
  // The organization's data lacks a default role; the caller can still name a role.
  NoDefaultRole: 409,
  InvalidCredentials: 401,
  TooManyAttempts: 429,
  AccountDisabled: 403,
  MfaRequired: 401,
  InvalidMfaCode: 401,
  MfaAlreadyEnabled: 409,
  NoPendingEnrolment: 409,
  PasswordChangeRequired: 403,
  UserNotManaged: 403,
  LastPlatformAdmin: 409,
  SessionNotFound: 404,
  InvalidLink: 400,
  EmailTaken: 409,
  RouteNotFound: 404,
  MethodNotAllowed: 405,
  PayloadTooLarge: 413,
  RateLimited: 429
}

export const codes: { readonly [T in KnownError["_tag"]]: string } = {
  ...ErrorCode.codes,
  RouteNotFound: "NOT_FOUND",
  MethodNotAllowed: "METHOD_NOT_ALLOWED",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  RateLimited: "TOO_MANY_REQUESTS"
}

export const internalCode = "INTERNAL"

export interface ErrorDetail {
  readonly code: string
  readonly message: string
}

export interface ErrorResponse {
  readonly errors: ReadonlyArray<ErrorDetail>
  readonly fingerprint: string
  /** The request's `X-Request-Id` (see `RequestId`): set when the answer is written. */
  readonly requestId?: string
}

/** A failed request: the reply to send and what to log about it. */
export interface Failure {
  readonly reply: Reply.Reply
  readonly fingerprint: string
  readonly codes: ReadonlyArray<string>
  /** Only for a 500: the cause, for the log and never for the client. */
  readonly cause?: string
  /**
   * The body as made here. A compatible surface answers in its own shape (another `reply.body`);
   * only a reply whose body is still this one gets the request's id (`withRequestId`).
   */
  readonly errorResponse: ErrorResponse
}

/** `failure`'s reply, with `requestId` in the body when it is Roster's `ErrorResponse`. */
export const withRequestId = (failure: Failure, requestId: string): Reply.Reply =>
  failure.reply.body === failure.errorResponse
    ? { ...failure.reply, body: { ...failure.errorResponse, requestId } }
    : failure.reply

export const isKnownError = (error: unknown): error is KnownError =>
  typeof error === "object" &&
  error !== null &&
  "_tag" in error &&
  typeof error._tag === "string" &&
  Object.hasOwn(statuses, error._tag)

// Schema failures quote the input they rejected: keep a pasted megabyte out of the response.
const maxMessageLength = 500

const clean = (message: string): string => {
  const redacted = Log.redact(message)
  return redacted.length > maxMessageLength ? redacted.slice(0, maxMessageLength - 1) + "…" : redacted
}

/** One entry per problem: a validation failure names each field. */
export const details = (error: KnownError): ReadonlyArray<ErrorDetail> =>
  error._tag === "ValidationFailed"
    ? error.issues.map((issue) => ({
        code: codes.ValidationFailed,
        message: clean(`${issue.field}: ${issue.message}`)
      }))
    : [{ code: codes[error._tag], message: clean(error.message) }]

const headersOf = (error: KnownError): Readonly<Record<string, string>> | undefined => {
  switch (error._tag) {
    case "Unauthorized":
      return { "WWW-Authenticate": 'Bearer realm="roster"' }
    case "MethodNotAllowed":
      return { Allow: error.allow.join(", ") }
    case "TooManyAttempts":
    case "RateLimited":
      return { "Retry-After": String(error.retryAfterSeconds) }
    default:
      return undefined
  }
}

const reply = (status: number, body: ErrorResponse, headers?: Readonly<Record<string, string>>): Reply.Reply => ({
  status,
  body,
  contentType: Reply.errorContentType,
  ...(headers === undefined ? {} : { headers })
})

export const fromError = (error: KnownError): Failure => {
  const fingerprint = randomUuid()
  const errors = details(error)
  const body: ErrorResponse = { errors, fingerprint }
  return {
    reply: reply(statuses[error._tag], body, headersOf(error)),
    fingerprint,
    codes: errors.map((detail) => detail.code),
    errorResponse: body
  }
}

/** A failure with its own code, for a route's refusal that no domain error names (`INVALID_BACKUP`). */
export const single = (status: number, code: string, message: string): Failure => {
  const fingerprint = randomUuid()
  const body: ErrorResponse = { errors: [{ code, message }], fingerprint }
  return { reply: reply(status, body), fingerprint, codes: [code], errorResponse: body }
}

/** A 500 whose message tells the client nothing about the server, only how to report it. */
export const internal = (cause: string): Failure => {
  const fingerprint = randomUuid()
  const message = `An unexpected error occurred. If it persists, report it with the fingerprint ${fingerprint}`
  const body: ErrorResponse = { errors: [{ code: internalCode, message }], fingerprint }
  return {
    reply: reply(500, body),
    fingerprint,
    codes: [internalCode],
    cause: Log.redact(cause),
    errorResponse: body
  }
}

/** An expected failure becomes its own response; anything else (a defect, an interruption) is a 500. */
export const fromCause = (cause: Cause.Cause<unknown>): Failure =>
  Option.match(Cause.failureOption(cause), {
    onSome: (error) => (isKnownError(error) ? fromError(error) : internal(Cause.pretty(cause))),
    onNone: () => internal(Cause.pretty(cause))
  })
