/**
 * `@roster/store/startup`: what an app reads before it opens any storage — its configuration, where
 * the data is, and who holds an embedded data directory — without loading PGlite or node-postgres.
 * The `roster` CLI reads only this when it calls a server instead of opening the database.
 */
export * as Configuration from "./Configuration.js"
export * as DataDirLock from "./DataDirLock.js"
export * as Location from "./Location.js"
export * from "./StoreError.js"
