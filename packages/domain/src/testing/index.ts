/**
 * `@roster/domain/testing`: the storage ports' contract, as vitest suites to run on any implementation.
 */
export * as IdentityPortsContract from "./IdentityPortsContract.js"
export * as PortsContract from "./PortsContract.js"
