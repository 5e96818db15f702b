/** Every operation the API serves, mounted from its binding: no route is written by hand. */
import { bindings } from "@roster/api"
import * as Route from "./Route.js"

export const routes = (publicUrl: string): ReadonlyArray<Route.Route> =>
  bindings.map((binding) => Route.fromBinding(binding, publicUrl))
