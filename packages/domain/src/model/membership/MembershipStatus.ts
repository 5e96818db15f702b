import * as Schema from "effect/Schema"

export const all = ["ACTIVE", "INACTIVE", "TERMINATED", "REMOVED", "FORGOTTEN"] as const

export const MembershipStatus = Schema.Literal(...all)
export type MembershipStatus = typeof MembershipStatus.Type

/** What a list shows unless a `status` filter asks for more: REMOVED and FORGOTTEN are history. */
export const listedByDefault: ReadonlyArray<MembershipStatus> = ["ACTIVE", "INACTIVE", "TERMINATED"]

/** A membership can be created in one of these. */
export const InitialStatus = Schema.Literal("ACTIVE", "INACTIVE")
export type InitialStatus = typeof InitialStatus.Type
