/** The Users API: the contract's operations at the contract's paths, and the rest in the same style. */
import { UserOperations } from "@roster/domain"
import * as Binding from "../Binding.js"

const users = "/organizations/users"
const user = `${users}/{userId}`
const { transitions } = UserOperations

export const bindings: ReadonlyArray<Binding.Binding> = [
  Binding.make(UserOperations.listUsers, { method: "GET", path: users }),
  Binding.make(UserOperations.addUser, {
    method: "POST",
    path: users,
    status: 201,
    location: (member) => `${users}/${member.id}`
  }),
  Binding.make(UserOperations.viewUser, { method: "GET", path: user }),
  Binding.make(transitions.updateProfile, { method: "PUT", path: `${user}/profile` }),
  Binding.make(transitions.changeRole, { method: "PUT", path: `${user}/role` }),
  Binding.make(transitions.deactivate, { method: "POST", path: `${user}/deactivate` }),
  Binding.make(transitions.activate, { method: "POST", path: `${user}/activate` }),
  Binding.make(transitions.terminate, { method: "POST", path: `${user}/terminate` }),
  Binding.make(transitions.reinstate, { method: "POST", path: `${user}/reinstate` }),
  Binding.make(transitions.remove, { method: "POST", path: `${user}/remove` }),
  Binding.make(transitions.forget, { method: "POST", path: `${user}/forget` }),
  // The contract: 202 Accepted with no body.
  Binding.make(transitions.resetMfa, { method: "POST", path: `${user}/reset-mfa`, status: 202 })
]
