/**
 * The platform's audit log: every event, or one user's events across every organization (and
 * none), newest first. The user index gains `seq` so that a user's history pages without a sort;
 * erasure, which rewrites one user's events, uses it as before.
 */
export const statements: ReadonlyArray<string> = [
  `CREATE INDEX events_user_seq_idx ON events (user_id, seq DESC)`,
  `DROP INDEX events_user_idx`
]
