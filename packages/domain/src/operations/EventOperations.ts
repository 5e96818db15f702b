/**
 * The event log, newest first: who changed what, and when. An organization reads its own
 * (`can_view_audit`); platform admins read every event, identity-level ones included.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as AuditResponse from "../api/AuditResponse.js"
import * as UserInput from "../api/UserInput.js"
import { Audit, ListAllEvents, ListEvents } from "./Audit.js"
import * as Operation from "./Operation.js"

export const listEvents = Operation.make({
  id: "list-events",
  tag: "Events",
  summary: "The organization's audit log, newest first",
  guard: "organization",
  permission: "can_view_audit",
  input: Schema.Struct({ ...ListEvents.fields, ...UserInput.cursorPageFields }),
  success: AuditResponse.EventPageResponse,
  errors: [],
  run: ({ access }, input) =>
    Effect.flatMap(Audit, (audit) => audit.list(access, input)).pipe(Effect.map(AuditResponse.fromEvents))
})

export const listAllEvents = Operation.make({
  id: "list-all-events",
  tag: "Events",
  summary: "Every event, identity-level ones included, newest first",
  description: "Each event names its organization (null for an identity's own); `organizationId` narrows to one.",
  guard: "platform",
  input: Schema.Struct({ ...ListAllEvents.fields, ...UserInput.cursorPageFields }),
  success: AuditResponse.PlatformEventPageResponse,
  errors: [],
  run: ({ actor }, input) =>
    Effect.flatMap(Audit, (audit) => audit.listAll(actor, input)).pipe(Effect.map(AuditResponse.fromPlatformEvents))
})

export const all = [listEvents, listAllEvents] as const
