import * as Schema from "effect/Schema"

export const all = [
  "can_view_users",
  "can_manage_users",
  "can_reset_2fa",
  "can_manage_roles",
  "can_manage_tokens",
  "can_view_audit"
] as const

export const Permission = Schema.Literal(...all)
export type Permission = typeof Permission.Type

/** Permissions that come with another one: managing users implies seeing them. */
const implied: { readonly [P in Permission]: ReadonlyArray<Permission> } = {
  can_view_users: [],
  can_manage_users: ["can_view_users"],
  can_reset_2fa: [],
  can_manage_roles: [],
  can_manage_tokens: [],
  can_view_audit: []
}

/** The permissions a holder of `held` effectively has, implications included. */
export const expand = (held: Iterable<Permission>): ReadonlySet<Permission> => {
  const result = new Set<Permission>()
  for (const permission of held) {
    result.add(permission)
    for (const extra of implied[permission]) result.add(extra)
  }
  return result
}

export const holds = (held: Iterable<Permission>, required: Permission): boolean => expand(held).has(required)

/** The permissions of `wanted` that `held` does not cover; empty when `held` covers them all. */
export const missing = (held: Iterable<Permission>, wanted: Iterable<Permission>): ReadonlyArray<Permission> => {
  const effective = expand(held)
  return [...new Set(wanted)].filter((permission) => !effective.has(permission))
}

/** A set of permissions as stored and shown: unique, in the canonical order of `all`. */
export const normalize = (permissions: Iterable<Permission>): ReadonlyArray<Permission> => {
  const set = new Set(permissions)
  return all.filter((permission) => set.has(permission))
}
