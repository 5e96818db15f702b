import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { UserId } from "../../kernel/Ids.js"
import * as Text from "../../kernel/Text.js"

export { Nfc } from "../../kernel/Text.js"

/** An email address as people type it: trimmed, in NFC, compared case-insensitively, stored as given. */
export const Email = Text.TrimmedNfc.pipe(
  Text.maxCharacters(254),
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "must be an email address such as ada@example.com" })
)

/** A display name for the identity, as the user or a platform admin gives it: one line of text. */
export const UserName = Text.TrimmedNfc.pipe(
  Schema.minLength(1, { message: () => "must not be empty; send null to clear it" }),
  Text.maxCharacters(200),
  Text.withoutControlCharacters
)

export const maxAvatarUrlLength = 2048

const avatarUrlMessage = "must be an https:// URL, such as https://example.com/ada.png"

/**
 * The address of the user's picture, as other people's browsers will fetch it: an absolute `https:`
 * URL with a host and no credentials (`user:password@`), at most 2048 characters, kept as the URL
 * standard writes it (`https://Example.COM` is `https://example.com/`). No `http:` (mixed content),
 * no `javascript:` or `data:`, no spaces or control characters (a URL parser would drop them unseen).
 */
export const AvatarUrl = Schema.transformOrFail(Schema.Trim, Schema.String, {
  strict: true,
  decode: (text, _, ast) => {
    const refuse = (message: string) => ParseResult.fail(new ParseResult.Type(ast, text, message))
    if (text === "") return refuse(`${avatarUrlMessage}; send null to clear it`)
    if (Text.length(text) > maxAvatarUrlLength) return refuse(`must be at most ${maxAvatarUrlLength} characters`)
    if (/\s/.test(text) || Text.hasControlCharacter(text))
      return refuse("must not contain spaces or control characters")
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return refuse(avatarUrlMessage)
    }
    if (url.protocol !== "https:" || url.hostname === "") return refuse(avatarUrlMessage)
    if (url.username !== "" || url.password !== "") return refuse("must not contain credentials (user:password@)")
    // The standard's spelling may be longer (an IDN host in punycode): that is what is kept.
    return Text.length(url.href) > maxAvatarUrlLength
      ? refuse(`must be at most ${maxAvatarUrlLength} characters`)
      : ParseResult.succeed(url.href)
  },
  encode: ParseResult.succeed
}).annotations({ description: `An https:// URL without credentials, at most ${maxAvatarUrlLength} characters` })

/**
 * The global identity. One user may be a member of several organizations. Only non-secret account
 * state lives here: passwords, sessions and second factors sit behind ports of their own.
 */
export const User = Schema.Struct({
  id: UserId,
  email: Schema.String,
  /** Display name; null when none was given. */
  name: Schema.NullOr(Schema.String),
  /** The user's picture (`AvatarUrl`); null when none was given. */
  avatarUrl: Schema.NullOr(Schema.String),
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
  avatarUrl: null,
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
  avatarUrl: null,
  idpId: null,
  lastSignedInAt: null,
  emailVerifiedAt: null,
  mfaEnrolledAt: null,
  isPlatformAdmin: false,
  erasedAt: at
})

/** Whether the identity may sign in and use its sessions. */
export const canSignIn = (user: User): boolean => user.disabledAt === null && user.erasedAt === null

/** What the user sets of their own profile, as events record it (before and after a change). */
export const profileSnapshot = (user: User) => ({ name: user.name, avatarUrl: user.avatarUrl })

/**
 * The keys under which events record an identity's personal data (`email`, `name`, `avatarUrl`, and
 * where it signed in from). `EventRepository.eraseIdentityData` removes exactly these.
 */
export const personalFields = ["email", "name", "avatarUrl", "ip", "userAgent"] as const
