/**
 * org-user-admin (`shared/reference/org-user-admin.openapi.json` and `.md`): an organization's
 * user administration at `/v1/org/{orgId}/user…`, with snake_case DTOs and `ErrorRespDto` errors,
 * served over Roster's own operations.
 */
import type * as Surface from "../Surface.js"

export const surface: Surface.Surface = {
  id: "org-user-admin",
  title: "Organization user administration (org-user-admin)",
  routes: [],
  status: (failure) => failure.status,
  error: (failure) => failure,
  contentType: "application/json"
}
