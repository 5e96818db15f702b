/**
 * The identity ports on `@effect/sql`: credentials, sessions, sign-in throttling, second factors and
 * one-time tokens. Secrets are stored only as hashes or sealed; rows never leave this module with
 * a hash in them.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import {
  Credential,
  CredentialRepository,
  LoginThrottle,
  LoginThrottleRepository,
  MfaRepository,
  OneTimeToken,
  OneTimeTokenRepository,
  Session,
  SessionRepository,
  TotpFactor,
  randomUuid
} from "@roster/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { orDie } from "./internal/orDie.js"
import * as RowLock from "./internal/rowLock.js"
import * as Rows from "./internal/rows.js"

/** How stale `lastSeenAt` may get before a request writes it again. */
const lastSeenResolutionSeconds = 60

// Each table's columns are a domain value's fields, and the domain's schema decodes its rows. A lookup
// hash (`token_hash`) is named by no schema, so decoding leaves it out of what the ports return.
const credentialRows = Rows.decoder("credentials", Credential.Credential)
const sessionRows = Rows.decoder("sessions", Session.Session)
const throttleRows = Rows.decoder("login_throttle", LoginThrottle.LoginThrottle)
const factorRows = Rows.decoder("totp_factors", TotpFactor.TotpFactor)
const oneTimeTokenRows = Rows.decoder("one_time_tokens", OneTimeToken.OneTimeToken)

/** A session that `use` found, and how many rows it touched: 1 when this use wrote `lastSeenAt`. */
const UsedSessionRow = Schema.Struct({ ...Session.Session.fields, touched: Schema.Number })
const usedSessionRows = Rows.decoder("sessions (use)", UsedSessionRow)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const credentials = CredentialRepository.of({
    get: (userId) =>
      orDie(sql`SELECT * FROM credentials WHERE user_id = ${userId}`.pipe(Effect.flatMap(credentialRows.first))),
    put: (credential) =>
      orDie(
        sql`
          INSERT INTO credentials (user_id, password_hash, must_change_password, changed_at)
          VALUES (${credential.userId}, ${credential.passwordHash}, ${credential.mustChangePassword}, ${credential.changedAt})
          ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash,
            must_change_password = EXCLUDED.must_change_password, changed_at = EXCLUDED.changed_at`.pipe(Effect.asVoid)
      ),
    delete: (userId) => orDie(sql`DELETE FROM credentials WHERE user_id = ${userId}`.pipe(Effect.asVoid))
  })

  const sessions = SessionRepository.of({
    insert: (session, hash) =>
      orDie(
        sql`
          INSERT INTO sessions (id, user_id, token_hash, purpose, created_at, expires_at, last_seen_at, user_agent, ip, revoked_at)
          VALUES (${session.id}, ${session.userId}, ${hash}, ${session.purpose}, ${session.createdAt}, ${session.expiresAt},
                  ${session.lastSeenAt}, ${session.userAgent}, ${session.ip}, ${session.revokedAt})`.pipe(Effect.asVoid)
      ),
    // One round trip on every session-authenticated request; writes lastSeenAt at most once a minute.
    use: (hash, now) =>
      orDie(
        sql`
          WITH found AS (
            SELECT * FROM sessions
            WHERE token_hash = ${hash} AND revoked_at IS NULL AND expires_at > ${now}
          ), touched AS (
            UPDATE sessions s SET last_seen_at = ${now}
            FROM found
            WHERE s.id = found.id
              AND found.last_seen_at <= ${now}::timestamptz - make_interval(secs => ${lastSeenResolutionSeconds})
            RETURNING s.id
          )
          SELECT found.*, (SELECT count(*) FROM touched) AS touched FROM found`.pipe(
          Effect.flatMap(usedSessionRows.first),
          Effect.map(
            Option.map(({ touched, ...session }) => ({
              ...session,
              lastSeenAt: touched > 0 ? now : session.lastSeenAt
            }))
          )
        )
      ),
    listUsable: (userId, now) =>
      orDie(
        sql`
          SELECT * FROM sessions
          WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > ${now}
          ORDER BY created_at DESC, id DESC`.pipe(Effect.flatMap(sessionRows.all))
      ),
    find: (userId, id, lock) =>
      orDie(
        sql`SELECT * FROM sessions s WHERE user_id = ${userId} AND id = ${id}${sql.literal(RowLock.clause(lock, "s"))}`.pipe(
          Effect.flatMap(sessionRows.first)
        )
      ),
    revoke: (userId, id, at) =>
      orDie(
        sql`
          UPDATE sessions SET revoked_at = ${at}
          WHERE user_id = ${userId} AND id = ${id} AND revoked_at IS NULL
          RETURNING id`.pipe(Effect.map((rows) => rows.length > 0))
      ),
    revokeAll: (userId, at, except) =>
      orDie(
        sql`
          UPDATE sessions SET revoked_at = ${at}
          WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > ${at}
            ${except === undefined ? sql`` : sql`AND id <> ${except}`}
          RETURNING id`.pipe(Effect.map((rows) => rows.length))
      ),
    setPurpose: (id, purpose) =>
      orDie(sql`UPDATE sessions SET purpose = ${purpose} WHERE id = ${id}`.pipe(Effect.asVoid)),
    deleteAll: (userId) => orDie(sql`DELETE FROM sessions WHERE user_id = ${userId}`.pipe(Effect.asVoid))
  })

  const loginThrottle = LoginThrottleRepository.of({
    get: (emailKey) =>
      orDie(sql`SELECT * FROM login_throttle WHERE email_key = ${emailKey}`.pipe(Effect.flatMap(throttleRows.first))),
    put: (throttle) =>
      orDie(
        sql`
          INSERT INTO login_throttle (email_key, failures, window_start, locked_until)
          VALUES (${throttle.emailKey}, ${throttle.failures}, ${throttle.windowStart}, ${throttle.lockedUntil})
          ON CONFLICT (email_key) DO UPDATE SET failures = EXCLUDED.failures, window_start = EXCLUDED.window_start,
            locked_until = EXCLUDED.locked_until`.pipe(Effect.asVoid)
      ),
    clear: (emailKey) => orDie(sql`DELETE FROM login_throttle WHERE email_key = ${emailKey}`.pipe(Effect.asVoid))
  })

  const mfa = MfaRepository.of({
    getTotp: (userId) =>
      orDie(sql`SELECT * FROM totp_factors WHERE user_id = ${userId}`.pipe(Effect.flatMap(factorRows.first))),
    putTotp: (factor) =>
      orDie(
        sql`
          INSERT INTO totp_factors (user_id, sealed_secret, created_at, enabled_at, last_used_step)
          VALUES (${factor.userId}, ${factor.sealedSecret}, ${factor.createdAt}, ${factor.enabledAt}, ${factor.lastUsedStep})
          ON CONFLICT (user_id) DO UPDATE SET sealed_secret = EXCLUDED.sealed_secret, created_at = EXCLUDED.created_at,
            enabled_at = EXCLUDED.enabled_at, last_used_step = EXCLUDED.last_used_step`.pipe(Effect.asVoid)
      ),
    deleteTotp: (userId) => orDie(sql`DELETE FROM totp_factors WHERE user_id = ${userId}`.pipe(Effect.asVoid)),
    // One conditional UPDATE: of two sign-ins with one code, only one can move the step forward.
    setLastUsedStep: (userId, step) =>
      orDie(
        sql`
          UPDATE totp_factors SET last_used_step = ${step}
          WHERE user_id = ${userId} AND (last_used_step IS NULL OR last_used_step < ${step})
          RETURNING user_id`.pipe(Effect.map((rows) => rows.length > 0))
      ),
    replaceRecoveryCodes: (userId, codeHashes) =>
      orDie(
        Effect.gen(function* () {
          yield* sql`DELETE FROM recovery_codes WHERE user_id = ${userId}`
          if (codeHashes.length === 0) return
          yield* sql`INSERT INTO recovery_codes ${sql.insert(
            codeHashes.map((codeHash) => ({ id: randomUuid(), userId, codeHash, usedAt: null }))
          )}`
        })
      ),
    consumeRecoveryCode: (userId, codeHash, at) =>
      orDie(
        sql`
          UPDATE recovery_codes SET used_at = ${at}
          WHERE user_id = ${userId} AND code_hash = ${codeHash} AND used_at IS NULL
          RETURNING id`.pipe(Effect.map((rows) => rows.length > 0))
      ),
    countUnusedRecoveryCodes: (userId) =>
      orDie(
        sql`SELECT count(*) AS total FROM recovery_codes WHERE user_id = ${userId} AND used_at IS NULL`.pipe(
          Effect.flatMap(Rows.total)
        )
      ),
    deleteRecoveryCodes: (userId) =>
      orDie(sql`DELETE FROM recovery_codes WHERE user_id = ${userId}`.pipe(Effect.asVoid))
  })

  const oneTimeTokens = OneTimeTokenRepository.of({
    insert: (token, hash) =>
      orDie(
        sql`
          INSERT INTO one_time_tokens (id, user_id, purpose, token_hash, created_at, expires_at, used_at, created_by)
          VALUES (${token.id}, ${token.userId}, ${token.purpose}, ${hash}, ${token.createdAt}, ${token.expiresAt},
                  ${token.usedAt}, ${JSON.stringify(token.createdBy)}::jsonb)`.pipe(Effect.asVoid)
      ),
    consume: (hash, purpose, now) =>
      orDie(
        sql`
          UPDATE one_time_tokens SET used_at = ${now}
          WHERE token_hash = ${hash} AND purpose = ${purpose} AND used_at IS NULL AND expires_at > ${now}
          RETURNING *`.pipe(Effect.flatMap(oneTimeTokenRows.first))
      ),
    find: (hash, purpose, now) =>
      orDie(
        sql`
          SELECT * FROM one_time_tokens
          WHERE token_hash = ${hash} AND purpose = ${purpose} AND used_at IS NULL AND expires_at > ${now}`.pipe(
          Effect.flatMap(oneTimeTokenRows.first)
        )
      ),
    deleteAll: (userId) => orDie(sql`DELETE FROM one_time_tokens WHERE user_id = ${userId}`.pipe(Effect.asVoid))
  })

  return { credentials, sessions, loginThrottle, mfa, oneTimeTokens }
})

export type Ports =
  | CredentialRepository
  | SessionRepository
  | LoginThrottleRepository
  | MfaRepository
  | OneTimeTokenRepository

export const layer: Layer.Layer<Ports, never, SqlClient.SqlClient> = Layer.effectContext(
  Effect.map(make, (ports) =>
    Context.make(CredentialRepository, ports.credentials).pipe(
      Context.add(SessionRepository, ports.sessions),
      Context.add(LoginThrottleRepository, ports.loginThrottle),
      Context.add(MfaRepository, ports.mfa),
      Context.add(OneTimeTokenRepository, ports.oneTimeTokens)
    )
  )
)
