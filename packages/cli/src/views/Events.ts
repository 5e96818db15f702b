/** The audit log as people read it: what changed, in a line per field. */
import type { AuditResponse } from "@roster/domain"
import * as Render from "../Render.js"
import type { View } from "../View.js"

/** An event of one organization, or of every one (with `organizationId`). */
type Event = AuditResponse.EventResponse & { readonly organizationId?: string | null }

const show = (value: unknown): string =>
  typeof value === "string" ? value : Array.isArray(value) ? value.map(show).join(", ") : JSON.stringify(value)

/** What changed, in a line: `status: ACTIVE → TERMINATED`, or the new values when there was nothing before. */
const changes = (event: Event) => {
  const before = event.before ?? {}
  const after = event.after ?? {}
  const parts = [...new Set([...Object.keys(before), ...Object.keys(after)])].flatMap((key) => {
    if (event.before === null)
      return after[key] === null || after[key] === undefined ? [] : [`${key}: ${show(after[key])}`]
    const from = show(before[key] ?? null)
    const to = show(after[key] ?? null)
    return from === to ? [] : [`${key}: ${from} → ${to}`]
  })
  if (event.reason !== null) parts.push(`reason: ${event.reason}`)
  return parts.join("\n")
}

const actor = (event: Event) => (event.actor.id === null ? event.actor.type : `${event.actor.type} ${event.actor.id}`)

/** A page of events; read everywhere (no `--org`), each says which organization it belongs to. */
export const page: View<{
  readonly content: ReadonlyArray<Event>
  readonly totalElements: number
  readonly totalPages: number
  readonly number: number
}> = {
  text: (render, found, context) => {
    const everywhere = context.organization === undefined
    return [
      found.content.length === 0
        ? "No events match."
        : render.table(
            ["at", ...(everywhere ? ["organization"] : []), "type", "user", "actor", "changes"],
            found.content.map((event) => [
              event.at,
              ...(everywhere ? [event.organizationId] : []),
              event.type,
              event.userId,
              actor(event),
              changes(event)
            ])
          ),
      Render.pageLine(found, "event")
    ].join("\n")
  }
}
