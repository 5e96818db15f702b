import * as Schema from "effect/Schema"
import * as BearerToken from "../../kernel/BearerToken.js"
import { OrganizationId, TokenId, UserId } from "../../kernel/Ids.js"
import { Permission } from "./Permission.js"
import * as Text from "../../kernel/Text.js"

export const TokenName = Text.TrimmedNfc.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Text.maxCharacters(100)
)

/** An organization API token. The secret itself is never stored: only its SHA-256 hash. */
export const OrganizationToken = Schema.Struct({
  id: TokenId,
  organizationId: OrganizationId,
  name: Schema.String,
  permissions: Schema.Array(Permission),
  createdAt: Schema.DateFromSelf,
  expiresAt: Schema.NullOr(Schema.DateFromSelf),
  revokedAt: Schema.NullOr(Schema.DateFromSelf),
  lastUsedAt: Schema.NullOr(Schema.DateFromSelf),
  /**
   * The member whose session minted the token, or null for a token of the organization (minted by
   * the operator or by another token). A member's token acts for them: only while their membership
   * is ACTIVE and their identity may sign in, and never beyond their role's permissions at the time
   * of the call — so leaving, or being demoted, takes the token's power with it.
   */
  createdByUserId: Schema.NullOr(UserId)
})
export type OrganizationToken = typeof OrganizationToken.Type

export const prefix = "tot_"

/** The shape of a token as presented: `tot_` and 52 base62 characters (about 309 bits of entropy). */
export const format = BearerToken.pattern(prefix)

/** A new random token secret. */
export const generateSecret = (): string => BearerToken.generate(prefix)

/** The hash under which a token is stored and looked up (SHA-256: see `BearerToken.hash`). */
export const hash = BearerToken.hash

export const isUsable = (token: OrganizationToken, now: Date): boolean =>
  token.revokedAt === null && (token.expiresAt === null || token.expiresAt.getTime() > now.getTime())

/** How stale `lastUsedAt` may get before a use records it again: busy tokens write once a minute. */
export const lastUseResolutionMillis = 60_000

export const isDueForLastUse = (token: OrganizationToken, now: Date): boolean =>
  token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() >= lastUseResolutionMillis
