/**
 * The event log, newest first: who changed what, and when. An organization reads its own at
 * `/organizations/events`; platform admins read every event at `/admin/events`.
 */
import { Audit, AuditResponse, ListAllEvents, ListEvents } from "@roster/domain"
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
      Effect.flatMap(Audit, (audit) => audit.list(access, query)).pipe(
        Effect.map((page) => Reply.json(200, AuditResponse.fromEventPage(page, AuditResponse.fromEvent)))
      )
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
        Effect.map((page) => Reply.json(200, AuditResponse.fromEventPage(page, AuditResponse.fromPlatformEvent)))
      )
  })
]
