/**
 * What the org-users-basic suite's parts share: the identity suites' app over real HTTP on a given
 * storage and their fixtures (`IdentityHarness`), and a client of the surface that checks every
 * answer on the way — against the surface's generated OpenAPI document (the status is one the
 * operation lists, the body matches its schema), and every failure in the surface's one shape (its
 * `status` is the HTTP status, `error` the first of `errors`, a fingerprint the log has). It
 * remembers which statuses each route answered, for the suite's last check.
 */
import type { MembershipStatus, Permission as PermissionType } from "@roster/domain"
import {
  Actor,
  OrganizationId,
  OrganizationRepository,
  Permission,
  RoleId,
  Tokens,
  Users,
  randomUuid
} from "@roster/domain"
import * as Effect from "effect/Effect"
import { expect } from "vitest"
import * as Document from "../src/surfaces/OrgUsersBasicDocument.js"
import * as DocumentSchemas from "./DocumentSchemas.js"
import * as HttpClient from "./HttpClient.js"
import * as IdentityHarness from "./IdentityHarness.js"

export type Reply = HttpClient.Reply

export const paths = {
  list: "/v1/organizations/users/list",
  add: "/v1/organizations/users/add",
  update: "/v1/organizations/users/update",
  remove: "/v1/organizations/users/remove"
} as const

export const actions = { list: "users", add: "add_user", update: "update_user", remove: "remove_user" } as const

export type Change = "add" | "update" | "remove"

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export interface Organization extends IdentityHarness.Organization {
  /** Every role of the organization, by name. */
  readonly roles: ReadonlyMap<string, { readonly id: string }>
}

export interface Harness {
  readonly identity: IdentityHarness.Harness
  /** Any request to the surface, checked; `path` may carry a query string. */
  readonly send: (method: string, path: string, options?: HttpClient.RequestOptions) => Promise<Reply>
  /** `GET …/list?action=users&org_id=…`, then `extra` (`&page=0`). */
  readonly list: (auth: string, orgId: string, extra?: string) => Promise<Reply>
  /** `POST …/<change>?action=<its action>` with `body`. */
  readonly change: (change: Change, auth: string, body: unknown) => Promise<Reply>
  /** Fails unless the reply is this failure, in the surface's shape. */
  readonly expectFailure: (reply: Reply, status: number, code: string, messagePart?: string | RegExp) => void
  /** A new organization made by the operator (Admin and Member), or with exactly these roles. */
  readonly organization: (
    roles?: ReadonlyArray<{ readonly name: string; readonly permissions: ReadonlyArray<PermissionType.Permission> }>
  ) => Promise<Organization>
  /** The operator moves a member into `status` through the use cases. */
  readonly bringTo: (org: Organization, userId: string, status: MembershipStatus.MembershipStatus) => Promise<void>
  /** The organization's users as the surface lists them, by email. */
  readonly users: (org: Organization) => Promise<ReadonlyMap<string, { readonly role: string; readonly state: string }>>
  /** The organization's events through Roster's own API (`GET /organizations/events`), newest first. */
  readonly events: (org: Organization, userId?: string) => Promise<ReadonlyArray<any>>
  /** The documented statuses each route answered, by `METHOD path`. */
  readonly seen: ReadonlyMap<string, ReadonlySet<number>>
  /** Every answer of the surface, as received. */
  readonly responses: ReadonlyArray<string>
}

export const setup = (makePortsLayer: () => IdentityHarness.PortsLayer): Harness => {
  const identity = IdentityHarness.setup(makePortsLayer)
  const documented = DocumentSchemas.make(Document.document as Record<string, unknown>)
  const seen = new Map<string, Set<number>>()
  const responses: Array<string> = []

  const send = async (method: string, path: string, options: HttpClient.RequestOptions = {}) => {
    const reply = await HttpClient.send(identity.url(), method, path, options)
    responses.push(reply.raw)
    const pathname = new URL(identity.url() + path).pathname
    // The status is one the document lists for the operation, and the body matches its schema.
    documented.assert(method, pathname, reply.status, reply.json)
    const key = `${method} ${pathname}`
    seen.set(key, (seen.get(key) ?? new Set()).add(reply.status))
    expect(reply.headers.get("content-type")).toBe("application/json")
    if (reply.status >= 400) {
      expect(reply.json.status).toBe(reply.status)
      expect(reply.json.error).toEqual(reply.json.errors[0])
      expect(reply.json.fingerprint).toMatch(uuidPattern)
      expect(identity.logs.some((line) => line.includes(reply.json.fingerprint))).toBe(true)
    } else {
      expect(reply.json.status).toBe(200)
    }
    return reply
  }

  const list = (auth: string, orgId: string, extra = "") =>
    send("GET", `${paths.list}?action=users&org_id=${orgId}${extra}`, { auth })

  const change = (change: Change, auth: string, body: unknown) =>
    send("POST", `${paths[change]}?action=${actions[change]}`, { auth, body })

  const expectFailure = (reply: Reply, status: number, code: string, messagePart?: string | RegExp) => {
    HttpClient.expectError(reply, status, code, messagePart)
    expect(reply.json.status).toBe(status)
  }

  const organization = async (
    roles?: ReadonlyArray<{ readonly name: string; readonly permissions: ReadonlyArray<PermissionType.Permission> }>
  ): Promise<Organization> => {
    if (roles === undefined) {
      const made = await identity.organization()
      return {
        ...made,
        roles: new Map([
          ["Admin", made.admin],
          ["Member", made.member]
        ])
      }
    }
    // Roles beyond the built-in ones are data: stored with the organization, as a migration would.
    const id = OrganizationId.make(randomUuid())
    const name = `Org ${randomUuid()}`
    const stored = roles.map((role, index) => ({
      id: RoleId.make(randomUuid()),
      organizationId: id,
      name: role.name,
      permissions: [...role.permissions],
      isDefault: index === roles.length - 1
    }))
    await identity.run(
      Effect.flatMap(OrganizationRepository, (repository) =>
        repository.insert({ id, name, createdAt: new Date() }, stored)
      )
    )
    const operator = { actor: Actor.operator, organizationId: id }
    return {
      id,
      name,
      admin: stored[0]!,
      member: stored.at(-1)!,
      operator,
      roles: new Map(stored.map((role) => [role.name, role])),
      token: async (permissions = Permission.all) => {
        const { secret } = await identity.run(
          Effect.flatMap(Tokens, (tokens) =>
            tokens.create(operator, { name: "test", permissions: [...permissions] as any })
          )
        )
        identity.secret(secret)
        return secret
      },
      add: async (input = {}) => {
        const email = input.email ?? IdentityHarness.uniqueEmail()
        const member = await identity.run(
          Effect.flatMap(Users, (users) => users.add(operator, { ...input, email } as any))
        )
        return { id: member.user.id, email }
      }
    }
  }

  const bringTo = (org: Organization, userId: string, status: MembershipStatus.MembershipStatus) =>
    identity.run(
      Effect.gen(function* () {
        const users = yield* Users
        const id = userId as any
        if (status === "INACTIVE") yield* users.deactivate(org.operator, id)
        if (status === "TERMINATED" || status === "REMOVED" || status === "FORGOTTEN") {
          yield* users.terminate(org.operator, id)
        }
        if (status === "REMOVED") yield* users.remove(org.operator, id, { reason: "moved on" })
        if (status === "FORGOTTEN") yield* users.forget(org.operator, id)
      })
    )

  // One reader per organization: a token made for each look would add its own event to what is looked at.
  const readers = new Map<string, Promise<string>>()
  const reader = (org: Organization) => {
    const known = readers.get(org.id) ?? org.token(["can_view_users", "can_view_audit"])
    readers.set(org.id, known)
    return known
  }

  const users = async (org: Organization) => {
    const reply = await list(await reader(org), org.id)
    expect(reply.status).toBe(200)
    return new Map<string, { role: string; state: string }>(
      reply.json.users.map((user: any) => [user.email, { role: user.role, state: user.state }])
    )
  }

  const events = async (org: Organization, userId?: string) => {
    const token = await reader(org)
    const query = userId === undefined ? "size=200" : `size=200&userId=${userId}`
    const reply = await identity.request("GET", `/organizations/events?${query}`, { auth: token })
    expect(reply.status).toBe(200)
    return reply.json.content
  }

  return {
    identity,
    send,
    list,
    change,
    expectFailure,
    organization,
    bringTo,
    users,
    events,
    seen,
    responses
  }
}
