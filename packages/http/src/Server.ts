/**
 * Listening, and stopping gracefully: on `close()` the server stops accepting connections, lets the
 * requests in flight finish, closes idle keep-alive connections, and force-closes whatever is left
 * after a timeout.
 *
 * At the edge: a request node's parser refuses is answered in the API's error shape (`ClientError`),
 * and a connection that closes while its client is still sending (an answer given before the body
 * is in, a parser error) is closed gracefully: our side ends after the answer, what still arrives is
 * read and dropped, and the socket goes once the client is done. Closing at once would answer the
 * client's next bytes with a reset, which can destroy the answer before the client reads it.
 */
import * as Http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import * as ClientError from "./ClientError.js"
import type * as Log from "./Log.js"

export interface Options {
  readonly port: number
  /** The interface to bind; every interface when absent. */
  readonly host?: string
  /** How long `close()` waits for requests in flight before cutting their connections. Default 10 s. */
  readonly shutdownTimeoutMs?: number
  /** Where the answers to requests node refuses (see `ClientError`) are logged. Not logged when absent. */
  readonly logger?: Log.Logger
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

/** A closing connection is dropped once its client sends nothing for this long (nginx's lingering_timeout)… */
const lingerIdleMs = 5_000
/** …and at the latest after this (nginx's lingering_time). */
const lingerMaxMs = 30_000

/**
 * Ends our side of `socket` once what was written is out, reads and drops whatever still arrives,
 * and closes when the client ends (or `request` has all come in), goes quiet, or lingers too long.
 */
const linger = (socket: Socket, request?: Http.IncomingMessage) => {
  const deadline = setTimeout(() => socket.destroy(), lingerMaxMs)
  deadline.unref()
  const close = () => {
    clearTimeout(deadline)
    // Once the answer and our end are out: destroying before would drop them.
    if (socket.writableFinished) socket.destroy()
    else socket.once("finish", () => socket.destroy())
  }
  socket.once("close", () => clearTimeout(deadline))
  socket.once("end", close)
  request?.once("end", close)
  socket.setTimeout(lingerIdleMs, () => socket.destroy())
  socket.end()
}

export const listen = (app: Http.RequestListener, options: Options): Promise<Handle> =>
  new Promise((resolve, reject) => {
    let closing: Promise<void> | undefined
    /** Each connection's latest request, and its responses not yet finished. */
    const latest = new WeakMap<Socket, Http.IncomingMessage>()
    const unfinished = new WeakMap<Socket, Set<Http.ServerResponse>>()
    /** Connections whose parser error was answered: the parser repeats its error for every later read. */
    const refused = new WeakSet<Socket>()

    const server = Http.createServer((req, res) => {
      const socket = req.socket
      latest.set(socket, req)
      const pending = unfinished.get(socket) ?? new Set()
      unfinished.set(socket, pending.add(res))
      // A request that arrives on a kept-alive connection while stopping is served, then the
      // connection closes.
      if (closing !== undefined) res.setHeader("Connection", "close")
      res.on("finish", () => {
        pending.delete(res)
        // Answered: what is left of its body is of no use, but must be read for the connection to go
        // on (node leaves a request alone once someone started reading it, e.g. a body parser that
        // stopped at its limit).
        if (!req.readableEnded) req.resume()
        // Its connection is idle once the response is out: let it go instead of waiting out keep-alive.
        if (closing !== undefined) setImmediate(() => server.closeIdleConnections())
      })
      app(req, res)
    })

    server.on("connection", (socket: Socket) => {
      const destroySoon = socket.destroySoon.bind(socket)
      // What node calls once a response that closes the connection is out.
      socket.destroySoon = () => {
        const req = latest.get(socket)
        if (req === undefined || req.complete || socket.readableEnded) return destroySoon()
        // The client is still sending the body: drop it, then close.
        req.resume()
        linger(socket, req)
      }
    })

    // Node's sockets, typed as any stream by @types/node.
    server.on("clientError", (error: ClientError.ParserError, socket: Socket) => {
      if (refused.has(socket)) return
      const refusal =
        error.code === "ECONNRESET"
          ? undefined
          : ClientError.refusal(error, { maxHeaderSize: Http.maxHeaderSize, requestTimeoutMs: server.requestTimeout })
      if (refusal === undefined || !socket.writable) {
        socket.destroy()
        return
      }
      refused.add(socket)
      const answer = () => {
        if (!socket.writable) return socket.destroy()
        options.logger?.({
          level: "Info",
          message: `${refusal.status} ${refusal.body.errors[0]!.code} before any route: ${error.code}`,
          annotations: {
            status: refusal.status,
            fingerprint: refusal.body.fingerprint,
            ...(refusal.body.requestId === undefined ? {} : { requestId: refusal.body.requestId }),
            errorCodes: refusal.body.errors.map((detail) => detail.code),
            parserError: error.code ?? "unknown"
          }
        })
        socket.write(ClientError.serialize(refusal))
        linger(socket)
      }
      // Never into the middle of an answer being written (requests sent ahead on the connection):
      // after it. An answer not begun (its request's body is what failed to parse) never will be.
      const writing = [...(unfinished.get(socket) ?? [])].filter((res) => res.headersSent)
      if (writing.length === 0) answer()
      else void Promise.all(writing.map((res) => new Promise((done) => res.once("close", done)))).then(answer)
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
