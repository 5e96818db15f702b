/**
 * Listening, and stopping gracefully: on `close()` the server stops accepting connections, lets the
 * requests in flight finish, closes idle keep-alive connections, and force-closes whatever is left
 * after a timeout.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface Options {
  readonly port: number
  /** The interface to bind; every interface when absent. */
  readonly host?: string
  /** How long `close()` waits for requests in flight before cutting their connections. Default 10 s. */
  readonly shutdownTimeoutMs?: number
}

export interface Handle {
  readonly server: Http.Server
  /** The port bound: the one asked for, or the one the system chose for port 0. */
  readonly port: number
  readonly host: string
  /** `http://host:port`, for logs and clients. */
  readonly url: string
  /** Resolves once every connection is closed. Calling it again returns the same promise. */
  readonly close: () => Promise<void>
}

export const defaultShutdownTimeoutMs = 10_000

export const listen = (app: Http.RequestListener, options: Options): Promise<Handle> =>
  new Promise((resolve, reject) => {
    let closing: Promise<void> | undefined
    const server = Http.createServer((req, res) => {
      // A request that arrives on a kept-alive connection while stopping is served, then the
      // connection closes.
      if (closing !== undefined) res.setHeader("Connection", "close")
      res.on("finish", () => {
        // Its connection is idle once the response is out: let it go instead of waiting out keep-alive.
        if (closing !== undefined) setImmediate(() => server.closeIdleConnections())
      })
      app(req, res)
    })

    const close = (): Promise<void> => {
      closing ??= new Promise<void>((done, failed) => {
        const force = setTimeout(
          () => server.closeAllConnections(),
          options.shutdownTimeoutMs ?? defaultShutdownTimeoutMs
        )
        force.unref()
        server.close((error) => {
          clearTimeout(force)
          // Already stopped is still stopped.
          if (error !== undefined && (error as NodeJS.ErrnoException).code !== "ERR_SERVER_NOT_RUNNING") failed(error)
          else done()
        })
        server.closeIdleConnections()
      })
      return closing
    }

    const onError = (error: Error) => reject(error)
    server.once("error", onError)
    server.listen(options.port, options.host, () => {
      server.off("error", onError)
      const address = server.address() as AddressInfo
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address
      resolve({ server, port: address.port, host: address.address, url: `http://${host}:${address.port}`, close })
    })
  })
