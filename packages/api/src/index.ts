import * as IdentityBindings from "./bindings/Identity.js"
import * as OrganizationBindings from "./bindings/Organization.js"
import * as UserBindings from "./bindings/Users.js"

export * as Binding from "./Binding.js"
export * as Surface from "./Surface.js"
export { OrgUserAdmin, OrgUsersBasic, surfaces } from "./surfaces/index.js"
export { IdentityBindings, OrganizationBindings, UserBindings }

/** Every operation the HTTP API serves, bound. */
export const bindings: ReadonlyArray<import("./Binding.js").Binding> = [
  ...UserBindings.bindings,
  ...OrganizationBindings.bindings,
  ...IdentityBindings.bindings
]
