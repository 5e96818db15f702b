/**
 * The embedded database's files, for `roster db backup` and `restore` when no server holds them:
 * the store's backups. Loaded only for those commands, as `Database.ts` is for the others.
 */
import type { EmbeddedFiles } from "@roster/cli"
import { Archive, Backup } from "@roster/store"

export const files: EmbeddedFiles = {
  check: Archive.check,
  backup: Backup.take,
  restore: Backup.restore
}
