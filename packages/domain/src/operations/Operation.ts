/**
 * An operation as data: what it is called, who may call it, what it takes and answers, the state
 * machine transition and events it makes, the errors it can fail with, and the use case that runs
 * it. Each is declared once; every surface (the HTTP API, the CLI, OpenAPI, the typed client) is a
 * binding over these declarations and holds no business logic of its own.
 */
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type { DomainError } from "../api/ErrorCode.js"
import type { Access } from "../model/access/Access.js"
import type * as Actor from "../model/access/Actor.js"
import type { Permission } from "../model/access/Permission.js"
import type { EventType } from "../model/event/DomainEvent.js"
import type * as Lifecycle from "../model/membership/Lifecycle.js"

/**
 * Who may call an operation:
 * - `organization`: an actor of one organization (a token, or a member's session in it);
 * - `session`: a signed-in user, for their own account;
 * - `platform`: a platform admin (their full session over HTTP) or the operator (the CLI);
 * - `public`: anyone (signing in);
 * - `operator`: the operator (the CLI with direct access to the database), for what only it does
 *   (creating organizations, the first platform admin).
 */
export type Guard = "organization" | "session" | "platform" | "public" | "operator"

/** The groups operations are listed under (OpenAPI tags, CLI help). */
export type Tag = "Users" | "Roles" | "Tokens" | "Events" | "Me" | "Auth" | "Platform"

/** Where a call came from, kept with a session it starts. */
export interface Client {
  readonly userAgent?: string | undefined
  readonly ip?: string | undefined
}

interface Callers {
  readonly organization: { readonly access: Access }
  readonly session: { readonly session: Actor.SessionActor }
  /** Any actor: the use case checks it (`Policy.requirePlatformAdmin`), so the operator passes too. */
  readonly platform: { readonly actor: Actor.Actor }
  readonly public: {}
  readonly operator: { readonly actor: Actor.Operator }
}

/** The caller as the operation's guard established it, and where the call came from. */
export type Caller<G extends Guard> = Callers[G] & { readonly client: Client }

/** The `_tag` of every error an operation may declare. */
export type ErrorTag = DomainError["_tag"]

/** The errors of some tags. */
export type ErrorOf<T extends ErrorTag> = Extract<DomainError, { readonly _tag: T }>

/**
 * The errors every operation behind a guard may fail with, whatever it does: who are you, may you,
 * is the input well formed. A declaration lists only the errors of its own.
 */
export type ImpliedError<G extends Guard> = {
  readonly organization: "Unauthorized" | "Forbidden" | "OrganizationNotFound" | "ValidationFailed"
  readonly session: "Unauthorized" | "PasswordChangeRequired" | "ValidationFailed"
  readonly platform: "Unauthorized" | "Forbidden" | "PasswordChangeRequired" | "ValidationFailed"
  readonly public: "ValidationFailed"
  readonly operator: "Forbidden" | "ValidationFailed"
}[G]

export const impliedErrors: { readonly [G in Guard]: ReadonlyArray<ImpliedError<G>> } = {
  organization: ["Unauthorized", "Forbidden", "OrganizationNotFound", "ValidationFailed"],
  session: ["Unauthorized", "PasswordChangeRequired", "ValidationFailed"],
  platform: ["Unauthorized", "Forbidden", "PasswordChangeRequired", "ValidationFailed"],
  public: ["ValidationFailed"],
  operator: ["Forbidden", "ValidationFailed"]
}

/** A success schema, or `undefined` for an operation that answers nothing (`204`, `202`). */
export type Success = Schema.Schema.AnyNoContext | undefined

/** What an operation that answers nothing succeeds with: `void`, as its use case returns. */
// biome-ignore lint/suspicious/noConfusingVoidType: an Effect<void>, and a client method resolving to nothing
export type Nothing = void

/** What a success schema describes: its decoded type, `Nothing` when there is none. */
export type SuccessType<S extends Success> = S extends Schema.Schema.AnyNoContext ? Schema.Schema.Type<S> : Nothing

export interface Operation<
  Id extends string = string,
  G extends Guard = Guard,
  Fields extends Schema.Struct.Fields = any,
  S extends Success = Success,
  E extends ErrorTag = ErrorTag,
  R = any
> {
  /** Kebab-case and stable: the contract's own operationIds where it has them (`terminate-user`). */
  readonly id: Id
  readonly tag: Tag
  /** One line for people: help text, the OpenAPI summary. */
  readonly summary: string
  /** More for people, when one line is not enough. */
  readonly description?: string
  readonly guard: G
  /** The permission an `organization` operation needs; checked before any input is read. */
  readonly permission: Permission | null
  /**
   * Everything the operation takes, as one struct: the ids of what it acts on and its arguments.
   * Adapters decide where each field travels (an HTTP path segment, a query parameter, the body).
   */
  readonly input: Schema.Struct<Fields>
  readonly success: S
  /** The state machine's operation, for a membership transition. */
  readonly transition: Lifecycle.Operation | null
  /** The events a success records (none for a read). */
  readonly events: ReadonlyArray<EventType>
  /**
   * Every error the use case can fail with; `run`'s type holds it to this list, so that a new
   * failure cannot go undeclared (and undocumented).
   */
  readonly errors: ReadonlyArray<E>
  /** A read: it changes nothing, so an adapter may retry or probe it. */
  readonly readOnly: boolean
  readonly run: (
    caller: Caller<G>,
    input: Schema.Struct.Type<Fields>
  ) => Effect.Effect<SuccessType<S>, ErrorOf<E | ImpliedError<G>>, R>
}

/**
 * Any operation, whatever its types: what a generic adapter holds. It calls `run` with a caller
 * its guard established and an input its `input` schema decoded.
 */
export interface Any {
  readonly id: string
  readonly tag: Tag
  readonly summary: string
  readonly description?: string
  readonly guard: Guard
  readonly permission: Permission | null
  readonly input: Schema.Struct<any>
  readonly success: Success
  readonly transition: Lifecycle.Operation | null
  readonly events: ReadonlyArray<EventType>
  readonly errors: ReadonlyArray<ErrorTag>
  readonly readOnly: boolean
  readonly run: (caller: never, input: never) => Effect.Effect<unknown, DomainError, any>
}

/** Runs any operation: the caller must be what its guard established, the input what its schema decoded. */
export const runAny = (
  operation: Any,
  caller: Caller<Guard>,
  input: unknown
): Effect.Effect<unknown, DomainError, any> =>
  (operation.run as (caller: Caller<Guard>, input: unknown) => Effect.Effect<unknown, DomainError, any>)(caller, input)

/** The type of a declared operation's input, as a caller of the API writes it (the struct's encoded side). */
export type InputOf<O extends Any> = Schema.Struct.Encoded<O["input"]["fields"]>

/** The type of a declared operation's success body, as JSON carries it. */
export type OutputOf<O extends Any> = O["success"] extends Schema.Schema.AnyNoContext
  ? Schema.Schema.Encoded<O["success"]>
  : Nothing

/**
 * Declares an operation. The optional parts default to a read with no transition and no events;
 * `errors` must list every error `run` can fail with (the compiler holds `run` to it).
 */
export const make = <
  const Id extends string,
  G extends Guard,
  Fields extends Schema.Struct.Fields,
  S extends Success,
  const E extends ErrorTag,
  R
>(declaration: {
  readonly id: Id
  readonly tag: Tag
  readonly summary: string
  readonly description?: string
  readonly guard: G
  readonly permission?: Permission | null
  readonly input: Schema.Struct<Fields>
  readonly success: S
  readonly transition?: Lifecycle.Operation | null
  readonly events?: ReadonlyArray<EventType>
  readonly errors: ReadonlyArray<E>
  readonly readOnly?: boolean
  readonly run: (
    caller: Caller<G>,
    input: Schema.Struct.Type<Fields>
  ) => Effect.Effect<SuccessType<S>, ErrorOf<NoInfer<E> | ImpliedError<G>>, R>
}): Operation<Id, G, Fields, S, E, R> => ({
  ...declaration,
  permission: declaration.permission ?? null,
  transition: declaration.transition ?? null,
  events: declaration.events ?? [],
  readOnly: declaration.readOnly ?? (declaration.events ?? []).length === 0
})

/** `terminate-user` → `terminateUser`: the name a client method and a library function take. */
export const camelCase = (id: string): string => id.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())
