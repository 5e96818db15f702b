import type { RowLock } from "@roster/domain"

/**
 * A `RowLock` as a locking clause on the table named `alias` (text to append as a literal, never a
 * parameter). `update` is `FOR NO KEY UPDATE`, the lock an UPDATE that keeps the key takes: rows
 * that reference the locked one (whose foreign-key checks lock it `FOR KEY SHARE`) are not held back.
 */
export const clause = (lock: RowLock | undefined, alias: string): string =>
  lock === undefined ? "" : lock === "share" ? ` FOR SHARE OF ${alias}` : ` FOR NO KEY UPDATE OF ${alias}`
