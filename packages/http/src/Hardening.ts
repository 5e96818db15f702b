/**
 * The headers every answer carries: helmet's, set up for a JSON API, and no caching. Computed once
 * from helmet, so that the app's answers and the ones the server writes itself (requests node
 * refuses before the app sees them, see `ClientError`) carry the same list.
 */
import * as Http from "node:http"
import * as Net from "node:net"
import type express from "express"
import helmet from "helmet"

const secure = helmet({
  // JSON only: nothing here may load, frame or run anything.
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } }
})

/** Name (as helmet spells it) → value. */
export const headers: Readonly<Record<string, string>> = (() => {
  // helmet's headers do not depend on the request: record what it sets on a response never sent.
  const probe = new Http.ServerResponse(new Http.IncomingMessage(new Net.Socket()))
  secure(probe.req, probe, () => undefined)
  // Responses carry personal data and, once, a token secret: nothing may keep a copy.
  probe.setHeader("Cache-Control", "no-store")
  // Node has had `getRawHeaderNames` since 15.13 (names as set, not lower-cased); @types/node lacks it.
  const names = (probe as Http.ServerResponse & { getRawHeaderNames: () => Array<string> }).getRawHeaderNames()
  return Object.freeze(Object.fromEntries(names.map((name) => [name, String(probe.getHeader(name))])))
})()

/** The same list as pairs, listed once rather than on every request. */
const pairs = Object.entries(headers)

/** Sets `headers` on every response. */
export const middleware: express.RequestHandler = (_req, res, next) => {
  for (const [name, value] of pairs) res.setHeader(name, value)
  next()
}
