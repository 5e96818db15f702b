/**
 * Two query shapes that no index served, found by `test/QueryPlans.test.ts`: erasure deletes every
 * session of a user, revoked ones too, which the partial `sessions_user_idx` leaves out; and the
 * platform's audit log filtered by event type read every event to find the few of that type.
 */
export const statements: ReadonlyArray<string> = [
  // Erasure deletes a user's sessions whatever their state (`sessions_user_idx` keeps only live ones).
  `CREATE INDEX sessions_user_all_idx ON sessions (user_id)`,
  // The audit log of some types, newest first: everywhere (within an organization, its index narrows first).
  `CREATE INDEX events_type_idx ON events (type, seq DESC)`
]
