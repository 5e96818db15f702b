/**
 * Lists at any depth (issue 11, ADR 0048). A member list is ordered, filtered and searched on
 * `memberships` alone, so that each order has an index within the organization and every search
 * field sits in one table, where the planner can OR their trigram indexes (a bitmap union):
 * - `email`: the member's email, lowercased, copied from `users` and kept exact by triggers (a new
 *   membership takes it; a changed email, an erasure's tombstone included, is written to every
 *   membership of that user in the same statement);
 * - `sort_name`: "first last", lowercased, generated from the membership's own names.
 * Both are `COLLATE "C"`: byte order is one order on every server, whatever its locale, that the
 * in-memory store reproduces and that keyset cursors compare with.
 */
export const statements: ReadonlyArray<string> = [
  `ALTER TABLE memberships ADD COLUMN email text COLLATE "C"`,
  `UPDATE memberships m SET email = lower(u.email) FROM users u WHERE u.id = m.user_id`,
  `ALTER TABLE memberships ALTER COLUMN email SET NOT NULL`,
  `ALTER TABLE memberships ADD COLUMN sort_name text COLLATE "C"
     GENERATED ALWAYS AS (lower(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) STORED`,

  // A writer that knows the email (a bulk seed) may give it; otherwise it is looked up.
  `CREATE FUNCTION memberships_take_email() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    NEW.email := (SELECT lower(email) FROM users WHERE id = NEW.user_id);
    RETURN NEW;
  END
  $$`,
  `CREATE TRIGGER memberships_take_email BEFORE INSERT ON memberships
    FOR EACH ROW WHEN (NEW.email IS NULL) EXECUTE FUNCTION memberships_take_email()`,
  `CREATE FUNCTION users_give_email() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE memberships SET email = lower(NEW.email) WHERE user_id = NEW.id;
    RETURN NULL;
  END
  $$`,
  `CREATE TRIGGER users_give_email AFTER UPDATE OF email ON users
    FOR EACH ROW WHEN (lower(OLD.email) IS DISTINCT FROM lower(NEW.email)) EXECUTE FUNCTION users_give_email()`,

  // One index per order, each covering the filters (status, role) so that the rows an offset skips
  // are walked in the index alone; `memberships_list_idx` (creation time) already is.
  `CREATE INDEX memberships_email_order_idx ON memberships (organization_id, email, user_id) INCLUDE (status, role_id)`,
  `CREATE INDEX memberships_name_order_idx ON memberships (organization_id, sort_name, user_id) INCLUDE (status, role_id)`,
  // The email's trigrams beside the names' (migration 0001), on the same table.
  `CREATE INDEX memberships_email_trgm_idx ON memberships USING gin (email gin_trgm_ops)`,

  // The platform's list of identities, in email order, skipped in the index alone. Not partial (to
  // the few erased identities): a partial index matching the list's own filter is one the planner
  // reads whole, in place of a search's trigram indexes.
  `CREATE INDEX users_list_idx ON users (lower(email), id) INCLUDE (is_platform_admin, erased_at)`
]
