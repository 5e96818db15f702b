/**
 * The checks every route must pass, generated from the routes themselves (the operations' bindings):
 * who are you (401), may you (403, before the body is read), is the request well formed (400 for a
 * bad path parameter, an unknown query parameter or body field), and tenant isolation (another
 * organization's ids are 404). A new operation is covered by binding it.
 */
import { Catalog, InMemory, Permission, randomUuid } from "@roster/domain"
import { beforeAll, describe, expect, it } from "vitest"
import { App, type Route } from "../src/index.js"
import * as IdentityHarness from "./IdentityHarness.js"

const h = IdentityHarness.setup(() => InMemory.layer)
const routes = App.routes(IdentityHarness.publicUrl)

interface Side {
  /** Every permission. */
  readonly all: string
  readonly ids: Readonly<Record<string, string>>
}

let acme: Side
let globex: Side
let organization: IdentityHarness.Organization
let memberSession: string
let adminSession: string

/** A side of the tenancy check: an organization, an all-permission token, a member and a token of it. */
const side = async (): Promise<{ readonly side: Side; readonly organization: IdentityHarness.Organization }> => {
  const found = await h.organization()
  const all = await found.token()
  const member = await found.add()
  const minted = await h.request("POST", "/organizations/tokens", {
    auth: all,
    body: { name: `target-${randomUuid()}`, permissions: ["can_view_users"] }
  })
  expect(minted.status).toBe(201)
  h.secret(minted.json.token)
  return {
    organization: found,
    side: { all, ids: { userId: member.id, tokenId: minted.json.id, sessionId: randomUuid() } }
  }
}

beforeAll(async () => {
  const first = await side()
  acme = first.side
  organization = first.organization
  globex = (await side()).side
  const password = IdentityHarness.password()
  const person = await organization.add({ email: IdentityHarness.uniqueEmail("member"), password })
  memberSession = (await h.signIn(person.email, password)).auth
  const admin = await h.platformAdmin()
  adminSession = (await h.signIn(admin.email, admin.password)).auth
})

/** The route's path with its parameters filled in from `ids` (or with `override` for one of them). */
const pathOf = (route: Route.Route, ids: Readonly<Record<string, string>>, override?: string) =>
  route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => override ?? ids[name] ?? randomUuid())

/** A caller that passes the route's guard: an all-permission token, a member's or an admin's session. */
const authorized = (route: Route.Route): string | undefined => {
  switch (route.guard) {
    case "organization":
      return acme.all
    case "session":
      return memberSession
    case "platform":
      return adminSession
    case "public":
      return undefined
  }
}

/** A body the route accepts, from sample values of the fields it takes (ids of acme). */
const validBody = (route: Route.Route): Record<string, unknown> | undefined => {
  const fields = route.body === undefined ? [] : Object.keys((route.body as unknown as { fields: object }).fields)
  const samples: Record<string, unknown> = {
    roleId: organization.member.id,
    reason: "Checking tenant isolation",
    password: IdentityHarness.password(),
    title: "Engineer"
  }
  return Object.fromEntries(fields.filter((name) => name in samples).map((name) => [name, samples[name]]))
}

for (const route of routes) {
  const label = `${route.method} ${route.path}`
  const takesBody = route.method === "POST" || route.method === "PUT"

  describe(label, () => {
    if (route.guard !== "public") {
      it("is 401 without credentials, before anything else (even a malformed body)", async () => {
        const reply = await h.request(route.method, pathOf(route, acme.ids), {
          ...(takesBody ? { rawBody: "{", contentType: "application/json" } : {})
        })
        h.expectError(reply, 401, "UNAUTHORIZED")
      })
    }

    if (route.guard === "organization" && route.permission !== null) {
      const required = route.permission
      it(`is 403 without ${required}, decided before the body is read`, async () => {
        // can_manage_users implies can_view_users: it goes too when the route needs viewing.
        const lacking = Permission.all.filter(
          (p) => p !== required && !(required === "can_view_users" && p === "can_manage_users")
        )
        const token = await organization.token(lacking)
        const reply = await h.request(route.method, pathOf(route, acme.ids), {
          auth: token,
          ...(takesBody ? { rawBody: "{", contentType: "application/json" } : {})
        })
        h.expectError(reply, 403, "FORBIDDEN", required)
      })
    }

    if (route.guard === "platform") {
      it("is 403 for a session that is not a platform admin's, before the body is read", async () => {
        const reply = await h.request(route.method, pathOf(route, acme.ids), {
          auth: memberSession,
          ...(takesBody ? { rawBody: "{", contentType: "application/json" } : {})
        })
        h.expectError(reply, 403, "FORBIDDEN")
      })
    }

    for (const name of Object.keys(route.params)) {
      it(`is 400 naming ${name} when it is not an id`, async () => {
        const reply = await h.request(route.method, pathOf(route, acme.ids, "not-an-id"), {
          ...(authorized(route) === undefined ? {} : { auth: authorized(route)! })
        })
        h.expectError(reply, 400, "VALIDATION_FAILED", name)
      })
    }

    if (route.guard === "organization" && Object.keys(route.params).length > 0) {
      it("answers 404 for another organization's ids, never 403", async () => {
        const body = validBody(route)
        const reply = await h.request(route.method, pathOf(route, globex.ids), {
          auth: acme.all,
          ...(takesBody && route.body !== undefined ? { body } : {})
        })
        expect(reply.status).toBe(404)
        expect(reply.json.errors[0].code).toMatch(/NOT_FOUND$/)
      })
    }

    if (takesBody) {
      it("is 400 naming a body field it does not know", async () => {
        const reply = await h.request(route.method, pathOf(route, acme.ids), {
          ...(authorized(route) === undefined ? {} : { auth: authorized(route)! }),
          body: { surplus: 1 }
        })
        h.expectError(reply, 400, "VALIDATION_FAILED", "surplus")
      })
    } else {
      it("is 400 naming a query parameter it does not know", async () => {
        const reply = await h.request(route.method, `${pathOf(route, acme.ids)}?surplus=1`, {
          ...(authorized(route) === undefined ? {} : { auth: authorized(route)! })
        })
        h.expectError(reply, 400, "VALIDATION_FAILED", "surplus")
      })
    }
  })
}

describe("the generated checks", () => {
  it("cover every route of the API, each bound to its operation", () => {
    // Every operation but the operator's own (the CLI's alone) has its route.
    const served = Catalog.all.filter((operation) => operation.guard !== "operator").map((operation) => operation.id)
    expect(routes.map((route) => route.operation.id).sort()).toEqual([...served].sort())
  })
})
