import type { Actor } from "./Actor.js"
import type { OrganizationId } from "../../kernel/Ids.js"

/** Who acts, and in which organization. Every organization use case takes one. */
export interface Access {
  readonly actor: Actor
  readonly organizationId: OrganizationId
}
