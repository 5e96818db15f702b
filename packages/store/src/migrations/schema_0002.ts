/**
 * Identity: account state on users, and the secrets kept apart from them (credentials, sessions,
 * second factors, one-time tokens) with the indexes their look-ups need.
 */
export const statements: ReadonlyArray<string> = [
  `ALTER TABLE users
    ADD COLUMN name text,
    ADD COLUMN email_verified_at timestamptz,
    ADD COLUMN is_platform_admin boolean NOT NULL DEFAULT false,
    ADD COLUMN disabled_at timestamptz`,
  // The platform-admin count, and /admin/users lists by email.
  `CREATE INDEX users_platform_admin_idx ON users (id) WHERE is_platform_admin`,
  `CREATE INDEX users_name_trgm_idx ON users USING gin (lower(name) gin_trgm_ops)`,

  // Identity-level events belong to no organization.
  `ALTER TABLE events ALTER COLUMN organization_id DROP NOT NULL`,

  `CREATE TABLE credentials (
    user_id uuid PRIMARY KEY REFERENCES users (id),
    password_hash text NOT NULL,
    must_change_password boolean NOT NULL,
    changed_at timestamptz NOT NULL
  )`,

  `CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    token_hash text NOT NULL,
    purpose text NOT NULL CHECK (purpose IN ('full', 'password_change')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    user_agent text,
    ip text,
    revoked_at timestamptz
  )`,
  // Every session-authenticated request looks its session up by hash.
  `CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash)`,
  // A user's live sessions (listing, ending them all).
  `CREATE INDEX sessions_user_idx ON sessions (user_id, created_at DESC) WHERE revoked_at IS NULL`,

  `CREATE TABLE login_throttle (
    email_key text PRIMARY KEY,
    failures integer NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
  )`,

  `CREATE TABLE totp_factors (
    user_id uuid PRIMARY KEY REFERENCES users (id),
    sealed_secret text NOT NULL,
    created_at timestamptz NOT NULL,
    enabled_at timestamptz,
    last_used_step bigint
  )`,

  `CREATE TABLE recovery_codes (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    code_hash text NOT NULL,
    used_at timestamptz
  )`,
  // Redeeming a code looks it up by user and hash.
  `CREATE UNIQUE INDEX recovery_codes_user_hash_key ON recovery_codes (user_id, code_hash)`,

  `CREATE TABLE one_time_tokens (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    purpose text NOT NULL CHECK (purpose IN ('magic_link', 'email_verification')),
    token_hash text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_by jsonb NOT NULL
  )`,
  // Redeeming looks a token up by hash.
  `CREATE UNIQUE INDEX one_time_tokens_hash_key ON one_time_tokens (token_hash)`,
  `CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id)`
]
