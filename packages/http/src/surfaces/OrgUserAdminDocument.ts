/** The OpenAPI document of the org-user-admin surface, served at `path`. */
export const path = "/v1/openapi.json"

export const document: unknown = {}
