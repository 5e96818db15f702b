/**
 * The baseline as a process of its own, as Roster's server is: `BASELINE_DATABASE_URL`, `PORT`
 * (0: any). Prints `listening on <port>` once it listens; stops on SIGTERM.
 */
import pg from "pg"
import * as Baseline from "./Baseline.js"

// As many connections as Roster's pool (Database.serverMaxConnections).
const pool = new pg.Pool({ connectionString: process.env.BASELINE_DATABASE_URL, max: 10 })
const server = Baseline.make(pool).listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address()
  process.stdout.write(`listening on ${typeof address === "object" && address !== null ? address.port : address}\n`)
})
process.on("SIGTERM", () => server.close(() => void pool.end().then(() => process.exit(0))))
