/** The audit log as people read it: what changed, in a line per field. */
import type { AuditResponse } from "@roster/domain"
import * as Render from "../Render.js"
import { type Context, nameOf, roleName, type View } from "../View.js"

/** An event of one organization, or of every one (with `organizationId`). */
type Event = AuditResponse.EventResponse & { readonly organizationId?: string | null }

const show = (value: unknown): string =>
  typeof value === "string" ? value : Array.isArray(value) ? value.map(show).join(", ") : JSON.stringify(value)

/** A field's value for people: a role or a token by its name. */
const shown = (key: string, value: unknown, context: Context) =>
  typeof value !== "string"
    ? show(value)
    : key === "roleId"
      ? roleName(context, value)
      : key === "tokenId"
        ? nameOf(context, value)
        : value

/** A field's name for people: `role` for `roleId`, `token` for `tokenId`. */
const label = (key: string) => (key === "roleId" ? "role" : key === "tokenId" ? "token" : key)

const tokenOf = (event: Event): ReadonlyArray<string> => {
  const tokenId = event.after?.tokenId ?? event.before?.tokenId
  return typeof tokenId === "string" ? [tokenId] : []
}

/** What changed, in a line: `status: ACTIVE → TERMINATED`, or the new values when there was nothing before. */
const changes = (event: Event, context: Context) => {
  const before = event.before ?? {}
  const after = event.after ?? {}
  const parts = [...new Set([...Object.keys(before), ...Object.keys(after)])].flatMap((key) => {
    if (event.before === null)
      return after[key] === null || after[key] === undefined
        ? []
        : [`${label(key)}: ${shown(key, after[key], context)}`]
    const from = shown(key, before[key] ?? null, context)
    const to = shown(key, after[key] ?? null, context)
    return from === to ? [] : [`${label(key)}: ${from} → ${to}`]
  })
  if (event.reason !== null) parts.push(`reason: ${event.reason}`)
  return parts.join("\n")
}

/** Who did it: `operator`, `token ci`, `user ada@example.com`. */
const actor = (event: Event, context: Context) =>
  event.actor.id === null ? event.actor.type : `${event.actor.type} ${nameOf(context, event.actor.id)}`

/** A page of events; read everywhere (no `--org`), each says which organization it belongs to. */
export const page: View<{
  readonly content: ReadonlyArray<Event>
  readonly totalElements: number
  readonly totalPages: number
  readonly number: number
}> = {
  roles: true,
  names: (found) => ({
    users: [
      ...found.content.flatMap((event) => (event.userId === null ? [] : [event.userId])),
      ...found.content.flatMap((event) =>
        event.actor.type === "user" && event.actor.id !== null ? [event.actor.id] : []
      )
    ],
    tokens: [
      ...found.content.flatMap((event) =>
        event.actor.type === "token" && event.actor.id !== null ? [event.actor.id] : []
      ),
      ...found.content.flatMap(tokenOf)
    ],
    organizations: found.content.flatMap((event) =>
      typeof event.organizationId === "string" ? [event.organizationId] : []
    )
  }),
  text: (render, found, context) => {
    const everywhere = context.organization === undefined
    return [
      found.content.length === 0
        ? "No events match."
        : render.table(
            ["at", ...(everywhere ? ["organization"] : []), "type", "user", "actor", "changes"],
            found.content.map((event) => [
              event.at,
              ...(everywhere
                ? [
                    event.organizationId === null || event.organizationId === undefined
                      ? null
                      : nameOf(context, event.organizationId)
                  ]
                : []),
              event.type,
              event.userId === null ? null : nameOf(context, event.userId),
              actor(event, context),
              changes(event, context)
            ])
          ),
      Render.pageLine(found, "event")
    ].join("\n")
  }
}
