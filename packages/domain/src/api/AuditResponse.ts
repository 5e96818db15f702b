/**
 * Organization tokens and events as the HTTP API and the CLI's `--json` output show them, so that
 * scripts see one shape whichever they use.
 */
import * as Schema from "effect/Schema"
import { IsoDateTime } from "../kernel/Time.js"
import { Permission } from "../model/access/Permission.js"
import type * as DomainEvent from "../model/event/DomainEvent.js"
import type { Page } from "../model/membership/Member.js"
import { totalPages } from "../model/membership/Member.js"
import { eventCursor } from "./UserInput.js"
import { nextCursor } from "./UserResponse.js"
import type * as OrganizationToken from "../model/access/OrganizationToken.js"

const DateTime = IsoDateTime

const iso = (date: Date | null): string | null => date?.toISOString() ?? null

/** A token as listed (`GET /organizations/tokens`, `DELETE …/{tokenId}`): never its secret. */
export const TokenResponse = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  permissions: Schema.Array(Permission),
  createdAt: DateTime,
  expiresAt: Schema.NullOr(DateTime),
  revokedAt: Schema.NullOr(DateTime),
  lastUsedAt: Schema.NullOr(DateTime),
  createdByUserId: Schema.NullOr(Schema.UUID).annotations({
    description:
      "The member whose session minted it: it acts for them, within their role, while their membership is ACTIVE. Null: the organization's own."
  })
})
export type TokenResponse = typeof TokenResponse.Type

export const TokenListResponse = Schema.Array(TokenResponse)
export type TokenListResponse = typeof TokenListResponse.Type

/**
 * A page of the token list: the same array, with the cursor of the page after it (null on the last)
 * as a non-enumerable `next`, which the body does not show and the HTTP layer answers as `Link`.
 */
export const tokenPage = (
  items: ReadonlyArray<TokenResponse>,
  next: string | null
): TokenListResponse & { readonly next: string | null } =>
  Object.defineProperty([...items], "next", { value: next, enumerable: false }) as unknown as TokenListResponse & {
    readonly next: string | null
  }

const { id: tokenId, ...tokenFields } = TokenResponse.fields

/** A token just created (`POST /organizations/tokens`): its secret, shown this once, right after its id. */
export const CreatedTokenResponse = Schema.Struct({
  id: tokenId,
  token: Schema.String.pipe(Schema.pattern(/^tot_[0-9A-Za-z]{52}$/)).annotations({
    description: "The secret to present: shown in this response only, never stored"
  }),
  ...tokenFields
})
export type CreatedTokenResponse = typeof CreatedTokenResponse.Type

/** A token as listed: never its secret. */
export const fromToken = (token: OrganizationToken.OrganizationToken): TokenResponse => ({
  id: token.id,
  name: token.name,
  permissions: token.permissions,
  createdAt: token.createdAt.toISOString(),
  expiresAt: iso(token.expiresAt),
  revokedAt: iso(token.revokedAt),
  lastUsedAt: iso(token.lastUsedAt),
  createdByUserId: token.createdByUserId
})

/** A token just created: its secret (`token`), shown this once, right after its id. */
export const fromCreatedToken = (token: OrganizationToken.OrganizationToken, secret: string): CreatedTokenResponse => {
  const { id, ...rest } = fromToken(token)
  return { id, token: secret, ...rest }
}

const Snapshot = Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/** An event in an organization's log (`GET /organizations/events`). */
export const EventResponse = Schema.Struct({
  id: Schema.UUID,
  type: Schema.String,
  userId: Schema.NullOr(Schema.UUID),
  actor: Schema.Struct({ type: Schema.String, id: Schema.NullOr(Schema.String) }),
  before: Snapshot,
  after: Snapshot,
  reason: Schema.NullOr(Schema.String),
  at: DateTime
})
export type EventResponse = typeof EventResponse.Type

/** An event in the platform's log (`GET /admin/events`): which organization it belongs to (`null`: the identity's own). */
export const PlatformEventResponse = Schema.Struct({
  ...EventResponse.fields,
  organizationId: Schema.NullOr(Schema.UUID)
})
export type PlatformEventResponse = typeof PlatformEventResponse.Type

/** A page of events, paged like every list of the API. */
const pageOf = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Struct({
    content: Schema.Array(item),
    totalElements: Schema.Int,
    totalPages: Schema.Int,
    size: Schema.Int,
    number: Schema.Int,
    /** The cursor of the page after this one (`cursor=…`), null on the last page. */
    next: Schema.NullOr(Schema.String)
  })

export const EventPageResponse = pageOf(EventResponse)
export type EventPageResponse = typeof EventPageResponse.Type

export const PlatformEventPageResponse = pageOf(PlatformEventResponse)
export type PlatformEventPageResponse = typeof PlatformEventPageResponse.Type

/** An event in an organization's log. */
export const fromEvent = (event: DomainEvent.DomainEvent): EventResponse => ({
  id: event.id,
  type: event.type,
  userId: event.userId,
  actor: event.actor,
  before: event.before,
  after: event.after,
  reason: event.reason,
  at: event.at.toISOString()
})

/** An event in the platform's log: which organization it belongs to (`null`: the identity's own). */
export const fromPlatformEvent = (event: DomainEvent.DomainEvent): PlatformEventResponse => ({
  ...fromEvent(event),
  organizationId: event.organizationId
})

/** A page of events, paged like every list of the API. */
export const fromEventPage = <A>(page: Page<DomainEvent.DomainEvent>, show: (event: DomainEvent.DomainEvent) => A) => ({
  content: page.items.map(show),
  totalElements: page.total,
  totalPages: totalPages(page),
  size: page.size,
  number: page.page,
  next: nextCursor(page, eventCursor)
})

/** An organization's log, a page of it. */
export const fromEvents = (page: Page<DomainEvent.DomainEvent>): EventPageResponse => fromEventPage(page, fromEvent)

/** The platform's log, a page of it. */
export const fromPlatformEvents = (page: Page<DomainEvent.DomainEvent>): PlatformEventPageResponse =>
  fromEventPage(page, fromPlatformEvent)
