/**
 * Request counts per window, shared by every server on the database (`RequestLimits`): the sign-in
 * routes' limit per client address. `key` is a keyed digest of what is counted (never an address in
 * clear); a row is swept once its window has ended.
 */
export const statements: ReadonlyArray<string> = [
  `CREATE TABLE request_limits (
    key text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    hits integer NOT NULL CHECK (hits >= 0)
  )`,
  // The sweep of ended windows.
  `CREATE INDEX request_limits_expires_idx ON request_limits (expires_at)`
]
