/** The Users API: the contract's routes, plus add, deactivate, activate, remove and forget in the same style. */
import { UserBindings } from "@roster/api"
import * as Route from "./Route.js"

export const routes: ReadonlyArray<Route.Route> = UserBindings.bindings.map(Route.fromBinding)
