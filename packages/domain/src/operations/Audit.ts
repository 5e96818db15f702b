/**
 * The event log: who changed what, when. An organization reads its own (`can_view_audit`); platform
 * admins and the operator read every event, identity-level ones (sign-ins, sessions, second
 * factors, platform changes) included.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Access } from "../model/access/Access.js"
import { EventType } from "../model/event/DomainEvent.js"
import type { Actor } from "../model/access/Actor.js"
import { OrganizationId, UserId } from "../kernel/Ids.js"
import * as Policy from "../model/policy/Policy.js"
import { type EventScope, EventRepository } from "../ports/Ports.js"
import { eventCursor, PageNumber, positionOf, strictPageFields } from "../api/UserInput.js"
import * as Cursor from "../kernel/Cursor.js"

export const ListEvents = Schema.Struct({
  /** From 0; the first page when absent. Not with `cursor`. */
  page: Schema.optional(PageNumber),
  size: strictPageFields.size,
  /** Where an earlier page of this log stopped (its `next`): stable as events are appended. */
  cursor: Schema.optional(Cursor.Text),
  userId: Schema.optional(UserId),
  type: Schema.optional(Schema.NonEmptyArray(EventType))
})
export type ListEvents = typeof ListEvents.Type

/** The platform's log: like `ListEvents`, optionally narrowed to one organization. */
export const ListAllEvents = Schema.Struct({
  ...ListEvents.fields,
  organizationId: Schema.optional(OrganizationId)
})
export type ListAllEvents = typeof ListAllEvents.Type

export class Audit extends Effect.Service<Audit>()("@roster/domain/Audit", {
  effect: Effect.gen(function* () {
    const events = yield* EventRepository
    const page = (scope: EventScope, query: ListEvents) =>
      Effect.flatMap(positionOf(eventCursor, query), (cursor) =>
        events.page(scope, {
          page: cursor?.page ?? query.page ?? 0,
          size: query.size,
          after: cursor?.position,
          userId: query.userId,
          types: query.type
        })
      )

    /** The organization's events, newest first. */
    const list = (access: Access, query: ListEvents) =>
      Policy.requirePermission(access, "can_view_audit").pipe(Effect.zipRight(page(access.organizationId, query)))

    /** Every event (or one organization's), newest first: platform admins and the operator only. */
    const listAll = (actor: Actor, query: ListAllEvents) =>
      Policy.requirePlatformAdmin(actor).pipe(Effect.zipRight(page(query.organizationId ?? "everywhere", query)))

    return { list, listAll } as const
  })
}) {}
