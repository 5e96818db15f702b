import * as UserBindings from "./bindings/Users.js"

export * as Binding from "./Binding.js"
export { UserBindings }

/** Every operation the HTTP API serves, bound. */
export const bindings = [...UserBindings.bindings] as const
