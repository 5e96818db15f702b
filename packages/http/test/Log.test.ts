/** Log lines never carry a bearer secret, however a client wrote it. */
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
