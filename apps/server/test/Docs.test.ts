/**
 * The built server serves the API reference pages with Swagger UI's files: the bundle finds
 * `swagger-ui-dist` at run time from the app's directory (a dependency of the app, not only of
 * @roster/http). What the pages show in a browser is @roster/http's Docs.test.ts.
 */
import { afterAll, expect, it } from "vitest"
import * as P from "./Processes.js"

afterAll(async () => {
  await P.killAll()
  P.removeTempDirs()
})

it("the built server serves /docs and every script and stylesheet it names", async () => {
  const server = P.startServer(P.env({ PORT: "0", ROSTER_DATA_DIR: "memory://" }), P.tempDir("docs"))
  const port = await P.listening(server)
  const page = await fetch(`http://127.0.0.1:${port}/docs`)
  expect(page.status).toBe(200)
  expect(page.headers.get("content-security-policy")).toContain("script-src 'self'")
  const assets = [...(await page.text()).matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map(([, path]) => path!)
  expect(assets.some((path) => path.includes("/swagger-ui-dist@"))).toBe(true)
  for (const path of assets) {
    const asset = await fetch(`http://127.0.0.1:${port}${path}`)
    expect(asset.status, path).toBe(200)
    expect((await asset.arrayBuffer()).byteLength, path).toBeGreaterThan(0)
  }
})
