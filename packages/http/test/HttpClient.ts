/** A small HTTP client for the suites: a request as a client would send it, and the reply as received. */
import { expect } from "vitest"

export interface Reply {
  readonly status: number
  readonly headers: Headers
  /** The body as text (`""` when empty). */
  readonly text: string
  /** The body parsed as JSON; `undefined` when empty. */
  readonly json: any
  /** Every header line, then the body: what must not hold a secret. */
  readonly raw: string
}

export interface RequestOptions {
  /** The Authorization header as sent; none when absent. */
  readonly auth?: string
  /** Serialized as JSON with `Content-Type: application/json` unless `contentType` says otherwise. */
  readonly body?: unknown
  /** Sent as is (bytes: even ones that are not UTF-8). */
  readonly rawBody?: string | Uint8Array
  /** `null` sends no Content-Type. */
  readonly contentType?: string | null
  readonly headers?: Record<string, string>
}

export const send = async (
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {}
): Promise<Reply> => {
  const headers: Record<string, string> = { ...options.headers }
  if (options.auth !== undefined) headers.authorization = options.auth
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  if (body !== undefined && options.contentType !== null)
    headers["content-type"] = options.contentType ?? "application/json"
  if (body === undefined && typeof options.contentType === "string") headers["content-type"] = options.contentType
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: body as BodyInit })
  })
  const text = await response.text()
  const headerLines: Array<string> = []
  response.headers.forEach((value, key) => {
    headerLines.push(`${key}: ${value}`)
  })
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text === "" ? undefined : JSON.parse(text),
    raw: `${headerLines.join("\n")}\n\n${text}`
  }
}

/** Fails unless the reply is an error with this status and code (and, when given, a message containing this). */
export const expectError = (reply: Reply, status: number, code: string, messagePart?: string | RegExp) => {
  expect({ status: reply.status, codes: reply.json?.errors?.map((e: any) => e.code) }).toEqual({
    status,
    codes: expect.arrayContaining([code])
  })
  if (messagePart !== undefined) {
    const messages = reply.json.errors.map((e: any) => e.message).join("\n")
    if (typeof messagePart === "string") expect(messages).toContain(messagePart)
    else expect(messages).toMatch(messagePart)
  }
}
