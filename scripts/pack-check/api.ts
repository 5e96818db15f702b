/**
 * A consumer of @roster/api as the registry would serve it (see domain.ts): the API as data, read
 * without a server.
 */
import { Binding, bindings } from "@roster/api"

const check = (condition: boolean, what: string) => {
  if (!condition) throw new Error(`pack-check: ${what}`)
}

const terminate = bindings.find((binding) => binding.operation.id === "terminate-user")
check(terminate !== undefined, "terminate-user is bound")
check(terminate?.method === "POST" && terminate.path === "/organizations/users/{userId}/terminate", "its route")
check(Binding.expressPath(terminate?.path ?? "") === "/organizations/users/:userId/terminate", "express path")
const list = bindings.find((binding) => binding.operation.id === "list-users")
check(list?.rest === "query" && list.lists.includes("status"), "list-users reads status as a list")
console.log(`@roster/api works as installed: ${bindings.length} operations bound`)
