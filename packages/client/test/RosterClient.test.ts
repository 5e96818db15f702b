/** The typed client against a real server: every call a real HTTP request, every failure a RosterApiError. */
import * as TestCrypto from "@roster/crypto/test"
import { Actor, InMemory, Organizations, Permission, Platform, Services, Tokens } from "@roster/domain"
import { App, Server } from "@roster/http"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createRosterClient, RosterApiError, type RosterClient } from "../src/index.js"

const runtime = ManagedRuntime.make(
  Services.fullLayer.pipe(Layer.provide(Layer.merge(InMemory.layer, TestCrypto.layer)))
)
let server: Server.Handle
let client: RosterClient
let adminRoleId: string
let memberRoleId: string

beforeAll(async () => {
  server = await Server.listen(App.make(runtime), { port: 0, host: "127.0.0.1" })
  const { token, roles } = await runtime.runPromise(
    Effect.gen(function* () {
      const { organization } = yield* Effect.flatMap(Organizations, (service) => service.create(Actor.operator, "Acme"))
      const access = { actor: Actor.operator, organizationId: organization.id }
      const created = yield* Effect.flatMap(Tokens, (service) =>
        service.create(access, { name: "client tests", permissions: [...Permission.all] })
      )
      const roles = yield* Effect.flatMap(Organizations, (service) => service.listRoles(access))
      return { token: created.secret, roles }
    })
  )
  adminRoleId = roles.find((role) => role.name === "Admin")!.id
  memberRoleId = roles.find((role) => role.name === "Member")!.id
  client = createRosterClient({ baseUrl: server.url, token })
})

afterAll(async () => {
  await server.close()
  await runtime.dispose()
})

describe("createRosterClient", () => {
  it("adds, lists, reads and moves a member through the lifecycle, typed end to end", async () => {
    const added = await client.addUser({ email: "ada@example.com", firstName: "Ada", title: "Engineer" })
    expect(added).toMatchObject({ email: "ada@example.com", profile: { firstName: "Ada", status: "ACTIVE" } })

    const page = await client.listUsers({ q: "ada", size: 5 })
    expect(page).toMatchObject({ totalElements: 1, size: 5, number: 0 })
    expect(page.content.map((user) => user.email)).toEqual(["ada@example.com"])

    expect((await client.viewUser({ userId: added.id })).profile.title).toBe("Engineer")
    expect((await client.terminateUser({ userId: added.id })).profile.status).toBe("TERMINATED")
    const back = await client.reinstateUser({ userId: added.id, roleId: adminRoleId })
    expect(back.profile).toMatchObject({ status: "ACTIVE", roleId: adminRoleId })
    const changed = await client.updateUserProfile({ userId: added.id, lastName: "Lovelace", title: null })
    expect(changed.profile).toMatchObject({ firstName: "Ada", lastName: "Lovelace", title: null })
    // Ada is now the organization's only manager: the server keeps her one.
    await expect(client.updateUserRole({ userId: added.id, roleId: memberRoleId })).rejects.toMatchObject({
      status: 409,
      code: "LAST_MANAGER"
    })
    const barbara = await client.addUser({ email: "barbara@example.com" })
    expect(barbara.roleId).toBe(memberRoleId)
    expect((await client.updateUserRole({ userId: barbara.id, roleId: adminRoleId })).roleId).toBe(adminRoleId)
  })

  it("sends list filters as the query string, repeated for lists", async () => {
    const user = await client.addUser({ email: "grace@example.com", status: "INACTIVE" })
    const inactive = await client.listUsers({ status: ["INACTIVE"] })
    expect(inactive.content.map((member) => member.id)).toEqual([user.id])
    const several = await client.listUsers({ status: ["ACTIVE", "INACTIVE"], size: 200 })
    expect(several.content.map((member) => member.id)).toContain(user.id)
  })

  it("resolves to nothing for an operation that answers nothing (reset-mfa: 202)", async () => {
    const user = await client.addUser({ email: "linus@example.com" })
    await expect(client.resetMfa({ userId: user.id })).resolves.toBeUndefined()
  })

  it("throws RosterApiError with the status, the first code and every error", async () => {
    const missing = "00000000-0000-4000-8000-000000000000"
    const notFound = await client.viewUser({ userId: missing }).catch((error: unknown) => error)
    expect(notFound).toBeInstanceOf(RosterApiError)
    expect(notFound).toMatchObject({ status: 404, code: "USER_NOT_FOUND" })
    expect((notFound as RosterApiError).fingerprint).toMatch(/^[0-9a-f-]{36}$/)
    // The server made the request's id and logged the failure under it.
    expect((notFound as RosterApiError).requestId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/)

    const user = await client.addUser({ email: "edsger@example.com" })
    await expect(client.reinstateUser({ userId: user.id, roleId: adminRoleId })).rejects.toMatchObject({
      status: 409,
      code: "INVALID_STATUS_TRANSITION"
    })

    const invalid = (await client
      .addUser({ email: "not an email", firstName: "x".repeat(500) })
      .catch((error: unknown) => error)) as RosterApiError
    expect(invalid).toMatchObject({ status: 400, code: "VALIDATION_FAILED" })
    expect(invalid.errors.map((error) => error.message).join("\n")).toMatch(/email/)
    expect(invalid.errors.length).toBe(2)
  })

  it("speaks the platform-users API's additions: one's own profile, limit and search, devices, a QR code", async () => {
    await runtime.runPromise(
      Effect.flatMap(Platform, (platform) =>
        platform.bootstrapAdmin(Actor.operator, { email: "root@example.com", password: "root password 1" })
      )
    )
    const signedIn = await createRosterClient({ baseUrl: server.url }).signIn({
      email: "root@example.com",
      password: "root password 1"
    })
    const root = createRosterClient({ baseUrl: server.url, token: signedIn.token })
    const avatarUrl = "https://cdn.example.com/root.png"
    expect(await root.updateMyProfile({ name: "Root", avatarUrl })).toMatchObject({ name: "Root", avatarUrl })
    expect(await root.updateMyProfile({ avatarUrl: null })).toMatchObject({ name: "Root", avatarUrl: null })
    const found = await root.listAccounts({ search: "root@", limit: 1 })
    expect(found).toMatchObject({ size: 1, totalElements: 1, content: [{ email: "root@example.com", name: "Root" }] })
    await expect(root.listAccounts({ limit: 1, size: 1 })).rejects.toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED"
    })
    const [session] = await root.listMySessions()
    expect(session).toMatchObject({ current: true, device: { browser: null, os: null, type: null } })
    expect((await root.startMyTotpEnrolment()).qrCodeUrl).toMatch(/^data:image\/png;base64,/)
  })

  it("refuses a bad token with 401, and a missing one", async () => {
    const stranger = createRosterClient({ baseUrl: server.url, token: `tot_${"A".repeat(52)}` })
    await expect(stranger.listUsers()).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED" })
    const anonymous = createRosterClient({ baseUrl: `${server.url}/` })
    await expect(anonymous.listUsers({})).rejects.toMatchObject({ status: 401 })
  })

  it("names a missing path field before sending anything", async () => {
    let sent = 0
    const counting = createRosterClient({
      baseUrl: server.url,
      fetch: (...args) => {
        sent++
        return fetch(...args)
      }
    })
    await expect(counting.viewUser({} as { userId: string })).rejects.toThrow(/viewUser: userId is required/)
    expect(sent).toBe(0)
  })
})
