/**
 * The first schema. Every list and look-up the repositories make has an index here; the comment
 * above each index names the query shape it serves.
 */
export const statements: ReadonlyArray<string> = [
  `CREATE EXTENSION IF NOT EXISTS pg_trgm`,

  `CREATE TABLE organizations (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  // Names are unique case-insensitively; also serves look-up by name.
  `CREATE UNIQUE INDEX organizations_name_key ON organizations (lower(name))`,

  `CREATE TABLE roles (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name text NOT NULL,
    permissions text[] NOT NULL,
    is_default boolean NOT NULL DEFAULT false,
    seq bigint GENERATED ALWAYS AS IDENTITY
  )`,
  // Role look-up by name within an organization, and unique names there.
  `CREATE UNIQUE INDEX roles_name_key ON roles (organization_id, lower(name))`,
  // At most one default role per organization; serves findDefault.
  `CREATE UNIQUE INDEX roles_default_key ON roles (organization_id) WHERE is_default`,
  // Roles of an organization in creation order.
  `CREATE INDEX roles_organization_idx ON roles (organization_id, seq)`,

  `CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    idp_id text,
    created_at timestamptz NOT NULL,
    last_signed_in_at timestamptz,
    mfa_enrolled_at timestamptz,
    erased_at timestamptz
  )`,
  // Emails are unique case-insensitively; serves findByEmail and insertOrGet.
  `CREATE UNIQUE INDEX users_email_key ON users (lower(email))`,
  // Search: partial, case-insensitive email match.
  `CREATE INDEX users_email_trgm_idx ON users USING gin (lower(email) gin_trgm_ops)`,

  `CREATE TABLE memberships (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role_id uuid NOT NULL REFERENCES roles (id),
    status text NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE', 'TERMINATED', 'REMOVED', 'FORGOTTEN')),
    first_name text,
    last_name text,
    title text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (organization_id, user_id)
  )`,
  // The list order (creation time, then user id) within an organization, filtered by status.
  `CREATE INDEX memberships_list_idx ON memberships (organization_id, created_at, user_id) INCLUDE (status, role_id)`,
  // Filter by role.
  `CREATE INDEX memberships_role_idx ON memberships (organization_id, role_id)`,
  // A user's memberships everywhere (erasure checks).
  `CREATE INDEX memberships_user_idx ON memberships (user_id)`,
  // The last-manager count looks only at ACTIVE memberships.
  `CREATE INDEX memberships_active_idx ON memberships (organization_id, role_id) WHERE status = 'ACTIVE'`,
  // Search: partial, case-insensitive name match.
  `CREATE INDEX memberships_first_name_trgm_idx ON memberships USING gin (lower(first_name) gin_trgm_ops)`,
  `CREATE INDEX memberships_last_name_trgm_idx ON memberships USING gin (lower(last_name) gin_trgm_ops)`,
  `CREATE INDEX memberships_full_name_trgm_idx ON memberships USING gin (lower(first_name || ' ' || last_name) gin_trgm_ops)`,

  `CREATE TABLE organization_tokens (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name text NOT NULL,
    token_hash text NOT NULL,
    permissions text[] NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
  )`,
  // Authentication looks tokens up by hash on every request.
  `CREATE UNIQUE INDEX organization_tokens_hash_key ON organization_tokens (token_hash)`,
  // An organization's tokens, newest first.
  `CREATE INDEX organization_tokens_organization_idx ON organization_tokens (organization_id, created_at DESC, id DESC)`,

  `CREATE TABLE events (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id uuid REFERENCES users (id),
    actor jsonb NOT NULL,
    type text NOT NULL,
    before jsonb,
    after jsonb,
    reason text,
    at timestamptz NOT NULL
  )`,
  // The audit log of an organization, newest first, optionally for one user or of some types.
  `CREATE INDEX events_organization_idx ON events (organization_id, seq DESC)`,
  `CREATE INDEX events_organization_user_idx ON events (organization_id, user_id, seq DESC)`,
  // Erasure rewrites one user's events everywhere.
  `CREATE INDEX events_user_idx ON events (user_id)`
]
