/**
 * Who is calling: the organization token in `Authorization`, raw as the contract says
 * (`Authorization: tot_…`) or as a bearer token (`Authorization: Bearer tot_…`).
 */
import type { Access, Actor } from "@roster/domain"
import { Tokens, Unauthorized } from "@roster/domain"
import * as Effect from "effect/Effect"

const bearer = /^bearer\s+(.*)$/is

/** The token a header presents, or why there is none. The header's value is never quoted back. */
export const presented = (header: string | undefined): Effect.Effect<string, Unauthorized> => {
  const value = header?.trim() ?? ""
  if (value === "") {
    return Effect.fail(
      new Unauthorized({ reason: "Missing Authorization header: send your organization token (tot_…)" })
    )
  }
  const match = bearer.exec(value)
  return Effect.succeed(match === null ? value : match[1]!.trim())
}

/** The acting token of a request and its organization: every /organizations route acts there. */
export const authenticate = (header: string | undefined): Effect.Effect<Access, Unauthorized, Tokens> =>
  Effect.gen(function* () {
    const token = yield* presented(header)
    const actor: Actor.Actor = yield* (yield* Tokens).authenticate(token)
    if (actor._tag !== "Token") return yield* Effect.dieMessage("A presented token authenticated as the operator")
    return { actor, organizationId: actor.organizationId }
  })
