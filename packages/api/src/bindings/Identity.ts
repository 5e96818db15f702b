/** Signing in and out, one's own account, and platform administration. */
import { AuthOperations, EventOperations, MeOperations, PlatformOperations } from "@roster/domain"
import * as Binding from "../Binding.js"

const accounts = "/admin/users"
const account = `${accounts}/{userId}`

export const bindings: ReadonlyArray<Binding.Binding> = [
  Binding.make(AuthOperations.signIn, { method: "POST", path: "/auth/login" }),
  Binding.make(AuthOperations.signOut, { method: "POST", path: "/auth/logout" }),
  Binding.make(AuthOperations.signInWithMagicLink, { method: "POST", path: "/auth/magic-link" }),
  Binding.make(AuthOperations.verifyEmail, { method: "POST", path: "/auth/verify-email" }),

  Binding.make(MeOperations.viewMyAccount, { method: "GET", path: "/me" }),
  // PUT, as the contract's own `PUT …/profile`: absent fields stay, null clears (what PATCH would mean).
  Binding.make(MeOperations.updateMyProfile, { method: "PUT", path: "/me/profile" }),
  Binding.make(MeOperations.listMyOrganizations, { method: "GET", path: "/me/organizations" }),
  Binding.make(MeOperations.listMySessions, { method: "GET", path: "/me/sessions" }),
  Binding.make(MeOperations.revokeMySession, { method: "DELETE", path: "/me/sessions/{sessionId}" }),
  Binding.make(MeOperations.changeMyPassword, { method: "POST", path: "/me/password" }),
  Binding.make(MeOperations.startMyTotpEnrolment, { method: "POST", path: "/me/mfa/totp", status: 201 }),
  Binding.make(MeOperations.enableMyTotp, { method: "POST", path: "/me/mfa/totp/enable" }),
  Binding.make(MeOperations.disableMyMfa, { method: "POST", path: "/me/mfa/disable" }),

  Binding.make(PlatformOperations.listAccounts, { method: "GET", path: accounts }),
  Binding.make(PlatformOperations.createAccount, {
    method: "POST",
    path: accounts,
    status: 201,
    location: (created) => `${accounts}/${created.id}`
  }),
  Binding.make(PlatformOperations.viewAccount, { method: "GET", path: account }),
  Binding.make(PlatformOperations.deleteAccount, { method: "DELETE", path: account }),
  Binding.make(PlatformOperations.deactivateAccount, { method: "POST", path: `${account}/deactivate` }),
  Binding.make(PlatformOperations.reactivateAccount, { method: "POST", path: `${account}/reactivate` }),
  Binding.make(PlatformOperations.promoteAccount, { method: "POST", path: `${account}/promote` }),
  Binding.make(PlatformOperations.demoteAccount, { method: "POST", path: `${account}/demote` }),
  Binding.make(PlatformOperations.disableAccountMfa, { method: "POST", path: `${account}/disable-mfa` }),
  Binding.make(PlatformOperations.verifyAccountEmail, { method: "POST", path: `${account}/verify-email` }),
  Binding.make(PlatformOperations.resetAccountPassword, { method: "POST", path: `${account}/reset-password` }),
  Binding.make(EventOperations.listAllEvents, { method: "GET", path: "/admin/events" })
]
