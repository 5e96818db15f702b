/**
 * Every operation Roster offers, declared once in its group: what every surface binds (the HTTP
 * API, the CLI, OpenAPI, the typed client), and what their tests are generated from.
 */
import * as AuthOperations from "./AuthOperations.js"
import * as CredentialOperations from "./CredentialOperations.js"
import * as EventOperations from "./EventOperations.js"
import * as MeOperations from "./MeOperations.js"
import type * as Operation from "./Operation.js"
import * as OrganizationOperations from "./OrganizationOperations.js"
import * as PlatformOperations from "./PlatformOperations.js"
import * as RoleOperations from "./RoleOperations.js"
import * as TokenOperations from "./TokenOperations.js"
import * as UserOperations from "./UserOperations.js"

const operations = [
  ...UserOperations.all,
  ...CredentialOperations.all,
  ...RoleOperations.all,
  ...TokenOperations.all,
  ...EventOperations.all,
  ...MeOperations.all,
  ...AuthOperations.all,
  ...PlatformOperations.all,
  ...OrganizationOperations.all
] as const

/** Any declared operation, with its own types: what a typed surface (the client) maps over. */
export type Declared = (typeof operations)[number]

export const all: ReadonlyArray<Operation.Any> = operations

/** Every operation by its id. */
export const byId: ReadonlyMap<string, Operation.Any> = new Map(all.map((operation) => [operation.id, operation]))
