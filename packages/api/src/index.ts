export * as Binding from "./Binding.js"
export * as UserBindings from "./bindings/Users.js"
