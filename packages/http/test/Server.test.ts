import type * as Http from "node:http"
import { describe, expect, it } from "vitest"
import { Server } from "../src/index.js"
import * as Upload from "./Upload.js"

const listenOn = (app: Http.RequestListener, shutdownTimeoutMs?: number) =>
  Server.listen(app, { port: 0, host: "127.0.0.1", ...(shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs }) })

describe("Server", () => {
  it("listens on the port asked for, or one the system picks for 0", async () => {
    const handle = await listenOn((_, res) => res.end("ok"))
    expect(handle.port).toBeGreaterThan(0)
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}`)
    expect(await (await fetch(handle.url)).text()).toBe("ok")
    await handle.close()
  })

  it("fails to listen on a port in use", async () => {
    const first = await listenOn((_, res) => res.end())
    await expect(Server.listen((_, res) => res.end(), { port: first.port, host: "127.0.0.1" })).rejects.toThrow(
      /EADDRINUSE/
    )
    await first.close()
  })

  it("close lets a request in flight finish, and refuses new connections", async () => {
    let arrived!: () => void
    const inFlight = new Promise<void>((resolve) => (arrived = resolve))
    const handle = await listenOn((_, res) => {
      arrived()
      setTimeout(() => res.end("finished"), 200)
    })
    const response = fetch(handle.url).then((r) => r.text())
    await inFlight
    const closed = handle.close()
    await expect(fetch(handle.url, { headers: { connection: "close" } })).rejects.toThrow()
    expect(await response).toBe("finished")
    await closed
    expect(handle.server.listening).toBe(false)
  })

  it("close does not wait for idle keep-alive connections", async () => {
    const handle = await listenOn((_, res) => res.end("ok"))
    // fetch keeps the connection open for reuse; the server's keep-alive timeout is 5 s.
    expect(await (await fetch(handle.url)).text()).toBe("ok")
    const started = Date.now()
    await handle.close()
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it("close cuts what is still running after the timeout", async () => {
    const handle = await listenOn(() => {
      // Never answers.
    }, 150)
    const response = fetch(handle.url)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    await handle.close()
    expect(Date.now() - started).toBeGreaterThanOrEqual(100)
    await expect(response).rejects.toThrow()
  })

  it("close is idempotent", async () => {
    const handle = await listenOn((_, res) => res.end())
    const first = handle.close()
    expect(handle.close()).toBe(first)
    await first
  })

  it("a client still sending its body when an answer that closes the connection comes sends it all, then reads it", async () => {
    // Answers at once, without reading the body, as a 401 or a 413 does.
    const handle = await listenOn((_, res) => res.end("answered before the body"))
    const reply = await Upload.send({
      url: handle.url,
      headers: { "content-length": 2 * 1024 * 1024, connection: "close" },
      bytes: 2 * 1024 * 1024,
      answeredAfter: 1
    })
    expect(reply).toMatchObject({ status: 200, text: "answered before the body" })
    expect(reply.headers.connection).toBe("close")
    await handle.close()
  })
})
