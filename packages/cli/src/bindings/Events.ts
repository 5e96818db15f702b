/** `roster events list`: the audit log of an organization, or of everything (the platform's), newest first. */
import { DomainEvent, EventOperations } from "@roster/domain"
import * as Binding from "../Binding.js"
import * as Flag from "../Flag.js"
import * as Events from "../views/Events.js"

export const bindings = [
  Binding.make(EventOperations.listEvents, {
    noun: "events",
    verb: "list",
    description: "List what changed, newest first: in one organization, or everywhere",
    withoutOrg: EventOperations.listAllEvents,
    flags: [
      Flag.org("organization id or name (default: every event, identity-level ones included)"),
      Flag.text("userId", "--user <userId>", "only events about this user"),
      Flag.list("type", "--type <type>", `only events of this type (repeatable): ${DomainEvent.types.join(", ")}`, {
        commas: true,
        letterCase: "lower"
      }),
      Flag.page(),
      Flag.integer("size", "--size <n>", "events per page, 1 to 200 (default: 20)")
    ],
    view: Events.page
  })
]
