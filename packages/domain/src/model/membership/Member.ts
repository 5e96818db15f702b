import type { Membership } from "./Membership.js"
import type { Organization } from "../organization/Organization.js"
import type { Role } from "../organization/Role.js"
import type { User } from "../identity/User.js"

/** A user as one organization sees it: the identity, its membership there, and that membership's role. */
export interface Member {
  readonly user: User
  readonly membership: Membership
  readonly role: Role
}

/** One of a user's memberships as the user sees it: the organization, the membership, its role. */
export interface OrganizationMembership {
  readonly organization: Organization
  readonly membership: Membership
  readonly role: Role
}

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** How many items match in all, over every page. */
  readonly total: number
  readonly page: number
  readonly size: number
}

export const totalPages = (page: Pick<Page<unknown>, "total" | "size">): number => Math.ceil(page.total / page.size)
