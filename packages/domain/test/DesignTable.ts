/**
 * The membership state machine exactly as DESIGN.md draws it, transcribed by hand so that the tests
 * check `Lifecycle` against the design rather than against itself.
 */
import type { Lifecycle, MembershipStatus } from "@roster/domain"

export const statuses = ["ACTIVE", "INACTIVE", "TERMINATED", "REMOVED", "FORGOTTEN"] as const

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

type Cell = "✓" | "✗" | MembershipStatus.MembershipStatus

// from \ operation: update profile | change role | deactivate | activate | terminate | reinstate(role) |
//                   remove(reason) | forget | reset MFA
const rows: {
  readonly [S in (typeof statuses)[number]]: readonly [Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell]
} = {
  ACTIVE: ["✓", "✓", "INACTIVE", "✗", "TERMINATED", "✗", "REMOVED", "✗", "✓"],
  INACTIVE: ["✓", "✓", "✗", "ACTIVE", "TERMINATED", "✗", "REMOVED", "✗", "✓"],
  TERMINATED: ["✓", "✗", "✗", "✗", "✗", "ACTIVE", "REMOVED", "FORGOTTEN", "✓"],
  REMOVED: ["✗", "✗", "✗", "✗", "✗", "✗", "✗", "FORGOTTEN", "✗"],
  FORGOTTEN: ["✗", "✗", "✗", "✗", "✗", "✗", "✗", "✗", "✗"]
}

/** Where `operation` takes a membership in status `from`, or `null` for ✗ (✓ keeps the status). */
export const expected = (
  from: MembershipStatus.MembershipStatus,
  operation: Lifecycle.Operation
): MembershipStatus.MembershipStatus | null => {
  const cell = rows[from][operations.indexOf(operation)]!
  return cell === "✗" ? null : cell === "✓" ? from : cell
}

/** Every cell of the table: 5 statuses × 9 operations. */
export const cells = statuses.flatMap((from) =>
  operations.map((operation) => ({ from, operation, to: expected(from, operation) }))
)

/** How the error message names each operation: "Cannot <words> a user whose status is <from>". */
export const operationWords: { readonly [O in Lifecycle.Operation]: string } = {
  updateProfile: "update the profile of",
  changeRole: "change the role of",
  deactivate: "deactivate",
  activate: "activate",
  terminate: "terminate",
  reinstate: "reinstate",
  remove: "remove",
  forget: "forget",
  resetMfa: "reset MFA for"
}
