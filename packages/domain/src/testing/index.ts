/**
 * `@roster/domain/testing`: the storage ports' contract as a vitest suite, to run on your own
 * implementation of the ports. Needs `vitest` (an optional peer dependency).
 *
 * - `PortsContract.suite(name, layer)` registers the contract's tests on `layer`, which provides every
 *   port (`PortsContract.Ports`) and a `PortsContract.EventLog` over the same storage.
 */
export * as PortsContract from "./PortsContract.js"
