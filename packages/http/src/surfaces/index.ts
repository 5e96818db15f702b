/** Each compatible surface's OpenAPI document, by the surface's id, and where it is served. */
import * as OrgUserAdminDocument from "./OrgUserAdminDocument.js"
import * as OrgUsersBasicDocument from "./OrgUsersBasicDocument.js"

export const documents: ReadonlyArray<{ readonly surface: string; readonly path: string; readonly document: unknown }> =
  [
    { surface: "org-user-admin", ...OrgUserAdminDocument },
    { surface: "org-users-basic", ...OrgUsersBasicDocument }
  ]
