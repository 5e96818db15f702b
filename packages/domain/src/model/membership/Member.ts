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
  /**
   * Where the next page starts (the sort key of the last item and its tie-breaker) when more items
   * follow; null on the last page. A store writes it as it compares it (`Cursor.Position`).
   */
  readonly next?: ReadonlyArray<string> | null
}

/** The orders of an organization's member list: by when they joined (the default), email or name; `-` descending. */
export const memberSorts = ["createdAt", "-createdAt", "email", "-email", "name", "-name"] as const
export type MemberSort = (typeof memberSorts)[number]

export const totalPages = (page: Pick<Page<unknown>, "total" | "size">): number => Math.ceil(page.total / page.size)
