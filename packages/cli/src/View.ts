/**
 * Text for people, over what an operation answers: the same response shapes as `--json` prints (the
 * API's), never domain objects, so that a command reads the same whether it ran here or on a server.
 */
import type { OrganizationResponse } from "@roster/domain"
import type { Renderer } from "./Render.js"

/** What a view may read besides the answer. */
export interface Context {
  /** The organization `--org` named, as the API shows one; absent when the command took none. */
  readonly organization: OrganizationResponse.OrganizationResponse | undefined
  /** Its roles, when the view asked for them (`roles: true`): an answer names roles by id only. */
  readonly roles: OrganizationResponse.RoleListResponse
  /** When the command ran (whether a token has expired). */
  readonly now: Date
  /** What the ids a view asked about (`View.names`) stand for, for people: an email, a token's name. */
  readonly names?: ReadonlyMap<string, string>
}

/** Ids an answer holds that a view shows by name instead: users', tokens', organizations'. */
export interface Named {
  readonly users: ReadonlyArray<string>
  readonly tokens: ReadonlyArray<string>
  readonly organizations: ReadonlyArray<string>
}

export interface View<A> {
  /** Its text names the organization's roles: they are read too, for text output only. */
  readonly roles?: boolean
  /** The ids its text shows by name (read too, for text output only; an id that cannot be read stays). */
  readonly names?: (answer: A) => Named
  readonly text: (render: Renderer, answer: A, context: Context) => string
}

/** A role's name, by its id, among the organization's roles. */
export const roleName = (context: Context, roleId: string): string =>
  context.roles.find((role) => role.id === roleId)?.name ?? roleId

/** What `id` stands for, if the command found out; else the id itself. */
export const nameOf = (context: Context, id: string): string => context.names?.get(id) ?? id

/** The organization's name; the views that say it are of commands that require `--org`. */
export const organizationName = (context: Context): string => context.organization?.name ?? "the organization"
