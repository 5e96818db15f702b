/** The command tree as data: each noun, and the operations bound under it, in help order. */
import type { Binding } from "./Binding.js"
import * as Events from "./bindings/Events.js"
import * as Organizations from "./bindings/Organizations.js"
import * as Platform from "./bindings/Platform.js"
import * as Tokens from "./bindings/Tokens.js"
import * as Users from "./bindings/Users.js"

export interface Noun {
  readonly name: string
  readonly description: string
}

export const nouns: ReadonlyArray<Noun> = [
  { name: "orgs", description: "Create and list organizations" },
  { name: "roles", description: "List an organization's roles" },
  { name: "tokens", description: "Create, list and revoke organization API tokens" },
  { name: "users", description: "List and manage the members of an organization" },
  { name: "events", description: "Read the audit log" },
  { name: "admins", description: "Manage platform admins and accounts" },
  { name: "accounts", description: "Manage one identity across every organization" }
]

export const bindings: ReadonlyArray<Binding> = [
  ...Organizations.bindings,
  ...Tokens.bindings,
  ...Users.bindings,
  ...Events.bindings,
  ...Platform.bindings
]
