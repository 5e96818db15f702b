/**
 * The membership state machine: one table, one pure function.
 * No clock and no I/O here; the use cases put those around `transition`.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { InvalidTransition } from "./MembershipError.js"
import type { MembershipStatus } from "./MembershipStatus.js"

export const operations = [
  "updateProfile",
  "changeRole",
  "deactivate",
  "activate",
  "terminate",
  "reinstate",
  "remove",
  "forget",
  "resetMfa"
] as const

export const Operation = Schema.Literal(...operations)
export type Operation = typeof Operation.Type

/** The status after the operation, or `null` where the operation is not allowed. */
export type Table = { readonly [S in MembershipStatus]: { readonly [O in Operation]: MembershipStatus | null } }

const x = null

export const table: Table = {
  ACTIVE: {
    updateProfile: "ACTIVE",
    changeRole: "ACTIVE",
    deactivate: "INACTIVE",
    activate: x,
    terminate: "TERMINATED",
    reinstate: x,
    remove: "REMOVED",
    forget: x,
    resetMfa: "ACTIVE"
  },
  INACTIVE: {
    updateProfile: "INACTIVE",
    changeRole: "INACTIVE",
    deactivate: x,
    activate: "ACTIVE",
    terminate: "TERMINATED",
    reinstate: x,
    remove: "REMOVED",
    forget: x,
    resetMfa: "INACTIVE"
  },
  TERMINATED: {
    updateProfile: "TERMINATED",
    changeRole: x,
    deactivate: x,
    activate: x,
    terminate: x,
    reinstate: "ACTIVE",
    remove: "REMOVED",
    forget: "FORGOTTEN",
    resetMfa: "TERMINATED"
  },
  REMOVED: {
    updateProfile: x,
    changeRole: x,
    deactivate: x,
    activate: x,
    terminate: x,
    reinstate: x,
    remove: x,
    forget: "FORGOTTEN",
    resetMfa: x
  },
  FORGOTTEN: {
    updateProfile: x,
    changeRole: x,
    deactivate: x,
    activate: x,
    terminate: x,
    reinstate: x,
    remove: x,
    forget: x,
    resetMfa: x
  }
}

/** The status a membership moves to, or `InvalidTransition` when the table forbids the operation. */
export const transition = (
  from: MembershipStatus,
  operation: Operation
): Either.Either<MembershipStatus, InvalidTransition> => {
  const to = table[from][operation]
  return to === null ? Either.left(new InvalidTransition({ from, operation })) : Either.right(to)
}

/** Whether the table allows `operation` from `from`. */
export const allows = (from: MembershipStatus, operation: Operation): boolean => table[from][operation] !== null
