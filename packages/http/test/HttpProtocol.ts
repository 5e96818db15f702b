/**
 * The HTTP suite's routes that need no token (health, the contract, hardening headers) and errors
 * outside any route: 404, 405, OPTIONS, HEAD, a path that is not valid percent-encoding.
 */
import { randomUuid } from "@roster/domain"
import { describe, expect, it } from "vitest"
import { Contract } from "../src/index.js"
import { type Harness, successType } from "./HttpHarness.js"

export const tests = (h: Harness) => {
  const { request, get, del, expectError } = h

  describe("without a token", () => {
    it("GET /health is 200 { status: ok }", async () => {
      const reply = await get("/health")
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ status: "ok" })
    })

    it("GET /openapi.json serves the contract", async () => {
      const reply = await get("/openapi.json")
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual(Contract.document)
    })

    it("sets hardening headers and none that reveal the server", async () => {
      const reply = await get("/health")
      expect(reply.headers.get("x-powered-by")).toBeNull()
      expect(reply.headers.get("x-content-type-options")).toBe("nosniff")
      expect(reply.headers.get("cache-control")).toBe("no-store")
      expect(reply.headers.get("content-security-policy")).toContain("default-src 'none'")
      expect(reply.headers.get("etag")).toBeNull()
    })
  })

  describe("errors outside any route", () => {
    it("an unknown route is 404 NOT_FOUND, even without a token", async () => {
      expectError(await get("/nowhere"), 404, "NOT_FOUND", "No route GET /nowhere")
      expectError(await get("/organizations/users/x/y/z", h.admin), 404, "NOT_FOUND")
      expectError(await get("/organizations"), 404, "NOT_FOUND")
    })

    it("a known path with the wrong method is 405 METHOD_NOT_ALLOWED with an Allow header", async () => {
      const users = await del("/organizations/users", h.admin)
      expectError(users, 405, "METHOD_NOT_ALLOWED")
      expect(users.headers.get("allow")).toBe("GET, HEAD, POST")
      const user = await request("POST", `/organizations/users/${randomUuid()}`)
      expectError(user, 405, "METHOD_NOT_ALLOWED")
      expect(user.headers.get("allow")).toBe("GET, HEAD")
      const terminate = await request("GET", `/organizations/users/${randomUuid()}/terminate`)
      expect(terminate.headers.get("allow")).toBe("POST")
      const profile = await request("PATCH", `/organizations/users/${randomUuid()}/profile`)
      expect(profile.headers.get("allow")).toBe("PUT")
      expect((await request("POST", "/health")).headers.get("allow")).toBe("GET, HEAD")
    })

    it("OPTIONS answers 204 with the allowed methods", async () => {
      const reply = await request("OPTIONS", "/organizations/tokens")
      expect(reply.status).toBe(204)
      expect(reply.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS")
    })

    it("HEAD of a GET route answers its headers only", async () => {
      const reply = await request("HEAD", "/organizations/users", { auth: h.admin })
      expect(reply.status).toBe(200)
      expect(reply.text).toBe("")
      expect(reply.headers.get("content-type")).toBe(successType)
    })

    it("a path that is not valid percent-encoding is 400", async () => {
      expectError(await get("/organizations/users/%E0%A4%A", h.admin), 400, "VALIDATION_FAILED", "path:")
    })
  })
}
