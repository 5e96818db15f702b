/**
 * Requests node's HTTP parser refuses never reach the app: a garbled request line, an unknown
 * method, bad chunked framing, Content-Length beside Transfer-Encoding, headers over the size
 * limit, a request not received in time. `Server` answers them with what this module makes: the
 * status node's own answer would have (400, 408, 413, 431), the API's error body (`ErrorResponse`),
 * its headers (`Hardening`) and `Connection: close`.
 */
import { STATUS_CODES } from "node:http"
import { randomUuid } from "@roster/domain"
import * as ErrorResponse from "./ErrorResponse.js"
import * as Hardening from "./Hardening.js"
import * as Reply from "./Reply.js"
import * as RequestId from "./RequestId.js"

/** The error of node's `clientError` event: a parser's (`HPE_…`, with llhttp's reason) or a socket's. */
export interface ParserError extends Error {
  readonly code?: string
  readonly reason?: string
}

export interface Limits {
  /** `http.maxHeaderSize`, in bytes. */
  readonly maxHeaderSize: number
  /** The server's `requestTimeout`, in milliseconds. */
  readonly requestTimeoutMs: number
}

export interface Refusal {
  readonly status: number
  readonly body: ErrorResponse.ErrorResponse
}

// Its id is a new one: a request node could not parse has no header to trust.
const refuse = (status: number, code: string, message: string): Refusal => ({
  status,
  body: { errors: [{ code, message }], fingerprint: randomUuid(), requestId: RequestId.of(undefined) }
})

/**
 * The answer to `error`, or none when there is nobody left to answer: the client reset the
 * connection, or the socket itself failed.
 */
export const refusal = (error: ParserError, limits: Limits): Refusal | undefined => {
  const code = error.code ?? ""
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return refuse(
        431,
        "REQUEST_HEADER_FIELDS_TOO_LARGE",
        `The request's headers are larger than the ${Math.floor(limits.maxHeaderSize / 1024)} KB limit`
      )
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return refuse(
        ErrorResponse.statuses.PayloadTooLarge,
        ErrorResponse.codes.PayloadTooLarge,
        "The request's chunk extensions are larger than the limit"
      )
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return refuse(
        408,
        "REQUEST_TIMEOUT",
        `The request was not received completely within ${Math.round(limits.requestTimeoutMs / 1000)} seconds`
      )
    default:
      // llhttp's reasons are its own fixed words ("Invalid method encountered"), never the bytes sent.
      return code.startsWith("HPE_")
        ? refuse(400, "BAD_REQUEST", `The request is not valid HTTP/1.1: ${error.reason ?? "it cannot be parsed"}`)
        : undefined
  }
}

/** The whole answer as written to the socket. */
export const serialize = (refusal: Refusal): Buffer => {
  const body = Buffer.from(JSON.stringify(refusal.body), "utf8")
  const headers = {
    ...Hardening.headers,
    "Content-Type": Reply.errorContentType,
    "Content-Length": String(body.length),
    ...(refusal.body.requestId === undefined ? {} : { [RequestId.header]: refusal.body.requestId }),
    Date: new Date().toUTCString(),
    Connection: "close"
  }
  const head = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  ].join("\r\n")
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, "latin1"), body])
}
