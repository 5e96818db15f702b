/**
 * Sign-in throttle keys become keyed digests (`KeyedHash`: HMAC-SHA-256 under a key derived from the
 * server's key), so that the table names neither a person nor an address. Every row so far was keyed
 * in clear — `email:<an address as typed>`, one row for every unknown email ever tried, or
 * `user:<id>` — and none of them will be looked up again. They are deleted rather than rewritten:
 * throttle state lives 15 minutes (the window and the lock), so deleting it forgets at most one
 * window of failed attempts, and that is the only effect. Nothing else could compute the digests
 * here anyway: the key is not in the database.
 */
export const statements: ReadonlyArray<string> = [`DELETE FROM login_throttle`]
