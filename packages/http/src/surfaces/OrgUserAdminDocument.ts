/**
 * The OpenAPI document of the org-user-admin surface, served at `path`: the reference's own
 * (`shared/reference/org-user-admin.openapi.json`, vendored byte for byte in `contract/`), since the
 * surface serves it exactly. What it leaves open, and the `error_code` table, are stated in
 * `@roster/api`'s `OrgUserAdmin` and in docs/DESIGN.md.
 */
import document from "../../contract/org-user-admin.openapi.json" with { type: "json" }

export const path = "/v1/openapi.json"

export { document }
