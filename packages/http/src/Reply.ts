/** What a route answers, written to the socket exactly: status, headers and a JSON body, a text, bytes, or none. */
import type * as Http from "node:http"

export interface Reply {
  readonly status: number
  /** Serialized as JSON; absent for an empty body (reset-mfa's 202). */
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
  /** The Content-Type of a JSON body, or of `text`. */
  readonly contentType?: string
  /** A body that is not JSON (`/metrics`), sent as it is, in place of `body`. */
  readonly text?: string
  /** A body that is not text (the operator's backup archive), sent as it is, in place of `body`. */
  readonly bytes?: Uint8Array
}

/** The contract's success media type, byte for byte (express would rewrite it as `; charset=utf-8`). */
export const successContentType = "application/json;charset=UTF-8"

/** The contract's error media type. */
export const errorContentType = "application/json"

export const json = (status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply => ({
  status,
  body,
  contentType: successContentType,
  ...(headers === undefined ? {} : { headers })
})

export const empty = (status: number): Reply => ({ status })

export const text = (status: number, text: string, contentType: string): Reply => ({ status, text, contentType })

export const bytes = (
  status: number,
  bytes: Uint8Array,
  contentType: string,
  headers?: Readonly<Record<string, string>>
): Reply => ({ status, bytes, contentType, ...(headers === undefined ? {} : { headers }) })

/**
 * Writes with node's own API rather than `res.json`/`res.send`, which would rewrite the
 * Content-Type's charset and add an ETag.
 */
export const write = (res: Http.ServerResponse, reply: Reply): void => {
  res.statusCode = reply.status
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value)
  if (reply.bytes !== undefined) {
    res.setHeader("Content-Type", reply.contentType ?? "application/octet-stream")
    res.setHeader("Content-Length", String(reply.bytes.byteLength))
    res.end(reply.bytes)
    return
  }
  if (reply.text !== undefined) {
    const payload = Buffer.from(reply.text, "utf8")
    res.setHeader("Content-Type", reply.contentType ?? "text/plain; charset=utf-8")
    res.setHeader("Content-Length", String(payload.length))
    res.end(payload)
    return
  }
  if (reply.body === undefined) {
    res.setHeader("Content-Length", "0")
    res.end()
    return
  }
  const payload = Buffer.from(JSON.stringify(reply.body), "utf8")
  res.setHeader("Content-Type", reply.contentType ?? successContentType)
  res.setHeader("Content-Length", String(payload.length))
  res.end(payload)
}
