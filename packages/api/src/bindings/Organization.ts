/** The organization's roles, API tokens and audit log, and what its admins do about a member's sign-in. */
import { CredentialOperations, EventOperations, RoleOperations, TokenOperations } from "@roster/domain"
import * as Binding from "../Binding.js"

const tokens = "/organizations/tokens"
const user = "/organizations/users/{userId}"

export const bindings: ReadonlyArray<Binding.Binding> = [
  Binding.make(RoleOperations.viewOrganization, { method: "GET", path: "/organizations/current" }),
  Binding.make(RoleOperations.listRoles, { method: "GET", path: "/organizations/roles" }),
  Binding.make(TokenOperations.listTokens, { method: "GET", path: tokens }),
  // The only answer that ever holds the token's secret.
  Binding.make(TokenOperations.createToken, { method: "POST", path: tokens, status: 201 }),
  Binding.make(TokenOperations.revokeToken, { method: "DELETE", path: `${tokens}/{tokenId}` }),
  Binding.make(EventOperations.listEvents, { method: "GET", path: "/organizations/events" }),
  Binding.make(CredentialOperations.resetUserPassword, { method: "POST", path: `${user}/reset-password` }),
  // A GET that makes a link (and an event): HEAD must not make one nobody sees.
  Binding.make(CredentialOperations.createUserMagicLink, { method: "GET", path: `${user}/magic-link` }),
  Binding.make(CredentialOperations.createUserVerificationLink, { method: "POST", path: `${user}/email-verification` })
]
