/** `roster events list`: the audit log of an organization, or of everything (the platform's), newest first. */
import type { Command } from "commander"
import * as Effect from "effect/Effect"
import { Actor, Audit, AuditResponse, DomainEvent, ListEvents } from "@roster/domain"
import * as Input from "../Input.js"
import * as Operator from "../Operator.js"
import type { Define, Output } from "../Plan.js"
import * as Render from "../Render.js"
import { collect } from "./Options.js"

const show = (value: unknown): string =>
  typeof value === "string" ? value : Array.isArray(value) ? value.map(show).join(", ") : JSON.stringify(value)

/** What changed, in a line: `status: ACTIVE → TERMINATED`, or the new values when there was nothing before. */
const changes = (event: DomainEvent.DomainEvent) => {
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

const actor = (event: DomainEvent.DomainEvent) =>
  event.actor.id === null ? event.actor.type : `${event.actor.type} ${event.actor.id}`

export const register = (program: Command, define: Define) => {
  const events = program.command("events").description("Read the audit log")

  define(
    events
      .command("list")
      .description("List what changed, newest first: in one organization, or everywhere")
      .option("--org <org>", "organization id or name (default: every event, identity-level ones included)")
      .option("--user <userId>", "only events about this user")
      .option("--type <type>", `only events of this type (repeatable): ${DomainEvent.types.join(", ")}`, collect)
      .option("--page <n>", "page number, from 0 (default: 0)")
      .option("--size <n>", "events per page, 1 to 200 (default: 20)"),
    (line) =>
      Effect.gen(function* () {
        const orgText = line.text("org")
        const org = orgText === undefined ? undefined : yield* Input.reference("--org", orgText)
        const page = yield* Input.integer("--page", line.text("page"))
        const size = yield* Input.integer("--size", line.text("size"))
        const query = yield* Input.decode(
          ListEvents,
          {
            page,
            size,
            userId: line.text("user"),
            type: line.texts("type")?.flatMap((type) => type.split(",").map((one) => one.trim().toLowerCase()))
          },
          { page: "--page", size: "--size", userId: "--user", type: { flag: "--type", oneOf: DomainEvent.types } }
        )
        return Effect.gen(function* () {
          const audit = yield* Audit
          const found =
            org === undefined
              ? yield* audit.listAll(Actor.operator, query)
              : yield* audit.list((yield* Operator.inOrganization(org)).access, query)
          // Everywhere, each event says which organization it belongs to (none for an identity's own).
          const everywhere = org === undefined
          // The API's shapes: `/organizations/events` in one organization, `/admin/events` everywhere.
          const response = AuditResponse.fromEventPage(
            found,
            everywhere ? AuditResponse.fromPlatformEvent : AuditResponse.fromEvent
          )
          return {
            json: response,
            text: (render: Render.Renderer) =>
              [
                found.items.length === 0
                  ? "No events match."
                  : render.table(
                      ["at", ...(everywhere ? ["organization"] : []), "type", "user", "actor", "changes"],
                      found.items.map((event) => [
                        Render.date(event.at),
                        ...(everywhere ? [event.organizationId] : []),
                        event.type,
                        event.userId,
                        actor(event),
                        changes(event)
                      ])
                    ),
                Render.pageLine(response, "event")
              ].join("\n")
          } satisfies Output
        })
      })
  )
}
