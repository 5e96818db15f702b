/**
 * The built server's log lines with LOG_FORMAT=json: every line JSON, start-up's refusals included;
 * request lines carrying the route template, status, duration and request id, never a secret.
 */
import { afterAll, describe, expect, it } from "vitest"
import * as P from "./Processes.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

const parsed = (text: string) => P.lines(text).map((line) => JSON.parse(line))

describe("with LOG_FORMAT=json", () => {
  it("a configuration error is a JSON line too, naming the variable", async () => {
    const server = P.startServer(
      P.env({ PORT: "nope", LOG_FORMAT: "json", ROSTER_DATA_DIR: "memory://" }),
      P.tempDir("logs")
    )
    expect((await server.waitExit()).code).toBe(1)
    const [line, ...rest] = parsed(server.stderr)
    expect(rest).toEqual([])
    expect(line).toMatchObject({
      logLevel: "ERROR",
      message: "invalid configuration: PORT: must be a whole number from 0 to 65535"
    })
    expect(server.stdout).toBe("")
  })

  it("…but a LOG_FORMAT that is itself wrong is said as plain text", async () => {
    const server = P.startServer(
      P.env({ PORT: "0", LOG_FORMAT: "yaml", ROSTER_DATA_DIR: "memory://" }),
      P.tempDir("logs")
    )
    expect((await server.waitExit()).code).toBe(1)
    expect(server.stderr).toBe("roster: invalid configuration: LOG_FORMAT: must be logfmt or json\n")
  })

  it("request lines carry the route template, status, duration and request id, and no secret", async () => {
    const server = P.startServer(
      P.env({ PORT: "0", LOG_FORMAT: "json", ROSTER_DATA_DIR: "memory://" }),
      P.tempDir("logs")
    )
    const port = await P.listening(server)
    await server.waitFor("stdout", /"token":"tot_/)
    const token = parsed(server.stdout).find((line) => line.annotations?.token !== undefined)!.annotations.token
    const userId = "0b7d5a1e-9f55-4d5c-8a4e-0c7a1f3e6b21"
    const response = await fetch(`http://127.0.0.1:${port}/organizations/users/${userId}`, {
      headers: { authorization: token, "x-request-id": "trace-42" }
    })
    expect(response.status).toBe(404)
    expect(await server.stop()).toEqual({ code: 0, signal: null })

    const lines = [...parsed(server.stdout), ...parsed(server.stderr)]
    expect(lines.find((line) => line.annotations?.requestId === "trace-42")).toMatchObject({
      logLevel: "INFO",
      message: `GET /organizations/users/${userId} 404`,
      annotations: {
        method: "GET",
        route: "/organizations/users/{userId}",
        status: 404,
        durationMs: expect.any(Number),
        requestId: "trace-42",
        errorCodes: ["USER_NOT_FOUND"]
      }
    })
    // The token: once, in the welcome's own field.
    expect(`${server.stdout}${server.stderr}`.split(token)).toHaveLength(2)
  })
})
