/** What a binding derives from its operation, and the rules every binding of the API keeps. */
import { CredentialOperations, UserOperations } from "@roster/domain"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { Binding, bindings } from "../src/index.js"

describe("Binding.make", () => {
  it("puts path fields in the path and the rest in the query of a GET, lists for arrays", () => {
    const list = Binding.make(UserOperations.listUsers, { method: "GET", path: "/organizations/users" })
    expect(list).toMatchObject({ pathFields: [], rest: "query", status: 200, safe: true })
    expect([...list.restFields].sort()).toEqual([
      "cursor",
      "email",
      "offset",
      "page",
      "q",
      "roleId",
      "size",
      "sort",
      "status"
    ])
    expect(list.lists).toEqual(["status"])
  })

  it("puts the rest in the body of a POST or PUT, and answers 204 when the operation answers nothing", () => {
    const reinstate = Binding.make(UserOperations.transitions.reinstate, {
      method: "POST",
      path: "/organizations/users/{userId}/reinstate"
    })
    expect(reinstate).toMatchObject({ pathFields: ["userId"], rest: "body", restFields: ["roleId"], lists: [] })
    const reset = Binding.make(CredentialOperations.resetUserPassword, {
      method: "POST",
      path: "/organizations/users/{userId}/reset-password"
    })
    expect(reset.status).toBe(204)
  })

  it("marks a GET unsafe when its operation records events (HEAD must not run it)", () => {
    const link = Binding.make(CredentialOperations.createUserMagicLink, {
      method: "GET",
      path: "/organizations/users/{userId}/magic-link"
    })
    expect(link.safe).toBe(false)
  })

  it("refuses a path naming a field the operation does not take", () => {
    expect(() => Binding.make(UserOperations.viewUser, { method: "GET", path: "/organizations/users/{id}" })).toThrow(
      /view-user: the path \/organizations\/users\/\{id\} names id, not in its input/
    )
  })

  it("splits the input schema: the rest decodes without the path's fields", () => {
    const profile = Binding.make(UserOperations.transitions.updateProfile, {
      method: "PUT",
      path: "/organizations/users/{userId}/profile"
    })
    const decoded = Schema.decodeUnknownSync(Binding.restSchema(profile))({ firstName: "Ada", title: null })
    expect(decoded).toEqual({ firstName: "Ada", title: null })
    expect(Binding.expressPath(profile.path)).toBe("/organizations/users/:userId/profile")
  })
})

describe("the API's bindings", () => {
  it("bind each operation once, each method and path once", () => {
    const ids = bindings.map((binding) => binding.operation.id)
    expect(new Set(ids).size).toBe(ids.length)
    const routes = bindings.map((binding) => `${binding.method} ${binding.path}`)
    expect(new Set(routes).size).toBe(routes.length)
  })

  it("bind no operation of the operator's own", () => {
    expect(bindings.filter((binding) => binding.operation.guard === "operator")).toEqual([])
  })

  it("answer 201 only where something is created, and say where when it can be read back", () => {
    for (const binding of bindings.filter((b) => b.status === 201)) {
      expect(binding.method).toBe("POST")
    }
    expect(bindings.filter((b) => b.location !== undefined).map((b) => b.operation.id)).toEqual([
      "add-user",
      "create-account"
    ])
  })
})
