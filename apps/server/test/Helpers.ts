/**
 * What several suites of the built server share: a request held in flight, and statements on a
 * PostgreSQL server's admin connection.
 */
import * as Http from "node:http"
import pg from "pg"

/** The admin connection of the PostgreSQL suites, when they run (`ROSTER_TEST_DATABASE_URL`). */
export const adminUrl = process.env.ROSTER_TEST_DATABASE_URL?.trim() || undefined

/** One statement on its own connection (CREATE/DROP DATABASE cannot run in a transaction). */
export const admin = async (url: string, statement: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  client.on("error", () => {})
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * A POST whose body is held back: the server has its headers (the request is in flight) until
 * `finish` sends the rest.
 */
export const heldPost = (port: number, token: string, body: unknown) => {
  const text = JSON.stringify(body)
  const req = Http.request({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/organizations/users",
    headers: { authorization: token, "content-type": "application/json", "content-length": Buffer.byteLength(text) }
  })
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on("error", reject)
    req.on("response", (res) => {
      let data = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => {
        data += chunk
      })
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }))
      res.on("error", reject)
    })
  })
  response.catch(() => undefined) // awaited by the test; this only keeps an early failure from being "unhandled"
  req.flushHeaders()
  req.write(text.slice(0, 5))
  return { response, finish: () => req.end(text.slice(5)) }
}
