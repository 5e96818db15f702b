/** The OpenAPI document of the org-users-basic surface, served at `path`. */
export const path = "/v1/organizations/users/openapi.json"

export const document: unknown = {}
