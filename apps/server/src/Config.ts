/**
 * The server's configuration, from the environment. A bad value stops start-up with a message
 * that names the variable. (Storage — DATABASE_URL, ROSTER_DATA_DIR — is read by `@roster/store`.)
 */
import { PublicUrl } from "@roster/domain"
import * as LogLevel from "effect/LogLevel"

export interface Config {
  readonly port: number
  /** Every interface when absent. */
  readonly host: string | undefined
  readonly logLevel: LogLevel.LogLevel
  readonly logFormat: "logfmt" | "json"
  /** ROSTER_PUBLIC_URL: where handed-out links point (a front end); the server's own URL when absent. */
  readonly publicUrl: string | undefined
  /** ROSTER_SIGN_IN_LIMIT: failed sign-in requests per minute per client address; 0 turns the limit off. */
  readonly signInLimit: number
  /** ROSTER_TRUST_PROXY: express's `trust proxy` (off when unset): `true`, a hop count, or addresses. */
  readonly trustProxy: boolean | number | ReadonlyArray<string>
}

export interface ConfigProblem {
  readonly variable: string
  readonly problem: string
}

const levels: Record<string, LogLevel.LogLevel> = {
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warning: LogLevel.Warning,
  warn: LogLevel.Warning,
  error: LogLevel.Error,
  none: LogLevel.None
}

export const read = (env: Record<string, string | undefined>): Config | ReadonlyArray<ConfigProblem> => {
  const problems: Array<ConfigProblem> = []
  const rawPort = env.PORT?.trim() || "3000"
  const port = /^\d+$/.test(rawPort) ? Number(rawPort) : Number.NaN
  if (!(port >= 0 && port <= 65535))
    problems.push({ variable: "PORT", problem: "must be a whole number from 0 to 65535" })
  const host = env.HOST?.trim() || undefined
  const logLevel = levels[(env.LOG_LEVEL?.trim() || "info").toLowerCase()]
  if (logLevel === undefined) {
    problems.push({ variable: "LOG_LEVEL", problem: `must be one of ${Object.keys(levels).join(", ")}` })
  }
  const logFormat = (env.LOG_FORMAT?.trim() || "logfmt").toLowerCase()
  if (logFormat !== "logfmt" && logFormat !== "json") {
    problems.push({ variable: "LOG_FORMAT", problem: "must be logfmt or json" })
  }
  const publicUrl = env.ROSTER_PUBLIC_URL?.trim() || undefined
  if (publicUrl !== undefined && !PublicUrl.isPublicUrl(publicUrl)) {
    problems.push({
      variable: "ROSTER_PUBLIC_URL",
      problem: "must be an http:// or https:// URL without a query or a fragment"
    })
  }
  const rawLimit = env.ROSTER_SIGN_IN_LIMIT?.trim() || "60"
  const signInLimit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : Number.NaN
  if (!(signInLimit >= 0 && signInLimit <= 1_000_000)) {
    problems.push({
      variable: "ROSTER_SIGN_IN_LIMIT",
      problem: "must be a whole number of requests per minute (0: no limit)"
    })
  }
  const trustProxy = parseTrustProxy(env.ROSTER_TRUST_PROXY?.trim() || undefined)
  if (trustProxy === undefined) {
    problems.push({
      variable: "ROSTER_TRUST_PROXY",
      problem:
        "must be true, false, a number of proxy hops, or comma-separated proxy addresses (loopback, 10.0.0.0/8, …)"
    })
  }
  if (problems.length > 0) return problems
  return {
    port,
    host,
    logLevel: logLevel!,
    logFormat: logFormat as Config["logFormat"],
    publicUrl,
    signInLimit,
    trustProxy: trustProxy!
  }
}

/**
 * `trust proxy`: behind a reverse proxy, the client's address (for sessions and the sign-in limit)
 * is in `X-Forwarded-For`, which only a proxy we trust may set. Undefined when malformed.
 */
const parseTrustProxy = (text: string | undefined): Config["trustProxy"] | undefined => {
  if (text === undefined || text === "false") return false
  if (text === "true") return true
  if (/^\d+$/.test(text)) return Number(text)
  const entries = text.split(",").map((entry) => entry.trim())
  const known = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/
  return entries.every((entry) => known.test(entry)) ? entries : undefined
}

/** The address people should use: a wildcard host is reachable as localhost. */
export const publicUrl = (host: string | undefined, port: number): string =>
  host === undefined || host === "0.0.0.0" || host === "::"
    ? `http://localhost:${port}`
    : `http://${host.includes(":") ? `[${host}]` : host}:${port}`
