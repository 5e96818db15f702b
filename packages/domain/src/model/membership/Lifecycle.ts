/**
 * The membership state machine as data: each operation, the status it moves each allowed status to,
 * and the event that records it. One pure function decides every transition; no clock and no I/O
 * here — the use cases put those around `transition`.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { InvalidTransition } from "./MembershipError.js"
import * as MembershipStatus from "./MembershipStatus.js"

/** One operation of the state machine: where it may start, where it leads, and its event. */
export interface Definition {
  /** Each status the operation is allowed from, and the status it moves the membership to. */
  readonly moves: { readonly [S in MembershipStatus.MembershipStatus]?: MembershipStatus.MembershipStatus }
  readonly event: `user.${string}`
}

/** Every operation on an existing membership. A status missing from `moves` forbids it there. */
export const definitions = {
  updateProfile: {
    moves: { ACTIVE: "ACTIVE", INACTIVE: "INACTIVE", TERMINATED: "TERMINATED" },
    event: "user.profile_updated"
  },
  changeRole: { moves: { ACTIVE: "ACTIVE", INACTIVE: "INACTIVE" }, event: "user.role_changed" },
  deactivate: { moves: { ACTIVE: "INACTIVE" }, event: "user.deactivated" },
  activate: { moves: { INACTIVE: "ACTIVE" }, event: "user.activated" },
  terminate: { moves: { ACTIVE: "TERMINATED", INACTIVE: "TERMINATED" }, event: "user.terminated" },
  reinstate: { moves: { TERMINATED: "ACTIVE" }, event: "user.reinstated" },
  remove: { moves: { ACTIVE: "REMOVED", INACTIVE: "REMOVED", TERMINATED: "REMOVED" }, event: "user.removed" },
  forget: { moves: { TERMINATED: "FORGOTTEN", REMOVED: "FORGOTTEN" }, event: "user.forgotten" },
  resetMfa: {
    moves: { ACTIVE: "ACTIVE", INACTIVE: "INACTIVE", TERMINATED: "TERMINATED" },
    event: "user.mfa_reset"
  }
} as const satisfies Record<string, Definition>

export type Operation = keyof typeof definitions

export const operations = Object.keys(definitions) as ReadonlyArray<Operation> as readonly [Operation, ...Operation[]]

export const Operation = Schema.Literal(...operations)

/** The event each operation records. */
export type EventType = (typeof definitions)[Operation]["event"]

export const events = operations.map(
  (operation) => definitions[operation].event
) as ReadonlyArray<EventType> as readonly [EventType, ...EventType[]]

/** The status after the operation, or `null` where the operation is not allowed. */
export type Table = {
  readonly [S in MembershipStatus.MembershipStatus]: {
    readonly [O in Operation]: MembershipStatus.MembershipStatus | null
  }
}

/** Every status × every operation, as a table (the design's, cell for cell). */
export const table: Table = Object.fromEntries(
  MembershipStatus.all.map((from) => [
    from,
    Object.fromEntries(
      operations.map((operation) => [operation, (definitions[operation].moves as Definition["moves"])[from] ?? null])
    )
  ])
) as unknown as Table

/** The status a membership moves to, or `InvalidTransition` when the table forbids the operation. */
export const transition = (
  from: MembershipStatus.MembershipStatus,
  operation: Operation
): Either.Either<MembershipStatus.MembershipStatus, InvalidTransition> => {
  const to = table[from][operation]
  return to === null ? Either.left(new InvalidTransition({ from, operation })) : Either.right(to)
}

/** Whether the table allows `operation` from `from`. */
export const allows = (from: MembershipStatus.MembershipStatus, operation: Operation): boolean =>
  table[from][operation] !== null
