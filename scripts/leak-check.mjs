#!/usr/bin/env node
/**
 * `node scripts/leak-check.mjs`: does the server's memory grow without bound under fuzzed traffic?
 *
 * Starts the built server (`node apps/server/dist/main.js`: run `pnpm build` first, or pass
 * `--build`) on a throwaway embedded database, with `--expose-gc` and a preload that, on SIGUSR2,
 * collects garbage and prints V8's heap statistics and the process's RSS as one line on stderr.
 * Nothing in the server is changed or switched on for this. It then sends rounds of varied
 * requests — valid and invalid, with the first organization's token and with made-up ones, sign-in
 * attempts, bodies over the limit, malformed JSON, text that is not UTF-8, HTTP that node's parser
 * refuses — and measures after a warm-up round and after each round.
 *
 * A leak shows as the heap after GC rising round after round. RSS that grows and then flattens while
 * the heap stays level is not one: V8 keeps the pages it grew into, the allocator keeps its arenas,
 * and PGlite's WebAssembly memory only ever grows (it is `external`/`arrayBuffers`, not heap).
 *
 * Options: `--rounds N` (6), `--requests N` per round (2000), `--concurrency N` (16), `--oversized F`
 * (the share of requests that send 2 MB, 0.005), `--seed N`, `--build` (build the server first),
 * `--json` (the numbers only).
 */
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const index = args.indexOf(name)
  return index === -1 ? fallback : args[index + 1]
}
const rounds = Number(option("--rounds", "6"))
const perRound = Number(option("--requests", "2000"))
const concurrency = Number(option("--concurrency", "16"))
const oversized = Number(option("--oversized", "0.005"))
const asJson = args.includes("--json")
let seed = Number(option("--seed", "20261204"))

if (args.includes("--build")) {
  execFileSync("pnpm", ["turbo", "run", "build", "--filter=@roster/app-server...", "--output-logs=errors-only"], {
    cwd: root,
    stdio: "inherit"
  })
}
const main = Path.join(root, "apps/server/dist/main.js")
if (!Fs.existsSync(main)) {
  process.stderr.write(`leak-check: ${main} is missing; run pnpm build (or pass --build)\n`)
  process.exit(2)
}

/** mulberry32: deterministic, so that two runs send the same requests. */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
}
const pick = (items) => items[Math.floor(random() * items.length)]
const uuid = () => "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx".replace(/x/g, () => Math.floor(random() * 16).toString(16))
const word = (length) =>
  Array.from({ length }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(random() * 36)]).join("")

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// The preload: on SIGUSR2, collect (twice, so that what finalizers freed goes too) and report.
const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-leak-check-"))
const preload = Path.join(work, "measure.cjs")
Fs.writeFileSync(
  preload,
  `const v8 = require("node:v8")
process.on("SIGUSR2", () => {
  const before = process.memoryUsage()
  global.gc()
  setImmediate(() => {
    global.gc()
    const heap = v8.getHeapStatistics()
    const memory = process.memoryUsage()
    process.stderr.write("LEAK-CHECK " + JSON.stringify({
      heapUsedBeforeGc: before.heapUsed, heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size,
      external: memory.external, arrayBuffers: memory.arrayBuffers, rssBeforeGc: before.rss, rss: memory.rss
    }) + "\\n")
  })
})
`
)

const port = await freePort()
const base = `http://127.0.0.1:${port}`
const server = spawn(process.execPath, ["--expose-gc", "--require", preload, main], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    ROSTER_DATA_DIR: Path.join(work, "data"),
    LOG_LEVEL: "warning"
  },
  stdio: ["ignore", "pipe", "pipe"]
})
let stdout = ""
server.stdout.on("data", (data) => (stdout += data))
const measurements = []
let awaiting
let stderrLine = ""
server.stderr.on("data", (data) => {
  stderrLine += data
  for (let end = stderrLine.indexOf("\n"); end !== -1; end = stderrLine.indexOf("\n")) {
    const line = stderrLine.slice(0, end)
    stderrLine = stderrLine.slice(end + 1)
    if (line.startsWith("LEAK-CHECK ")) awaiting?.(JSON.parse(line.slice("LEAK-CHECK ".length)))
  }
})
const stop = () => {
  if (server.exitCode === null) server.kill("SIGTERM")
}
process.on("exit", () => {
  stop()
  Fs.rmSync(work, { recursive: true, force: true })
})

/** The server's memory once garbage is collected. */
const measure = () =>
  new Promise((resolve) => {
    awaiting = (numbers) => {
      awaiting = undefined
      resolve(numbers)
    }
    server.kill("SIGUSR2")
  })

// Started, and the first organization's token (printed once, on stdout).
const startedAt = performance.now()
let token
while (token === undefined) {
  if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}) before answering`)
  if (performance.now() - startedAt > 120_000) throw new Error("the server did not start within 2 minutes")
  token = /\b(tot_[0-9A-Za-z]+)/.exec(stdout)?.[1]
  const healthy = await fetch(`${base}/health`).then(
    (response) => response.ok,
    () => false
  )
  if (!healthy || token === undefined) {
    token = undefined
    await sleep(100)
  }
}

/** Sends raw bytes and waits for the server to end the connection. */
const raw = (bytes) =>
  new Promise((resolve) => {
    const socket = Net.connect(port, "127.0.0.1")
    socket.on("error", () => resolve("reset"))
    socket.on("data", () => undefined)
    socket.on("end", () => {
      socket.destroy()
      resolve("ended")
    })
    socket.setTimeout(10_000, () => {
      socket.destroy()
      resolve("timeout")
    })
    socket.write(bytes)
  })

const json = (body) => ({ "content-type": "application/json", body: JSON.stringify(body) })
const send = async (method, path, { auth, headers = {}, body } = {}) => {
  const response = await fetch(`${base}${path}`, {
    method,
    // A stream body is sent chunked; fetch takes one only with duplex: "half".
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    headers: { ...headers, ...(auth === undefined ? {} : { authorization: auth }) },
    ...(body === undefined ? {} : { body })
  })
  await response.arrayBuffer()
  return response.status
}

/** One fuzzed request; its kind and status are counted. */
const requests = [
  () => send("GET", "/health"),
  () => send("GET", "/openapi/roster.json"),
  () =>
    send("GET", `/organizations/users?page=${Math.floor(random() * 3)}&size=${pick([1, 20, 200, 0, "x"])}`, {
      auth: token
    }),
  () =>
    send("GET", `/organizations/users?q=${encodeURIComponent(word(3))}&status=${pick(["ACTIVE", "REMOVED", "nope"])}`, {
      auth: token
    }),
  () => send("GET", `/organizations/users/${uuid()}`, { auth: token }),
  () => send("GET", `/organizations/users/${word(8)}%E0%A4%A`, { auth: token }),
  () => {
    const { body, ...type } = json({ email: `${word(10)}@example.com`, firstName: word(6), lastName: word(8) })
    return send("POST", "/organizations/users", { auth: token, headers: type, body })
  },
  () => {
    const { body, ...type } = json({ email: pick(["not an email", 5, null]), firstName: "x".repeat(300), extra: true })
    return send("POST", "/organizations/users", { auth: token, headers: type, body })
  },
  () =>
    send("POST", "/organizations/users", {
      auth: token,
      headers: { "content-type": "application/json" },
      body: "{not json"
    }),
  () =>
    send("POST", "/organizations/users", {
      auth: token,
      headers: { "content-type": "application/json" },
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d])
    }),
  () =>
    send("POST", "/organizations/users", {
      auth: token,
      headers: { "content-type": "application/json" },
      body: `${"[".repeat(64)}${"]".repeat(64)}`
    }),
  () => send("GET", "/organizations/users", { auth: `tot_${word(52)}` }),
  () => send("GET", "/me", { auth: `Bearer ses_${word(52)}` }),
  () => send("GET", "/organizations/events?size=50", { auth: token }),
  () => send("GET", "/organizations/tokens", { auth: token }),
  () => {
    const { body, ...type } = json({ email: `${word(8)}@example.com`, password: word(12) })
    return send("POST", "/auth/login", { headers: type, body })
  },
  () =>
    send(
      pick(["PATCH", "DELETE", "PUT", "OPTIONS", "HEAD"]),
      pick(["/organizations/users", "/health", `/${word(5)}`, "/me"])
    ),
  () => send("GET", `/${word(12)}/${word(4)}?${word(3)}=${word(5)}`),
  () =>
    raw(
      pick([
        "GARBAGE\r\n\r\n",
        "FOO / HTTP/1.1\r\nHost: x\r\n\r\n",
        `GET / HTTP/1.1\r\nX: ${"a".repeat(17 * 1024)}\r\n\r\n`,
        "POST /auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
      ])
    )
]

/** 2 MB, announced or chunked. */
const tooLarge = () =>
  send("POST", pick(["/auth/login", "/organizations/users"]), {
    auth: token,
    headers: { "content-type": "application/json" },
    body:
      random() < 0.5
        ? "x".repeat(2 * 1024 * 1024)
        : new ReadableStream({
            start(controller) {
              for (let i = 0; i < 32; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(120))
              controller.close()
            }
          })
  })

const statuses = new Map()
const round = async (count) => {
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      const request = random() < oversized ? tooLarge : pick(requests)
      const status = await request().catch((error) => `error ${error.cause?.code ?? error.message}`)
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  // Keep-alive connections go idle; what the round left behind can be collected.
  await sleep(500)
}

const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10
const row = (label, sent, numbers) => ({
  round: label,
  requests: sent,
  ...Object.fromEntries(Object.entries(numbers).map(([k, v]) => [k, mb(v)]))
})

const started = await measure()
measurements.push(row("started", 0, started))
await round(Math.max(1, Math.floor(perRound / 2)))
measurements.push(row("warm-up", Math.floor(perRound / 2), await measure()))
let sent = Math.floor(perRound / 2)
for (let i = 1; i <= rounds; i++) {
  await round(perRound)
  sent += perRound
  measurements.push(row(String(i), sent, await measure()))
}
stop()

const warm = measurements[1]
const last = measurements.at(-1)
const perThousand = (key) =>
  Math.round(((last[key] - warm[key]) / ((last.requests - warm.requests) / 1000)) * 100) / 100
const summary = {
  measurements,
  statuses: Object.fromEntries([...statuses].sort((a, b) => b[1] - a[1])),
  growthPer1000Requests: {
    heapUsedMb: perThousand("heapUsed"),
    externalMb: perThousand("external"),
    rssMb: perThousand("rss")
  }
}
if (asJson) {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
} else {
  console.table(measurements)
  console.log("statuses:", summary.statuses)
  console.log("growth per 1000 requests after the warm-up (MB):", summary.growthPer1000Requests)
}
process.exit(0)
