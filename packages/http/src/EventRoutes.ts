/**
 * The event log, newest first: who changed what, and when. An organization reads its own at
 * `/organizations/events`; platform admins read every event at `/admin/events`.
 */
import type { DomainEvent } from "@roster/domain"
import { Audit, ListAllEvents, ListEvents, Member } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Input from "./Input.js"
import * as Reply from "./Reply.js"
import * as Route from "./Route.js"

/** The domain's `ListEvents`, with page and size read from strings; `type` repeats or lists with commas. */
export const ListEventsQuery = Schema.Struct({
  ...ListEvents.fields,
  ...Input.pageFields
})

/** The platform's log: the same, plus `organizationId`. */
export const ListAllEventsQuery = Schema.Struct({
  ...ListAllEvents.fields,
  ...Input.pageFields
})

export interface EventResponse {
  readonly id: string
  readonly type: string
  readonly userId: string | null
  readonly actor: { readonly type: string; readonly id: string | null }
  readonly before: Readonly<Record<string, unknown>> | null
  readonly after: Readonly<Record<string, unknown>> | null
  readonly reason: string | null
  readonly at: string
}

export const fromEvent = (event: DomainEvent.DomainEvent): EventResponse => ({
  id: event.id,
  type: event.type,
  userId: event.userId,
  actor: event.actor,
  before: event.before,
  after: event.after,
  reason: event.reason,
  at: event.at.toISOString()
})

/** A platform admin sees which organization an event belongs to (`null`: the identity's own). */
export const fromPlatformEvent = (event: DomainEvent.DomainEvent) => ({
  ...fromEvent(event),
  organizationId: event.organizationId
})

const pageReply = <A>(page: Member.Page<DomainEvent.DomainEvent>, show: (event: DomainEvent.DomainEvent) => A) =>
  Reply.json(200, {
    content: page.items.map(show),
    totalElements: page.total,
    totalPages: Member.totalPages(page),
    size: page.size,
    number: page.page
  })

export const routes: ReadonlyArray<Route.Route> = [
  Route.make({
    method: "GET",
    path: "/organizations/events",
    summary: "The organization's audit log, newest first",
    success: { status: 200, body: "EventPage" },
    permission: "can_view_audit",
    query: ListEventsQuery,
    lists: ["type"],
    handle: ({ access, query }) =>
      Effect.flatMap(Audit, (audit) => audit.list(access, query)).pipe(Effect.map((page) => pageReply(page, fromEvent)))
  }),
  Route.make({
    method: "GET",
    path: "/admin/events",
    summary: "Every event, identity-level ones included, newest first",
    success: { status: 200, body: "PlatformEventPage" },
    guard: "platform",
    query: ListAllEventsQuery,
    lists: ["type"],
    handle: ({ session, query }) =>
      Effect.flatMap(Audit, (audit) => audit.listAll(session, query)).pipe(
        Effect.map((page) => pageReply(page, fromPlatformEvent))
      )
  })
]
