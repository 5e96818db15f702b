export { run } from "./Cli.js"
export type { Database, Environment, RunningServer } from "./Connection.js"
export * as ExitCode from "./ExitCode.js"
export type { Io, Storage, Terminal } from "./Io.js"
