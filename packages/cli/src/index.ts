export { run } from "./Cli.js"
export * as ExitCode from "./ExitCode.js"
export type { Io, Storage } from "./Io.js"
