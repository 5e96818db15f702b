import * as Schema from "effect/Schema"

/**
 * Every entity is identified by a UUID, branded so that a RoleId can never stand in for a UserId.
 * Input in any case decodes to lowercase, the form ids are stored and compared in.
 */
const Uuid = Schema.compose(Schema.Lowercase, Schema.UUID)

export const OrganizationId = Uuid.pipe(Schema.brand("OrganizationId"))
export type OrganizationId = typeof OrganizationId.Type

export const UserId = Uuid.pipe(Schema.brand("UserId"))
export type UserId = typeof UserId.Type

export const MembershipId = Uuid.pipe(Schema.brand("MembershipId"))
export type MembershipId = typeof MembershipId.Type

export const RoleId = Uuid.pipe(Schema.brand("RoleId"))
export type RoleId = typeof RoleId.Type

export const TokenId = Uuid.pipe(Schema.brand("TokenId"))
export type TokenId = typeof TokenId.Type

export const EventId = Uuid.pipe(Schema.brand("EventId"))
export type EventId = typeof EventId.Type

export const SessionId = Uuid.pipe(Schema.brand("SessionId"))
export type SessionId = typeof SessionId.Type

export const OneTimeTokenId = Uuid.pipe(Schema.brand("OneTimeTokenId"))
export type OneTimeTokenId = typeof OneTimeTokenId.Type

/** A fresh random (v4) UUID. Web Crypto is a global on every runtime Roster supports. */
export const randomUuid = (): string => globalThis.crypto.randomUUID()
