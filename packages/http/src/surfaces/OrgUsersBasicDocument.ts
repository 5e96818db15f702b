/** The OpenAPI document of the org-users-basic surface, served at `path`: derived from its routes. */
import { OrgUsersBasic } from "@roster/api"
import * as SurfaceOpenApi from "../SurfaceOpenApi.js"

export const path = "/v1/organizations/users/openapi.json"

const { mfaPermissions, maxListed } = OrgUsersBasic

export const document: unknown = SurfaceOpenApi.make(OrgUsersBasic.surface, {
  version: "0.1.0",
  errorSchema: OrgUsersBasic.ErrorResponse,
  description: [
    "An organization's users by email, role name and state (`org-users-basic`), served by Roster over its own operations: the same permissions, rules, events and isolation as Roster's own API (`/openapi/roster.json`).",
    "Every route names its `action` in the query (a wrong or missing one is 400 naming the value expected) and the organization in `org_id`: the list's query, the POSTs' body. Another organization's id is 403 before anything is looked up.",
    `A user is a member Roster's own list shows, ACTIVE, INACTIVE or TERMINATED; \`state\` is the status in lower case. A REMOVED or FORGOTTEN membership is no user here: update and remove answer 404, add starts it again. The list holds every user, up to ${maxListed}; \`page\` and \`size\` (Roster's extension) ask for one page at a time.`,
    `\`mfa\` says what the caller may do, each flag one permission: ${Object.entries(mfaPermissions)
      .map(([flag, permission]) => `\`${flag}\` \`${permission}\``)
      .join(", ")}.`,
    "An update changes the role, then the state, in one transaction: a refused step leaves nothing written. A removal keeps its `reason` with the event.",
    'Every failure answers an `ErrorResponse`: `{ "status": …, "error": { code, message }, "errors": [{ code, message }], fingerprint }`, with Roster\'s own statuses and codes; each operation lists the codes it can answer under each status.'
  ].join("\n\n")
})
