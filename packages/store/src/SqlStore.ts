/**
 * The domain's ports on `@effect/sql`, in PostgreSQL SQL. One code path serves both drivers
 * (embedded PGlite and a PostgreSQL server). Result columns arrive camelCased (see `Database`).
 * A failing query is a defect here: the ports promise only domain errors.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import type * as Statement from "@effect/sql/Statement"
import {
  DomainEvent,
  EventRepository,
  MemberRepository,
  Membership,
  Organization,
  OrganizationNameTaken,
  OrganizationRepository,
  OrganizationToken,
  Role,
  RoleRepository,
  TokenRepository,
  Transactor,
  UserRepository,
  type Member,
  type MemberQuery,
  type LockScope,
  User
} from "@roster/domain"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { orDie } from "./internal/orDie.js"
import * as RowLock from "./internal/rowLock.js"
import * as Rows from "./internal/rows.js"

/** How often, at most, a token's `lastUsedAt` is written: not on every request. */
const tokenUseResolutionSeconds = 60

/** `%text%` with LIKE's wildcards in `text` escaped. Lowered in SQL (`lower(…)`), as the columns are. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

// Where a table's columns are a domain value's fields, the domain's schema decodes its rows.
const organizationRows = Rows.decoder("organizations", Organization.Organization)
const roleRows = Rows.decoder("roles", Role.Role)
const userRows = Rows.decoder("users", User.User)
const tokenRows = Rows.decoder("organization_tokens", OrganizationToken.OrganizationToken)

/** A token that `use` found, and how many rows it touched: 1 when this use wrote `lastUsedAt`. */
const UsedTokenRow = Schema.Struct({ ...OrganizationToken.OrganizationToken.fields, touched: Schema.Number })
const usedTokenRows = Rows.decoder("organization_tokens (use)", UsedTokenRow)

/** A membership's role, joined as `role_name`, `role_permissions`, `role_is_default`. */
const roleColumns = {
  roleName: Role.Role.fields.name,
  rolePermissions: Role.Role.fields.permissions,
  roleIsDefault: Role.Role.fields.isDefault
}

/** A member as `memberColumns` selects it: the membership's columns, then the user's and the role's. */
const MemberRow = Schema.Struct({
  ...Membership.Membership.fields,
  userEmail: User.User.fields.email,
  userName: User.User.fields.name,
  userAvatarUrl: User.User.fields.avatarUrl,
  userIdpId: User.User.fields.idpId,
  userCreatedAt: User.User.fields.createdAt,
  userLastSignedInAt: User.User.fields.lastSignedInAt,
  userEmailVerifiedAt: User.User.fields.emailVerifiedAt,
  userMfaEnrolledAt: User.User.fields.mfaEnrolledAt,
  userIsPlatformAdmin: User.User.fields.isPlatformAdmin,
  userDisabledAt: User.User.fields.disabledAt,
  userErasedAt: User.User.fields.erasedAt,
  ...roleColumns
})
const memberRows = Rows.decoder("members", MemberRow)

/** A listed row with its sort key as a cursor writes it (`position_key`), for the page's `next`. */
const positioned = <F extends Schema.Struct.Fields>(fields: F) =>
  Schema.Struct({ ...fields, positionKey: Schema.String })
const positionedMemberRows = Rows.decoder("members", positioned(MemberRow.fields))
const positionedUserRows = Rows.decoder("users", positioned(User.User.fields))
const positionedTokenRows = Rows.decoder("organization_tokens", positioned(OrganizationToken.OrganizationToken.fields))
const positionedEventRows = Rows.decoder("events", positioned(DomainEvent.DomainEvent.fields))

/**
 * A page from its rows, asked for one more than `size`: that row only says whether another page
 * follows, and `next` is then the position of the page's last row.
 */
const paged = <A>(rows: ReadonlyArray<A>, size: number, position: (row: A) => ReadonlyArray<string>) =>
  rows.length > size
    ? { page: rows.slice(0, size), next: position(rows[size - 1]!) }
    : { page: rows, next: null as ReadonlyArray<string> | null }

/** One of a user's memberships: `m.*`, then its organization's name and creation time, then its role. */
const OrganizationMembershipRow = Schema.Struct({
  ...Membership.Membership.fields,
  organizationName: Organization.Organization.fields.name,
  organizationCreatedAt: Organization.Organization.fields.createdAt,
  ...roleColumns
})
const organizationMembershipRows = Rows.decoder("a user's memberships", OrganizationMembershipRow)

/** The membership's own fields of a row that holds more. */
const membershipOf = (row: Membership.Membership): Membership.Membership => ({
  id: row.id,
  userId: row.userId,
  organizationId: row.organizationId,
  roleId: row.roleId,
  status: row.status,
  firstName: row.firstName,
  lastName: row.lastName,
  title: row.title,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt
})

const roleOf = (row: Membership.Membership & Schema.Struct.Type<typeof roleColumns>): Role.Role => ({
  id: row.roleId,
  organizationId: row.organizationId,
  name: row.roleName,
  permissions: row.rolePermissions,
  isDefault: row.roleIsDefault
})

const toMember = (row: typeof MemberRow.Type): Member.Member => ({
  membership: membershipOf(row),
  user: {
    id: row.userId,
    email: row.userEmail,
    name: row.userName,
    avatarUrl: row.userAvatarUrl,
    idpId: row.userIdpId,
    createdAt: row.userCreatedAt,
    lastSignedInAt: row.userLastSignedInAt,
    emailVerifiedAt: row.userEmailVerifiedAt,
    mfaEnrolledAt: row.userMfaEnrolledAt,
    isPlatformAdmin: row.userIsPlatformAdmin,
    disabledAt: row.userDisabledAt,
    erasedAt: row.userErasedAt
  },
  role: roleOf(row)
})

const toOrganizationMembership = (row: typeof OrganizationMembershipRow.Type): Member.OrganizationMembership => ({
  organization: { id: row.organizationId, name: row.organizationName, createdAt: row.organizationCreatedAt },
  membership: membershipOf(row),
  role: roleOf(row)
})

/** Whether PostgreSQL ended the transaction to break a deadlock (SQLSTATE 40P01, `deadlock_detected`). */
const deadlocked = (cause: Cause.Cause<unknown>): boolean =>
  Chunk.some(
    Cause.defects(cause),
    (defect) => defect instanceof SqlError && (defect.cause as { readonly code?: unknown } | null)?.code === "40P01"
  )

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  /**
   * A page of rows and the total of all that match, in one round trip: the count, and the page joined
   * to it (no page row past the end, where the count alone comes back). Not `count(*) OVER ()` on the
   * page query: a window count reads every matching row before the first is returned (40 ms for the
   * first page of 10,000 members), and led PostgreSQL 15 to plan an organization's audit page as a walk
   * of every event. `count` is `SELECT count(*) AS total …`; `page` selects rows that have an `id`.
   */
  const countedPage = <A>(items: Rows.Decoder<A>, count: Statement.Fragment, page: Statement.Fragment) =>
    sql`
      WITH counted AS (${count})
      SELECT counted.total, page.* FROM counted LEFT JOIN LATERAL (${page}) page ON true`.pipe(
      Effect.flatMap((rows) =>
        Effect.zipWith(Rows.total(rows), items.all(rows.filter((row) => row.id !== null)), (total, decoded) => ({
          total,
          items: decoded
        }))
      )
    )

  const memberColumns = sql`
    m.id, m.user_id, m.organization_id, m.role_id, m.status, m.first_name, m.last_name, m.title,
    m.created_at, m.updated_at,
    u.email AS user_email, u.idp_id AS user_idp_id, u.created_at AS user_created_at,
    u.last_signed_in_at AS user_last_signed_in_at, u.mfa_enrolled_at AS user_mfa_enrolled_at,
    u.erased_at AS user_erased_at, u.name AS user_name, u.avatar_url AS user_avatar_url,
    u.email_verified_at AS user_email_verified_at,
    u.is_platform_admin AS user_is_platform_admin, u.disabled_at AS user_disabled_at,
    r.name AS role_name, r.permissions AS role_permissions, r.is_default AS role_is_default`

  const memberJoins = sql`memberships m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id`

  const organizations = OrganizationRepository.of({
    insert: (organization, roles) =>
      orDie(
        Effect.gen(function* () {
          const inserted = yield* sql`
            INSERT INTO organizations (id, name, created_at)
            VALUES (${organization.id}, ${organization.name}, ${organization.createdAt})
            ON CONFLICT ((lower(name))) DO NOTHING
            RETURNING id`
          if (inserted.length === 0) return yield* new OrganizationNameTaken({ name: organization.name })
          for (const role of roles) {
            yield* sql`
              INSERT INTO roles (id, organization_id, name, permissions, is_default)
              VALUES (${role.id}, ${role.organizationId}, ${role.name}, ${[...role.permissions]}, ${role.isDefault})`
          }
        })
      ),
    findById: (id) =>
      orDie(sql`SELECT * FROM organizations WHERE id = ${id}`.pipe(Effect.flatMap(organizationRows.first))),
    findByName: (name) =>
      orDie(
        sql`SELECT * FROM organizations WHERE lower(name) = lower(${name})`.pipe(Effect.flatMap(organizationRows.first))
      ),
    list: orDie(sql`SELECT * FROM organizations ORDER BY created_at, id`.pipe(Effect.flatMap(organizationRows.all)))
  })

  const roles = RoleRepository.of({
    list: (organizationId) =>
      orDie(
        sql`SELECT * FROM roles WHERE organization_id = ${organizationId} ORDER BY seq`.pipe(
          Effect.flatMap(roleRows.all)
        )
      ),
    findById: (organizationId, id) =>
      orDie(
        sql`SELECT * FROM roles WHERE organization_id = ${organizationId} AND id = ${id}`.pipe(
          Effect.flatMap(roleRows.first)
        )
      ),
    findByName: (organizationId, name) =>
      orDie(
        sql`SELECT * FROM roles WHERE organization_id = ${organizationId} AND lower(name) = lower(${name})`.pipe(
          Effect.flatMap(roleRows.first)
        )
      ),
    findDefault: (organizationId) =>
      orDie(
        sql`SELECT * FROM roles WHERE organization_id = ${organizationId} AND is_default`.pipe(
          Effect.flatMap(roleRows.first)
        )
      )
  })

  const findUserByEmail = (email: string) =>
    sql`SELECT * FROM users WHERE lower(email) = lower(${email})`.pipe(Effect.flatMap(userRows.first))

  const users = UserRepository.of({
    findByEmail: (email) => orDie(findUserByEmail(email)),
    insertOrGet: (user) =>
      orDie(
        Effect.gen(function* () {
          const inserted = yield* sql`
            INSERT INTO users (id, email, name, avatar_url, idp_id, created_at, last_signed_in_at, email_verified_at,
                               mfa_enrolled_at, is_platform_admin, disabled_at, erased_at)
            VALUES (${user.id}, ${user.email}, ${user.name}, ${user.avatarUrl}, ${user.idpId}, ${user.createdAt},
                    ${user.lastSignedInAt}, ${user.emailVerifiedAt}, ${user.mfaEnrolledAt}, ${user.isPlatformAdmin},
                    ${user.disabledAt}, ${user.erasedAt})
            ON CONFLICT ((lower(email))) DO NOTHING
            RETURNING *`
          if (inserted.length > 0) return yield* userRows.single(inserted)
          // Another transaction stored this email first: use its identity.
          return Option.getOrThrow(yield* findUserByEmail(user.email))
        })
      ),
    update: (user) =>
      orDie(
        sql`
        UPDATE users SET email = ${user.email}, name = ${user.name}, avatar_url = ${user.avatarUrl}, idp_id = ${user.idpId},
          last_signed_in_at = ${user.lastSignedInAt}, email_verified_at = ${user.emailVerifiedAt},
          mfa_enrolled_at = ${user.mfaEnrolledAt}, is_platform_admin = ${user.isPlatformAdmin},
          disabled_at = ${user.disabledAt}, erased_at = ${user.erasedAt}
        WHERE id = ${user.id} AND erased_at IS NULL`.pipe(Effect.asVoid)
      ),
    // `erased_at IS NULL` is checked again on the row as it is once a concurrent erasure commits.
    updateProfile: (id, profile) =>
      orDie(
        sql`
        UPDATE users SET name = ${profile.name}, avatar_url = ${profile.avatarUrl}
        WHERE id = ${id} AND erased_at IS NULL
        RETURNING id`.pipe(Effect.map((rows) => rows.length > 0))
      ),
    findById: (id) => orDie(sql`SELECT * FROM users WHERE id = ${id}`.pipe(Effect.flatMap(userRows.first))),
    // A deferred join: the rows an offset skips are walked in `users_list_idx` alone (an index-only
    // scan); only the page's rows are read whole. `q` ORs the email's and the name's trigram indexes.
    page: (query) =>
      orDie(
        Effect.gen(function* () {
          const clauses = [sql`erased_at IS NULL`]
          if (query.platformAdmin !== undefined) clauses.push(sql`is_platform_admin = ${query.platformAdmin}`)
          if (query.q !== undefined) {
            const pattern = sql`lower(${likePattern(query.q)})`
            clauses.push(sql`(lower(email) LIKE ${pattern} OR lower(name) LIKE ${pattern})`)
          }
          const where = sql.and(clauses)
          const keyset =
            query.after === undefined
              ? sql`WHERE ${where}`
              : sql`WHERE ${where} AND (lower(email), id) > (${query.after[0]}, ${query.after[1]}::uuid)`
          const { total, items } = yield* countedPage(
            positionedUserRows,
            sql`SELECT count(*) AS total FROM users WHERE ${where}`,
            sql`
              SELECT u.*, keys.email_key AS position_key FROM (
                SELECT id, lower(email) AS email_key FROM users ${keyset}
                ORDER BY lower(email), id LIMIT ${query.size + 1} OFFSET ${query.after === undefined ? query.page * query.size : 0}
              ) keys JOIN users u ON u.id = keys.id
              ORDER BY keys.email_key, keys.id`
          )
          const { page, next } = paged(items, query.size, (user) => [user.positionKey, user.id])
          return {
            items: page.map(({ positionKey: _, ...user }) => user),
            total,
            page: query.page,
            size: query.size,
            next
          }
        })
      ),
    countPlatformAdmins: orDie(
      sql`
        SELECT count(*) AS total FROM users
        WHERE is_platform_admin AND disabled_at IS NULL AND erased_at IS NULL`.pipe(Effect.flatMap(Rows.total))
    )
  })

  /**
   * The members `query` asks for, on `memberships m` alone: the email is copied onto each membership
   * (migration 0010), so that each search field has its trigram index in one table and the planner
   * ORs them (a bitmap union) instead of reading the organization's every member.
   */
  const memberFilter = (organizationId: string, query: MemberQuery) => {
    const clauses = [sql`m.organization_id = ${organizationId}`, sql`m.status = ANY(${[...query.statuses]})`]
    if (query.roleId !== undefined) clauses.push(sql`m.role_id = ${query.roleId}`)
    if (query.q !== undefined) {
      const pattern = sql`lower(${likePattern(query.q)})`
      clauses.push(sql`(m.email LIKE ${pattern}
        OR lower(m.first_name) LIKE ${pattern}
        OR lower(m.last_name) LIKE ${pattern}
        OR lower(m.first_name || ' ' || m.last_name) LIKE ${pattern})`)
    }
    if (query.email !== undefined) clauses.push(sql`m.email LIKE lower(${likePattern(query.email)})`)
    return sql.and(clauses)
  }

  /**
   * Each member order's key: its column on `memberships` (each with an index per organization,
   * covering status and role), how a cursor writes it, and how a cursor's text is compared with it.
   */
  const memberOrders = {
    createdAt: {
      column: sql`m.created_at`,
      position: sql`to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      value: (text: string) => sql`${text}::timestamptz`
    },
    email: { column: sql`m.email`, position: sql`m.email`, value: (text: string) => sql`${text}` },
    name: { column: sql`m.sort_name`, position: sql`m.sort_name`, value: (text: string) => sql`${text}` }
  }

  /**
   * Members in order, by a deferred join: the keys of the rows an offset skips are walked in the
   * order's covering index alone (an index-only scan without `q`), and `users` and `roles` are
   * joined for the page's rows only. One row more than the page tells whether another follows.
   */
  const memberKeys = (organizationId: string, query: MemberQuery) => {
    const sort = query.sort ?? "createdAt"
    const descending = sort.startsWith("-")
    const order = memberOrders[(descending ? sort.slice(1) : sort) as keyof typeof memberOrders]
    const direction = sql.literal(descending ? "DESC" : "ASC")
    const where = memberFilter(organizationId, query)
    const after =
      query.after === undefined
        ? where
        : sql`${where} AND (${order.column}, m.user_id) ${sql.literal(descending ? "<" : ">")} (${order.value(query.after[0]!)}, ${query.after[1]}::uuid)`
    const skip = query.after === undefined ? (query.offset ?? query.page * query.size) : 0
    return sql`
      SELECT ${memberColumns}, ${order.position} AS position_key FROM (
        SELECT m.user_id, ${order.column} AS sort_key FROM memberships m WHERE ${after}
        ORDER BY ${order.column} ${direction}, m.user_id ${direction} LIMIT ${query.size + 1} OFFSET ${skip}
      ) keys
      JOIN memberships m ON m.organization_id = ${organizationId} AND m.user_id = keys.user_id
      JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id
      ORDER BY keys.sort_key ${direction}, keys.user_id ${direction}`
  }

  /**
   * How many members `query` matches: from the counters (`membership_counts`, a few rows whatever
   * the organization's size) unless a search narrows them, then through the search's indexes.
   */
  const memberTotal = (organizationId: string, query: MemberQuery) =>
    query.q === undefined && query.email === undefined
      ? sql`
          SELECT coalesce(sum(members), 0)::bigint AS total FROM membership_counts
          WHERE organization_id = ${organizationId} AND status = ANY(${[...query.statuses]})
            ${query.roleId === undefined ? sql`` : sql`AND role_id = ${query.roleId}`}`
      : sql`SELECT count(*) AS total FROM memberships m WHERE ${memberFilter(organizationId, query)}`

  const updateMembership = (membership: Membership.Membership) => sql`
    UPDATE memberships SET role_id = ${membership.roleId}, status = ${membership.status},
      first_name = ${membership.firstName}, last_name = ${membership.lastName}, title = ${membership.title},
      updated_at = ${membership.updatedAt}
    WHERE id = ${membership.id}`

  const json = (value: unknown) => (value === null ? null : JSON.stringify(value))

  const insertEvent = (event: DomainEvent.DomainEvent) => sql`
    INSERT INTO events (id, organization_id, user_id, actor, type, before, after, reason, at)
    VALUES (${event.id}, ${event.organizationId}, ${event.userId}, ${json(event.actor)}::jsonb, ${event.type},
            ${json(event.before)}::jsonb, ${json(event.after)}::jsonb, ${event.reason}, ${event.at})`

  const members = MemberRepository.of({
    // Locked, the membership is read in a subquery and joined after: a row that a concurrent change
    // updated is locked as that change left it, and a join in the same scan would keep the role (and
    // user) it had before, so that a new role_id would match no role and the member would vanish.
    find: (organizationId, userId, lock) =>
      orDie(
        (lock === undefined
          ? sql`SELECT ${memberColumns} FROM ${memberJoins} WHERE m.organization_id = ${organizationId} AND m.user_id = ${userId}`
          : sql`
            SELECT ${memberColumns}
            FROM (
              SELECT * FROM memberships WHERE organization_id = ${organizationId} AND user_id = ${userId}${sql.literal(RowLock.clause(lock, "memberships"))}
            ) m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id`
        ).pipe(Effect.flatMap(memberRows.first), Effect.map(Option.map(toMember)))
      ),
    page: (organizationId, query) =>
      orDie(
        Effect.gen(function* () {
          const { total, items } = yield* countedPage(
            positionedMemberRows,
            memberTotal(organizationId, query),
            memberKeys(organizationId, query)
          )
          const { page, next } = paged(items, query.size, (row) => [row.positionKey, row.userId])
          return { items: page.map(toMember), total, page: query.page, size: query.size, next }
        })
      ),
    insert: (membership) =>
      orDie(
        sql`
        INSERT INTO memberships (id, user_id, organization_id, role_id, status, first_name, last_name, title, created_at, updated_at)
        VALUES (${membership.id}, ${membership.userId}, ${membership.organizationId}, ${membership.roleId}, ${membership.status},
                ${membership.firstName}, ${membership.lastName}, ${membership.title}, ${membership.createdAt}, ${membership.updatedAt})`.pipe(
          Effect.asVoid
        )
      ),
    update: (membership: Membership.Membership) => orDie(updateMembership(membership).pipe(Effect.asVoid)),
    // The UPDATE runs as a data-modifying CTE of the INSERT: both happen, in one statement.
    record: (membership, event) =>
      orDie(sql`WITH changed AS (${updateMembership(membership)}) ${insertEvent(event)}`.pipe(Effect.asVoid)),
    // From the counters (`membership_counts`, migration 0009): a few rows, whatever the organization's
    // size. Exact for a caller holding `{ managers }`: a change that takes a manager away commits its
    // counters before the next one reads them.
    countActiveManagers: (organizationId) =>
      orDie(
        sql`
          SELECT coalesce(sum(c.members), 0)::bigint AS total FROM membership_counts c JOIN roles r ON r.id = c.role_id
          WHERE c.organization_id = ${organizationId} AND c.status = 'ACTIVE'
            AND 'can_manage_users' = ANY(r.permissions)`.pipe(Effect.flatMap(Rows.total))
      ),
    listForUser: (userId) =>
      orDie(
        sql`
          SELECT m.*, o.name AS organization_name, o.created_at AS organization_created_at,
                 r.name AS role_name, r.permissions AS role_permissions, r.is_default AS role_is_default
          FROM memberships m JOIN organizations o ON o.id = m.organization_id JOIN roles r ON r.id = m.role_id
          WHERE m.user_id = ${userId}
          ORDER BY m.created_at, m.organization_id`.pipe(
          Effect.flatMap(organizationMembershipRows.all),
          Effect.map((rows) => rows.map(toOrganizationMembership))
        )
      ),
    countUnforgotten: (userId) =>
      orDie(
        sql`SELECT count(*) AS total FROM memberships WHERE user_id = ${userId} AND status <> 'FORGOTTEN'`.pipe(
          Effect.flatMap(Rows.total)
        )
      )
  })

  const tokens = TokenRepository.of({
    insert: (token, hash) =>
      orDie(
        sql`
        INSERT INTO organization_tokens (id, organization_id, name, token_hash, permissions, created_at, expires_at, revoked_at,
                                         last_used_at, created_by_user_id)
        VALUES (${token.id}, ${token.organizationId}, ${token.name}, ${hash}, ${[...token.permissions]}, ${token.createdAt},
                ${token.expiresAt}, ${token.revokedAt}, ${token.lastUsedAt}, ${token.createdByUserId})`.pipe(
          Effect.asVoid
        )
      ),
    // One round trip on every authenticated request: find the usable token and, at most once a
    // minute, record its use.
    use: (hash, now) =>
      orDie(
        sql`
          WITH found AS (
            SELECT * FROM organization_tokens
            WHERE token_hash = ${hash} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${now})
          ), touched AS (
            UPDATE organization_tokens t SET last_used_at = ${now}
            FROM found
            WHERE t.id = found.id
              AND (found.last_used_at IS NULL OR found.last_used_at <= ${now}::timestamptz - make_interval(secs => ${tokenUseResolutionSeconds}))
            RETURNING t.id
          )
          SELECT found.*, (SELECT count(*) FROM touched) AS touched FROM found`.pipe(
          Effect.flatMap(usedTokenRows.first),
          Effect.map(
            Option.map(({ touched, ...token }) => ({ ...token, lastUsedAt: touched > 0 ? now : token.lastUsedAt }))
          )
        )
      ),
    findById: (organizationId, id, lock) =>
      orDie(
        sql`SELECT * FROM organization_tokens t WHERE organization_id = ${organizationId} AND id = ${id}${sql.literal(RowLock.clause(lock, "t"))}`.pipe(
          Effect.flatMap(tokenRows.first)
        )
      ),
    list: (organizationId) =>
      orDie(
        sql`SELECT * FROM organization_tokens WHERE organization_id = ${organizationId} ORDER BY created_at DESC, id DESC`.pipe(
          Effect.flatMap(tokenRows.all)
        )
      ),
    page: (organizationId, query) =>
      orDie(
        Effect.gen(function* () {
          const after =
            query.after === undefined
              ? sql``
              : sql`AND (created_at, id) < (${query.after[0]}::timestamptz, ${query.after[1]}::uuid)`
          const rows = yield* sql`
            SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position_key
            FROM organization_tokens WHERE organization_id = ${organizationId} ${after}
            ORDER BY created_at DESC, id DESC LIMIT ${query.size + 1}`.pipe(Effect.flatMap(positionedTokenRows.all))
          const { page, next } = paged(rows, query.size, (token) => [token.positionKey, token.id])
          return { items: page.map(({ positionKey: _, ...token }) => token), next }
        })
      ),
    update: (token) =>
      orDie(
        sql`
        UPDATE organization_tokens SET name = ${token.name}, expires_at = ${token.expiresAt}, revoked_at = ${token.revokedAt},
          last_used_at = ${token.lastUsedAt}
        WHERE id = ${token.id}`.pipe(Effect.asVoid)
      )
  })

  const events = EventRepository.of({
    append: (event) => orDie(insertEvent(event).pipe(Effect.asVoid)),
    // A deferred join, as for members: the sequence numbers an offset skips come from the scope's
    // index alone, the page's events are read whole.
    page: (scope, query) =>
      orDie(
        Effect.gen(function* () {
          const clauses = scope === "everywhere" ? [] : [sql`organization_id = ${scope}`]
          if (query.userId !== undefined) clauses.push(sql`user_id = ${query.userId}`)
          if (query.types !== undefined) clauses.push(sql`type = ANY(${[...query.types]})`)
          const where = sql.and(clauses)
          const after = query.after === undefined ? where : sql`${where} AND seq < ${query.after[0]}::bigint`
          const { total, items } = yield* countedPage(
            positionedEventRows,
            sql`SELECT count(*) AS total FROM events WHERE ${where}`,
            sql`
              SELECT e.*, e.seq::text AS position_key FROM (
                SELECT seq FROM events WHERE ${after}
                ORDER BY seq DESC LIMIT ${query.size + 1} OFFSET ${query.after === undefined ? query.page * query.size : 0}
              ) keys JOIN events e ON e.seq = keys.seq
              ORDER BY keys.seq DESC`
          )
          const { page, next } = paged(items, query.size, (event) => [event.positionKey])
          return {
            items: page.map(({ positionKey: _, ...event }) => event),
            total,
            page: query.page,
            size: query.size,
            next
          }
        })
      ),
    eraseMembershipData: (organizationId, userId) =>
      orDie(
        sql`
        UPDATE events SET before = before - ${["firstName", "lastName", "title"]}::text[],
                          after = after - ${["firstName", "lastName", "title"]}::text[],
                          reason = NULL
        WHERE organization_id = ${organizationId} AND user_id = ${userId}`.pipe(Effect.asVoid)
      ),
    eraseIdentityData: (userId) =>
      orDie(
        sql`
        UPDATE events SET before = before - ${[...User.personalFields]}::text[], after = after - ${[...User.personalFields]}::text[]
        WHERE user_id = ${userId}`.pipe(Effect.asVoid)
      )
  })

  /** Advisory-lock namespaces (the first key of `pg_advisory_xact_lock(int, int)`). */
  const platformLock = 727_000_002
  const loginThrottleLock = 727_000_003
  const managersLock = 727_000_004
  const emailLock = 727_000_005

  /**
   * A `LockScope`'s lock, taken in the transaction the statement runs in and released at its commit
   * or rollback. Keys are hashed into the second key: two that collide only wait for each other.
   * No lock covers an organization: changes lock the rows they change (ADR 0049).
   */
  const lock = (scope: Exclude<LockScope, null>) => {
    if (scope === "platform") return sql`SELECT pg_advisory_xact_lock(${platformLock}, 0)`
    if ("loginThrottle" in scope) {
      return sql`SELECT pg_advisory_xact_lock(${loginThrottleLock}, hashtext(${scope.loginThrottle}))`
    }
    if ("managers" in scope) {
      return sql`SELECT pg_advisory_xact_lock(${managersLock}, hashtext(${scope.managers}::text))`
    }
    // Case-insensitively, as emails are unique.
    return sql`SELECT pg_advisory_xact_lock(${emailLock}, hashtext(lower(${scope.email})))`
  }

  const transactor = Transactor.of({
    // The outermost transaction runs again (twice at most) when PostgreSQL ended it to break a
    // deadlock: locks are taken in one order (`LockScope`), but a cycle the order does not rule out
    // (two tokens revoking each other at once) should cost a retry, not an error.
    transaction: (scope) => (effect) => {
      const once = orDie(sql.withTransaction(scope === null ? effect : lock(scope).pipe(Effect.zipRight(effect))))
      return Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (outer) =>
        Option.isSome(outer)
          ? once
          : once.pipe(Effect.sandbox, Effect.retry({ times: 2, while: deadlocked }), Effect.unsandbox)
      ) as never
    },
    lock: (scope) => orDie(lock(scope).pipe(Effect.asVoid))
  })

  return { organizations, roles, users, members, tokens, events, transactor }
})

export type Ports =
  | OrganizationRepository
  | RoleRepository
  | UserRepository
  | MemberRepository
  | TokenRepository
  | EventRepository
  | Transactor

/** The organization ports on the `SqlClient` in context (schema migrated); `SqlIdentity` has the rest. */
export const layer: Layer.Layer<Ports, never, SqlClient.SqlClient> = Layer.effectContext(
  Effect.map(make, (ports) =>
    Context.make(OrganizationRepository, ports.organizations).pipe(
      Context.add(RoleRepository, ports.roles),
      Context.add(UserRepository, ports.users),
      Context.add(MemberRepository, ports.members),
      Context.add(TokenRepository, ports.tokens),
      Context.add(EventRepository, ports.events),
      Context.add(Transactor, ports.transactor)
    )
  )
)
