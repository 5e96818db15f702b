/** Log lines never carry a bearer secret, however a client wrote it, and go through the app's logger. */
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { describe, expect, it } from "vitest"
import * as Log from "../src/Log.js"

const secret = "SyYcbCyhV2xf0Xz9VvF1fx8H0cc7w0R0E4XS6RwH9k5Hpd3kXqJx"

describe("Log.redact", () => {
  it("masks every kind of bearer secret, in any case", () => {
    for (const prefix of ["tot", "ses", "mlt", "evt", "SES"]) {
      const line = Log.redact(`GET /organizations/users/${prefix}_${secret} 400`)
      expect(line).toBe(`GET /organizations/users/${prefix}_[redacted] 400`)
    }
  })

  it("masks a secret with percent-encoded characters, as decoded", () => {
    for (const written of [
      `ses%5F${secret}`,
      `ses%5f${secret}`,
      `ses_%${secret.charCodeAt(0).toString(16)}${secret.slice(1)}`
    ]) {
      const line = Log.redact(`DELETE /me/sessions/${written} 400`)
      expect(line).not.toContain(secret.slice(4, 20))
      expect(line).toContain("ses_[redacted]")
    }
  })

  it("leaves other text alone, stray percent signs included", () => {
    expect(Log.redact("GET /organizations/users?q=100% 200")).toBe("GET /organizations/users?q=100% 200")
    expect(Log.redact("GET /organizations/users?q=caf%C3%A9 200")).toBe("GET /organizations/users?q=caf%C3%A9 200")
    expect(Log.redact("ses_… from POST /auth/login")).toBe("ses_… from POST /auth/login")
  })
})

describe("Log.fromRuntime", () => {
  it("writes through the runtime's logger and minimum level, at once once the runtime is built", async () => {
    const lines: Array<{ level: string; message: unknown; annotations: Record<string, unknown> }> = []
    const capture = Logger.make(({ logLevel, message, annotations }) => {
      lines.push({ level: logLevel.label, message, annotations: Object.fromEntries(HashMap.toEntries(annotations)) })
    })
    const runtime = ManagedRuntime.make(
      Layer.merge(Logger.replace(Logger.defaultLogger, capture), Logger.minimumLogLevel(LogLevel.Info))
    )
    const log = Log.fromRuntime(runtime)
    log({ level: "Info", message: "GET /a 200", annotations: { status: 200 } })
    await runtime.runtime()
    await new Promise((resolve) => setTimeout(resolve, 0))
    log({ level: "Debug", message: "GET /health 200", annotations: {} })
    log({ level: "Warning", message: "GET /b 500", annotations: { requestId: "r-1" } })
    // The second and third calls returned with their lines written (or, below the minimum, dropped).
    expect(lines).toEqual([
      { level: "INFO", message: ["GET /a 200"], annotations: { status: 200 } },
      { level: "WARN", message: ["GET /b 500"], annotations: { requestId: "r-1" } }
    ])
    await runtime.dispose()
    // A disposed runtime's line is written or lost, never thrown.
    expect(() => log({ level: "Info", message: "late", annotations: {} })).not.toThrow()
  })
})
