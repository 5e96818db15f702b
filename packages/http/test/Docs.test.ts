/**
 * The API reference pages (`/docs`, `/docs/contract`, `/docs/<surface>`): what they answer over HTTP,
 * and what a real browser (the system's Chromium, driven by playwright-core) shows of them.
 */
import { Actor, InMemory, Organizations, Services, Tokens } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as TestCrypto from "@roster/crypto/test"
import { App, Server } from "../src/index.js"
import * as Docs from "../src/Docs.js"
import * as Hardening from "../src/Hardening.js"

const runtime = ManagedRuntime.make(
  Services.fullLayer.pipe(Layer.provide(Layer.merge(InMemory.layer, TestCrypto.layer)))
)
let server: Server.Handle
beforeAll(async () => {
  server = await Server.listen(App.make(runtime, { logger: () => {} }), { port: 0, host: "127.0.0.1" })
})
afterAll(async () => {
  await server?.close()
  await runtime.dispose()
})

const strictPolicy = Hardening.headers["Content-Security-Policy"]
const docsPolicy = (() => {
  const res = { setHeader: (_: string, value: string) => (policy = value) }
  let policy = ""
  Docs.contentSecurityPolicy({} as never, res as never, () => {})
  return policy
})()

/** The script and stylesheet URLs of a page, and whether any script is inline. */
const assetsOf = (html: string) => ({
  scripts: [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].map(([, attributes, body]) => ({
    src: /\bsrc="([^"]+)"/.exec(attributes!)?.[1],
    body
  })),
  styles: [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map(([, href]) => href!)
})

const swaggerUiDir = Path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))

describe("the docs pages over HTTP", () => {
  it("each page is HTML under the docs policy, its scripts and styles served here, none inline", async () => {
    expect(docsPolicy).toContain("default-src 'none'")
    expect(docsPolicy).toContain("script-src 'self'")
    expect(docsPolicy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/)
    expect(Docs.pages.map((page) => page.path)).toEqual([
      "/docs",
      "/docs/contract",
      "/docs/org-user-admin",
      "/docs/org-users-basic"
    ])
    for (const page of Docs.pages) {
      const response = await fetch(`${server.url}${page.path}`)
      expect(response.status).toBe(200)
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8")
      expect(response.headers.get("content-security-policy")).toBe(docsPolicy)
      expect(response.headers.get("x-content-type-options")).toBe("nosniff")
      const html = await response.text()
      expect(html).toContain(`data-document="${page.document}"`)
      for (const other of Docs.pages) expect(html).toContain(`href="${other.path}"`)
      const { scripts, styles } = assetsOf(html)
      expect(scripts.length).toBe(2)
      for (const script of scripts) {
        expect(script.body).toBe("")
        expect(script.src).toMatch(/^\/docs\/assets\//)
      }
      expect(styles.length).toBe(2)
      for (const path of [...scripts.map((script) => script.src!), ...styles]) {
        const asset = await fetch(`${server.url}${path}`)
        expect(asset.status).toBe(200)
        expect(asset.headers.get("content-type")).toMatch(/^text\/(javascript|css); charset=utf-8$/)
        expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable")
        expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0)
      }
      // The document it shows is served here.
      expect((await fetch(`${server.url}${page.document}`)).status).toBe(200)
    }
  })

  it("Swagger UI's files are the installed package's, under a path naming its version", async () => {
    const { version } = JSON.parse(Fs.readFileSync(Path.join(swaggerUiDir, "package.json"), "utf8"))
    for (const name of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
      const response = await fetch(`${server.url}/docs/assets/swagger-ui-dist@${version}/${name}`)
      expect(response.status).toBe(200)
      expect(Buffer.from(await response.arrayBuffer()).equals(Fs.readFileSync(Path.join(swaggerUiDir, name)))).toBe(
        true
      )
    }
  })

  it("every other answer keeps default-src 'none'", async () => {
    expect(strictPolicy).toBe("default-src 'none';frame-ancestors 'none'")
    const swaggerScript = assetsOf(await (await fetch(`${server.url}/docs`)).text()).scripts[0]!.src!
    for (const path of ["/health", "/openapi.json", "/openapi/roster.json", "/docs/nothing", "/docs/assets/x.js"]) {
      const response = await fetch(`${server.url}${path}`)
      expect(response.headers.get("content-security-policy"), path).toBe(strictPolicy)
    }
    expect((await fetch(`${server.url}/docs/nothing`)).status).toBe(404)
    // Only the pages relax it; what they load does not need it.
    expect((await fetch(`${server.url}${swaggerScript}`)).headers.get("content-security-policy")).toBe(strictPolicy)
  })

  it("the pages answer HEAD, and another method is 405 with Allow", async () => {
    const head = await fetch(`${server.url}/docs/contract`, { method: "HEAD" })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe("")
    const post = await fetch(`${server.url}/docs`, { method: "POST" })
    expect(post.status).toBe(405)
    expect(post.headers.get("allow")).toBe("GET, HEAD")
    expect(post.headers.get("content-security-policy")).toBe(strictPolicy)
  })
})

const browserPath = "/usr/bin/chromium"
const hasBrowser = Fs.existsSync(browserPath)
const ci = ["", "0", "false"].includes((process.env.CI ?? "").trim().toLowerCase()) === false
if (!hasBrowser) {
  console.warn(
    `Docs.test.ts: no Chromium at ${browserPath}, so the docs pages' browser tests are skipped` +
      (ci ? " — CI must have it (.ci/run installs it)" : " (apt-get install chromium)")
  )
}

/** Generous: the machine may be busy with other suites. */
const timeout = 60_000

interface Operation {
  readonly operationId: string
  readonly summary: string
}

const operationsOf = (document: { paths: Record<string, Record<string, Partial<Operation>>> }) =>
  Object.values(document.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) =>
      typeof operation === "object" && operation !== null && typeof operation.operationId === "string"
        ? [{ operationId: operation.operationId, summary: operation.summary ?? "" }]
        : []
    )
  )

/**
 * Opens a page in a new context, recording every request and every error (a CSP violation is one),
 * and waits until Swagger UI shows the `count` operations of its document.
 */
const open = async (browser: Browser, path: string, count: number) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.setDefaultTimeout(timeout)
  const requests: Array<string> = []
  const errors: Array<string> = []
  page.on("request", (request) => requests.push(request.url()))
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text())
  })
  page.on("pageerror", (error) => errors.push(error.message))
  await page.goto(`${server.url}${path}`)
  await page.waitForFunction((n) => document.querySelectorAll(".opblock").length >= n, count, { timeout })
  const shown = await page.$$eval(".opblock", (blocks) =>
    blocks.map((block) => ({
      id: block.id,
      summary: block.querySelector(".opblock-summary-description")?.textContent ?? ""
    }))
  )
  return { page, context, requests, errors, shown }
}

/** Each operation of the document is shown with its summary, under the id Swagger UI gives it. */
const expectShown = (operations: ReadonlyArray<Operation>, shown: ReadonlyArray<{ id: string; summary: string }>) => {
  for (const { operationId, summary } of operations) {
    const block = shown.find((candidate) => candidate.id.endsWith(`-${operationId}`))
    expect(block, operationId).toBeDefined()
    expect(block!.summary, operationId).toBe(summary)
  }
}

const expectSameOrigin = (requests: ReadonlyArray<string>) => {
  const origin = new URL(server.url).origin
  expect(requests.length).toBeGreaterThan(0)
  expect(requests.filter((url) => !url.startsWith("data:") && new URL(url).origin !== origin)).toEqual([])
}

describe.skipIf(!hasBrowser)("the docs pages in Chromium", () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: browserPath,
      // As root there is no sandbox to enter; a small /dev/shm (containers) crashes tabs.
      args: ["--no-sandbox", "--headless=new", "--disable-dev-shm-usage", "--disable-gpu"],
      timeout
    })
  }, timeout)
  afterAll(async () => {
    await browser?.close()
  })

  const fetchDocument = async (path: string) => (await fetch(`${server.url}${path}`)).json()

  it(
    "/docs shows every operation of Roster's document, loading nothing from elsewhere",
    async () => {
      const operations = operationsOf(await fetchDocument("/openapi/roster.json"))
      expect(operations.map((operation) => operation.operationId)).toContain("list-users")
      const { context, requests, errors, shown } = await open(browser, "/docs", operations.length)
      expectShown(operations, shown)
      expect(new Set(shown.map((block) => block.id)).size).toBeGreaterThanOrEqual(operations.length)
      expect(errors).toEqual([])
      expectSameOrigin(requests)
      expect(requests.some((url) => url.endsWith("/openapi/roster.json"))).toBe(true)
      await context.close()
    },
    timeout
  )

  it(
    "/docs/contract shows the contract's operations, and Try it out calls this server",
    async () => {
      const operations = operationsOf(await fetchDocument("/openapi.json"))
      expect(operations.length).toBe(7)
      const { page, context, requests, errors, shown } = await open(browser, "/docs/contract", operations.length)
      expectShown(operations, shown)
      expect(shown.map((block) => block.summary)).toContain("List users in the organization")

      const token = await runtime.runPromise(
        Effect.gen(function* () {
          const { organization } = yield* Effect.flatMap(Organizations, (service) =>
            service.create(Actor.operator, "Docs Org")
          )
          const created = yield* Effect.flatMap(Tokens, (service) =>
            service.create(
              { actor: Actor.operator, organizationId: organization.id },
              { name: "docs", permissions: ["can_view_users"] }
            )
          )
          return created.secret
        })
      )
      await tryListUsers(page, token)
      expect(errors).toEqual([])
      expectSameOrigin(requests)
      expect(requests.some((url) => new URL(url).pathname === "/organizations/users")).toBe(true)
      await context.close()
    },
    timeout
  )

  it(
    "each compatible surface's page shows its document's operations",
    async () => {
      for (const page of Docs.pages.slice(2)) {
        const operations = operationsOf(await fetchDocument(page.document))
        expect(operations.length, page.path).toBeGreaterThan(0)
        const { context, requests, errors, shown } = await open(browser, page.path, operations.length)
        expectShown(operations, shown)
        expect(errors).toEqual([])
        expectSameOrigin(requests)
        await context.close()
      }
    },
    timeout
  )
})

it.runIf(!hasBrowser && ci)("CI has a browser for the docs pages' tests", () => {
  expect.fail(`CI is set but there is no Chromium at ${browserPath}: .ci/run installs it (apt-get install chromium)`)
})

/**
 * Authorize with `token`, then Try it out on the contract's list-users (which also declares the
 * header as a required parameter) and Execute: a 200 from this server, whatever the contract's
 * `servers` say.
 */
const tryListUsers = async (page: Page, token: string) => {
  await page.click(".auth-wrapper button.authorize")
  await page.fill(".auth-container input", token)
  await page.click(".auth-btn-wrapper button.authorize")
  await page.click(".auth-btn-wrapper button.btn-done")
  const operation = page.locator("[id$='-list-users']")
  await operation.locator(".opblock-summary-control").click()
  await operation.locator("button.try-out__btn").click()
  await operation.locator("tr[data-param-name='Authorization'] input").fill(token)
  await operation.locator("button.execute").click()
  await expect
    .poll(() => operation.locator(".live-responses-table tbody .response-col_status").first().textContent(), {
      timeout
    })
    .toBe("200")
}
