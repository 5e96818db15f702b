/**
 * org-users-basic (`shared/reference/org-users-basic.md`): list, add, update and remove an
 * organization's users at `/v1/organizations/users/…?action=…`, by email and role name, served over
 * Roster's own operations.
 */
import type * as Surface from "../Surface.js"

export const surface: Surface.Surface = {
  id: "org-users-basic",
  title: "Organization users (org-users-basic)",
  routes: [],
  status: (failure) => failure.status,
  error: (failure) => failure,
  contentType: "application/json"
}
