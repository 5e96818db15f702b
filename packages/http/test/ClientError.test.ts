/**
 * Requests node's HTTP parser refuses, sent as raw bytes: each is answered like any other error of
 * the API (its status, an `ErrorResponse`, the headers every answer carries), then the connection
 * closes.
 */
import { InMemory, Services } from "@roster/domain"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Net from "node:net"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import * as TestCrypto from "@roster/crypto/test"
import { App, type Log, Server } from "../src/index.js"
import * as ContractSchemas from "./ContractSchemas.js"

const validator = ContractSchemas.make()

let server: Server.Handle
let runtime: ManagedRuntime.ManagedRuntime<any, any>
const logs: Array<Log.Entry> = []

beforeAll(async () => {
  runtime = ManagedRuntime.make(Services.fullLayer.pipe(Layer.provide(Layer.merge(InMemory.layer, TestCrypto.layer))))
  const logger: Log.Logger = (entry) => logs.push(entry)
  server = await Server.listen(App.make(runtime, { logger }), { port: 0, host: "127.0.0.1", logger })
})
afterAll(async () => {
  await server.close()
  await runtime.dispose()
})

interface RawReply {
  readonly statusLine: string
  /** Lower-cased names. */
  readonly headers: Record<string, string>
  readonly body: string
  /** Whether the server ended the connection (we never do). */
  readonly ended: boolean
}

/** Writes `request` as is and reads everything the server sends until it ends the connection. */
const exchange = (request: string | Buffer) =>
  new Promise<RawReply>((resolve, reject) => {
    const socket = Net.connect(server.port, "127.0.0.1")
    const received: Array<Buffer> = []
    socket.on("data", (data) => received.push(data))
    socket.on("error", reject)
    socket.on("end", () => {
      const text = Buffer.concat(received).toString("utf8")
      const split = text.indexOf("\r\n\r\n")
      const [statusLine, ...lines] = text.slice(0, split).split("\r\n")
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()])
      )
      resolve({ statusLine: statusLine!, headers, body: text.slice(split + 4), ended: true })
      socket.destroy()
    })
    socket.write(request)
  })

/** The headers the app sets on a normal answer, but those that describe that answer itself. */
const hardeningOfTheApp = async () => {
  const response = await fetch(`${server.url}/health`)
  await response.text()
  // Its id, and the Vary of a body that might have been compressed, are this answer's own too.
  const own = new Set(["content-type", "content-length", "date", "connection", "keep-alive", "x-request-id", "vary"])
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (!own.has(name)) headers[name] = value
  })
  return headers
}

const expectRefusal = async (reply: RawReply, status: string, code: string, message: string | RegExp) => {
  expect(reply.statusLine).toBe(`HTTP/1.1 ${status}`)
  expect(reply.headers["content-type"]).toBe("application/json")
  expect(reply.headers.connection).toBe("close")
  expect(Number(reply.headers["content-length"])).toBe(Buffer.byteLength(reply.body))
  const hardening = await hardeningOfTheApp()
  expect(Object.keys(hardening)).toEqual(
    expect.arrayContaining(["x-content-type-options", "content-security-policy", "cache-control"])
  )
  expect(reply.headers).toMatchObject(hardening)
  const body = JSON.parse(reply.body)
  validator.assert("ErrorResponse", body)
  expect(body.errors).toHaveLength(1)
  expect(body.errors[0].code).toBe(code)
  // A request node could not parse has an id all the same: a new one, in the header and the body.
  expect(reply.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/)
  expect(body.requestId).toBe(reply.headers["x-request-id"])
  if (typeof message === "string") expect(body.errors[0].message).toBe(message)
  else expect(body.errors[0].message).toMatch(message)
  expect(reply.ended).toBe(true)
  return body
}

describe("requests node's parser refuses", () => {
  const refused: ReadonlyArray<readonly [string, string, string, string, string | RegExp]> = [
    [
      "a garbage request line",
      "GARBAGE\r\n\r\n",
      "400 Bad Request",
      "BAD_REQUEST",
      /^The request is not valid HTTP\/1\.1: /
    ],
    [
      "an unknown method",
      "FOO / HTTP/1.1\r\nHost: x\r\n\r\n",
      "400 Bad Request",
      "BAD_REQUEST",
      "The request is not valid HTTP/1.1: Invalid method encountered"
    ],
    [
      "Content-Length beside Transfer-Encoding",
      "POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "400 Bad Request",
      "BAD_REQUEST",
      /^The request is not valid HTTP\/1\.1: /
    ],
    [
      "bad chunked encoding",
      "POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      "400 Bad Request",
      "BAD_REQUEST",
      /^The request is not valid HTTP\/1\.1: /
    ],
    [
      "headers over 16 KB",
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(17 * 1024)}\r\n\r\n`,
      "431 Request Header Fields Too Large",
      "REQUEST_HEADER_FIELDS_TOO_LARGE",
      "The request's headers are larger than the 16 KB limit"
    ],
    [
      "chunk extensions over the limit",
      `POST /auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;${"a".repeat(20 * 1024)}\r\n{}\r\n0\r\n\r\n`,
      "413 Payload Too Large",
      "PAYLOAD_TOO_LARGE",
      "The request's chunk extensions are larger than the limit"
    ]
  ]

  for (const [name, request, status, code, message] of refused) {
    it(`${name} is ${status} ${code} as JSON, with the app's headers, then the connection closes`, async () => {
      const body = await expectRefusal(await exchange(request), status, code, message)
      // Logged with its fingerprint and its id, as every other error.
      await vi.waitFor(() =>
        expect(logs).toContainEqual(
          expect.objectContaining({
            annotations: expect.objectContaining({
              fingerprint: body.fingerprint,
              errorCodes: [code],
              requestId: body.requestId
            })
          })
        )
      )
    })
  }

  it("a refusal after a request served on the same connection is answered too", async () => {
    const reply = await exchange("GET /health HTTP/1.1\r\nHost: x\r\n\r\nFOO / HTTP/1.1\r\nHost: x\r\n\r\n")
    // The first answer, then the refusal.
    expect(reply.statusLine).toBe("HTTP/1.1 200 OK")
    expect(reply.body).toContain("HTTP/1.1 400 Bad Request")
    expect(reply.body).toContain('"code":"BAD_REQUEST"')
  })

  it("a client that resets its connection mid-request leaves the server serving", async () => {
    const socket = Net.connect(server.port, "127.0.0.1")
    await new Promise((resolve) => socket.once("connect", resolve))
    socket.write("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    socket.resetAndDestroy()
    await new Promise((resolve) => socket.once("close", resolve))
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
  })
})
