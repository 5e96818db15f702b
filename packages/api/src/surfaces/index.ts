/** The compatible surfaces Roster serves beside its own API, each a table of routes over the same operations. */
import type * as Surface from "../Surface.js"
import * as OrgUserAdmin from "./OrgUserAdmin.js"
import * as OrgUsersBasic from "./OrgUsersBasic.js"

export { OrgUserAdmin, OrgUsersBasic }

export const surfaces: ReadonlyArray<Surface.Surface> = [OrgUserAdmin.surface, OrgUsersBasic.surface]
