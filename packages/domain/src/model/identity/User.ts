import * as Schema from "effect/Schema"
import { UserId } from "../../kernel/Ids.js"
import * as Text from "../../kernel/Text.js"

export { Nfc } from "../../kernel/Text.js"

/** An email address as people type it: trimmed, in NFC, compared case-insensitively, stored as given. */
export const Email = Text.TrimmedNfc.pipe(
  Text.maxCharacters(254),
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "must be an email address such as ada@example.com" })
)

/** A display name for the identity, as the user or a platform admin gives it. */
export const UserName = Text.TrimmedNfc.pipe(
  Schema.minLength(1, { message: () => "must not be empty; send null to clear it" }),
  Text.maxCharacters(200)
)

/**
 * The global identity. One user may be a member of several organizations. Only non-secret account
 * state lives here: passwords, sessions and second factors sit behind ports of their own.
 */
export const User = Schema.Struct({
  id: UserId,
  email: Schema.String,
  /** Display name; null when none was given. */
  name: Schema.NullOr(Schema.String),
  idpId: Schema.NullOr(Schema.String),
  createdAt: Schema.DateFromSelf,
  lastSignedInAt: Schema.NullOr(Schema.DateFromSelf),
  /** When the email address was confirmed (by a verification link or a platform admin); null until then. */
  emailVerifiedAt: Schema.NullOr(Schema.DateFromSelf),
  /** When the user enabled a second factor (TOTP); null when none. */
  mfaEnrolledAt: Schema.NullOr(Schema.DateFromSelf),
  /** Platform admins administer every identity (`/admin/…`). There is always at least one. */
  isPlatformAdmin: Schema.Boolean,
  /** Platform deactivation: set, the identity cannot sign in anywhere. */
  disabledAt: Schema.NullOr(Schema.DateFromSelf),
  /** Set once the identity has been erased (every membership FORGOTTEN, or deleted by a platform admin). */
  erasedAt: Schema.NullOr(Schema.DateFromSelf)
})
export type User = typeof User.Type

/** A new identity: no name unless given, nothing verified, enrolled or granted. */
export const make = (fields: {
  readonly id: UserId
  readonly email: string
  readonly createdAt: Date
  readonly name?: string | null | undefined
  /** When the address counts as confirmed from the start (an organization created it with a password). */
  readonly emailVerifiedAt?: Date | null | undefined
}): User => ({
  id: fields.id,
  email: fields.email,
  name: fields.name ?? null,
  idpId: null,
  createdAt: fields.createdAt,
  lastSignedInAt: null,
  emailVerifiedAt: fields.emailVerifiedAt ?? null,
  mfaEnrolledAt: null,
  isPlatformAdmin: false,
  disabledAt: null,
  erasedAt: null
})

/** The address an erased identity keeps: unique, undeliverable (RFC 2606 `.invalid`), and free of personal data. */
export const tombstoneEmail = (id: UserId): string => `forgotten-${id}@erased.invalid`

/** The identity with its personal data erased; the id stays so that events still resolve. */
export const erase = (user: User, at: Date): User => ({
  ...user,
  email: tombstoneEmail(user.id),
  name: null,
  idpId: null,
  lastSignedInAt: null,
  emailVerifiedAt: null,
  mfaEnrolledAt: null,
  isPlatformAdmin: false,
  erasedAt: at
})

/** Whether the identity may sign in and use its sessions. */
export const canSignIn = (user: User): boolean => user.disabledAt === null && user.erasedAt === null

/**
 * The keys under which events record an identity's personal data (`email`, `name`, and where it
 * signed in from). `EventRepository.eraseIdentityData` removes exactly these.
 */
export const personalFields = ["email", "name", "ip", "userAgent"] as const
