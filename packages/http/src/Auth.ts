/**
 * Who is calling. Two kinds of bearer secret reach the API:
 * - an organization token, raw as the contract says (`Authorization: tot_…`) or as a bearer token
 *   (`Authorization: Bearer tot_…`): it acts in its own organization with its own permissions;
 * - a session (`Authorization: Bearer ses_…`, from `POST /auth/login`): a signed-in user, who acts
 *   in an organization named by `X-Organization-Id` with the permissions of their role there.
 * A header's value is never quoted back.
 */
import type { Access } from "@roster/domain"
import {
  type Actor,
  Auth as AuthService,
  Forbidden,
  OrganizationId,
  type PasswordChangeRequired,
  Session,
  Tokens,
  Unauthorized,
  Validation,
  ValidationFailed
} from "@roster/domain"
import * as Effect from "effect/Effect"

const bearer = /^bearer\s+(.*)$/is

/** The header that names the organization a session acts in. */
export const organizationHeader = "X-Organization-Id"

/** The secret a header presents, or why there is none. */
export const presented = (header: string | undefined, missing: string): Effect.Effect<string, Unauthorized> => {
  const value = header?.trim() ?? ""
  if (value === "") return Effect.fail(new Unauthorized({ reason: `Missing Authorization header: ${missing}` }))
  const match = bearer.exec(value)
  return Effect.succeed(match === null ? value : match[1]!.trim())
}

const isSession = (secret: string): boolean => secret.startsWith(Session.prefix)

const decodeOrganizationId = Validation.decode(OrganizationId, { root: organizationHeader })

/**
 * The caller of an organization route and the organization it acts in. A token acts in its own
 * organization (an `X-Organization-Id` naming another is refused); a session acts where the header
 * says, while the user's membership there is ACTIVE.
 */
export const organization = (
  header: string | undefined,
  organizationIdHeader: string | undefined
): Effect.Effect<Access, Unauthorized | Forbidden | ValidationFailed | PasswordChangeRequired, Tokens | AuthService> =>
  Effect.gen(function* () {
    const secret = yield* presented(
      header,
      "send your organization token (tot_…), or a session (Bearer ses_…) with X-Organization-Id"
    )
    const named = organizationIdHeader?.trim()
    if (isSession(secret)) {
      const auth = yield* AuthService
      const session = yield* auth.authenticate(secret)
      if (named === undefined || named === "") {
        return yield* ValidationFailed.single(
          organizationHeader,
          "is required with a session: name the organization to act in (see GET /me/organizations)"
        )
      }
      const organizationId = yield* decodeOrganizationId(named.toLowerCase())
      return { actor: yield* auth.actInOrganization(session, organizationId), organizationId }
    }
    const actor: Actor.Actor = yield* (yield* Tokens).authenticate(secret)
    if (actor._tag !== "Token") return yield* Effect.dieMessage("A presented token authenticated as the operator")
    // Well formed (400) before it is compared (403).
    const organizationId =
      named === undefined || named === "" ? undefined : yield* decodeOrganizationId(named.toLowerCase())
    if (organizationId !== undefined && organizationId !== actor.organizationId) {
      return yield* new Forbidden({
        required: "organization",
        reason: `An organization token acts only in its own organization; drop ${organizationHeader} or name that one`
      })
    }
    return { actor, organizationId: actor.organizationId }
  })

/** The signed-in user behind a session, for `/me`, `/auth/logout` and `/admin` routes. */
export const session = (header: string | undefined): Effect.Effect<Actor.SessionActor, Unauthorized, AuthService> =>
  Effect.gen(function* () {
    const secret = yield* presented(header, "sign in with POST /auth/login and send Authorization: Bearer ses_…")
    if (!isSession(secret)) {
      return yield* new Unauthorized({
        reason:
          "This route needs a signed-in user: send Authorization: Bearer ses_… from POST /auth/login (organization tokens act only on /organizations routes)"
      })
    }
    return yield* (yield* AuthService).authenticate(secret)
  })
