/** The event log as an organization reads it: who changed what, when. */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Access } from "./Access.js"
import { EventType } from "./DomainEvent.js"
import { UserId } from "./Ids.js"
import * as Policy from "./Policy.js"
import { EventRepository } from "./Ports.js"
import { PageNumber, PageSize, defaultPageSize } from "./UserInput.js"

export const ListEvents = Schema.Struct({
  page: Schema.optionalWith(PageNumber, { default: () => 0 }),
  size: Schema.optionalWith(PageSize, { default: () => defaultPageSize }),
  userId: Schema.optional(UserId),
  type: Schema.optional(Schema.NonEmptyArray(EventType))
})
export type ListEvents = typeof ListEvents.Type

export class Audit extends Effect.Service<Audit>()("@roster/domain/Audit", {
  effect: Effect.gen(function* () {
    const events = yield* EventRepository
    const list = (access: Access, query: ListEvents) =>
      Policy.requirePermission(access, "can_view_audit").pipe(
        Effect.zipRight(
          events.page(access.organizationId, {
            page: query.page,
            size: query.size,
            userId: query.userId,
            types: query.type
          })
        )
      )
    return { list } as const
  })
}) {}
