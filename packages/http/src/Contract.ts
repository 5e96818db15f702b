/** The Users API contract this package serves (`GET /openapi.json`), vendored from the reference. */
import document from "../contract/users-api.openapi.json" with { type: "json" }

export { document }

/** The contract's schemas by name: `UserResponse`, `UserPageResponse`, `ErrorResponse`, … */
export const schemas = document.components.schemas
