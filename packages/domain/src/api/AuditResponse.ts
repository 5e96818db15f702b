/**
 * Organization tokens and events as the HTTP API and the CLI's `--json` output show them, so that
 * scripts see one shape whichever they use.
 */
import type * as DomainEvent from "../model/event/DomainEvent.js"
import type { Page } from "../model/membership/Member.js"
import { totalPages } from "../model/membership/Member.js"
import type * as OrganizationToken from "../model/access/OrganizationToken.js"

export interface TokenResponse {
  readonly id: string
  readonly name: string
  readonly permissions: ReadonlyArray<string>
  readonly createdAt: string
  readonly expiresAt: string | null
  readonly revokedAt: string | null
  readonly lastUsedAt: string | null
  /** The member whose session minted it (it acts for them, within their role, while they are ACTIVE); null for the organization's own. */
  readonly createdByUserId: string | null
}

/** A token as listed: never its secret. */
export const fromToken = (token: OrganizationToken.OrganizationToken): TokenResponse => ({
  id: token.id,
  name: token.name,
  permissions: token.permissions,
  createdAt: token.createdAt.toISOString(),
  expiresAt: token.expiresAt?.toISOString() ?? null,
  revokedAt: token.revokedAt?.toISOString() ?? null,
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  createdByUserId: token.createdByUserId
})

/** A token just created: its secret (`token`), shown this once, right after its id. */
export const fromCreatedToken = (token: OrganizationToken.OrganizationToken, secret: string) => {
  const { id, ...rest } = fromToken(token)
  return { id, token: secret, ...rest }
}

export interface EventResponse {
  readonly id: string
  readonly type: string
  readonly userId: string | null
  readonly actor: { readonly type: string; readonly id: string | null }
  readonly before: Readonly<Record<string, unknown>> | null
  readonly after: Readonly<Record<string, unknown>> | null
  readonly reason: string | null
  readonly at: string
}

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
export const fromPlatformEvent = (event: DomainEvent.DomainEvent) => ({
  ...fromEvent(event),
  organizationId: event.organizationId
})

/** A page of events, paged like every list of the API. */
export const fromEventPage = <A>(page: Page<DomainEvent.DomainEvent>, show: (event: DomainEvent.DomainEvent) => A) => ({
  content: page.items.map(show),
  totalElements: page.total,
  totalPages: totalPages(page),
  size: page.size,
  number: page.page
})
