/**
 * Forgetting a person leaves nothing in the database that names them: after a life of sign-ins
 * (right and wrong passwords, a second factor, links, their own name and picture, an attempt before they
 * were added and one after they were forgotten), every row of every table is read back as text and
 * searched for their email, its local part, their names, their title and their picture. An email no account ever had, tried at sign-in, is
 * never stored in clear either. Real HTTP, on PGlite and on PostgreSQL when enabled.
 */
import * as TestCrypto from "@roster/crypto/test"
import { Actor, Organizations, Services, Tokens, randomUuid } from "@roster/domain"
import * as TestDatabase from "@roster/store/test"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { App, Server } from "../src/index.js"
import * as HttpClient from "./HttpClient.js"

for (const driver of TestDatabase.drivers()) {
  describe(`Erasure on SQL storage (${driver.name})`, () => {
    const layer = () =>
      Services.fullLayer.pipe(Layer.provideMerge(Layer.merge(TestDatabase.ports(driver.layer()), TestCrypto.layer)))
    let runtime: ManagedRuntime.ManagedRuntime<Layer.Layer.Success<ReturnType<typeof layer>>, unknown>
    let server: Server.Handle

    beforeAll(async () => {
      runtime = ManagedRuntime.make(layer())
      await runtime.runtime()
      server = await Server.listen(
        App.make(runtime, { logger: () => {}, publicUrl: "https://app.example.test", signInRateLimit: false }),
        {
          port: 0,
          host: "127.0.0.1"
        }
      )
    })

    afterAll(async () => {
      await server?.close()
      await runtime?.dispose()
    })

    const request = (method: string, path: string, options?: HttpClient.RequestOptions) =>
      HttpClient.send(server.url, method, path, options)

    it("after forget, no row names the person, and an unknown email tried is nowhere in clear", async () => {
      const tag = randomUuid().slice(0, 8)
      const localPart = `erase-${tag}`
      const email = `${localPart}@example.com`
      const person = {
        email,
        firstName: `Ottoline${tag}`,
        lastName: `Quarrington${tag}`,
        title: `Keeper of Ledgers ${tag}`,
        password: `pw-${randomUuid()}`
      }
      // What they show of themselves: their own name and picture.
      const own = { name: `Lady Ottoline ${tag}`, avatarUrl: `https://cdn.example.com/u/avatar-${tag}.png` }
      const unknownLocalPart = `nobody-${tag}`
      const unknownEmail = `${unknownLocalPart}@example.com`

      const { organization } = await runtime.runPromise(
        Effect.flatMap(Organizations, (service) => service.create(Actor.operator, `Erasure ${tag}`))
      )
      const { secret: token } = await runtime.runPromise(
        Effect.flatMap(Tokens, (service) =>
          service.create(
            { actor: Actor.operator, organizationId: organization.id },
            {
              name: "hr",
              permissions: ["can_view_users", "can_manage_users", "can_reset_2fa", "can_manage_roles"] as any
            }
          )
        )
      )

      // Tried before the person was added: counted under the email, no account having it yet.
      const early = await request("POST", "/auth/login", { body: { email, password: "not-yet-a-member" } })
      expect(early.status).toBe(401)

      const added = await request("POST", "/organizations/users", { auth: token, body: person })
      expect(added.status, added.text).toBe(201)
      const userId: string = added.json.id

      const wrong = await request("POST", "/auth/login", { body: { email, password: "wrong-password-1" } })
      expect(wrong.status).toBe(401)
      const wrongAgain = await request("POST", "/auth/login", {
        body: { email: email.toUpperCase(), password: "wrong-password-2" }
      })
      expect(wrongAgain.status).toBe(401)
      const signedIn = await request("POST", "/auth/login", { body: { email, password: person.password } })
      expect(signedIn.status, signedIn.text).toBe(200)
      const session = `Bearer ${signedIn.json.token}`
      // Their own name and picture, changed twice: the users row and two profile events hold them.
      for (const profile of [own, { name: `${own.name} II`, avatarUrl: `${own.avatarUrl}?v=2` }]) {
        const updated = await request("PUT", "/me/profile", { auth: session, body: profile })
        expect(updated.status, updated.text).toBe(200)
      }
      // A second factor started, and a wrong password after it: rows in mfa, throttle and events.
      expect((await request("POST", "/me/mfa/totp", { auth: session })).status).toBe(201)
      expect((await request("POST", "/auth/login", { body: { email, password: "wrong-password-3" } })).status).toBe(401)
      // Links: one-time tokens.
      expect((await request("GET", `/organizations/users/${userId}/magic-link`, { auth: token })).status).toBe(200)
      expect((await request("POST", `/organizations/users/${userId}/email-verification`, { auth: token })).status).toBe(
        200
      )

      // An email nobody has: refused like a wrong password.
      const unknown = await request("POST", "/auth/login", {
        body: { email: unknownEmail, password: "anything-at-all" }
      })
      expect(unknown.status).toBe(401)

      // Through the state machine: deactivate, terminate, remove, forget.
      for (const [step, body] of [
        ["deactivate", undefined],
        ["terminate", undefined],
        ["remove", { reason: "Left the company" }],
        ["forget", undefined]
      ] as const) {
        const reply = await request("POST", `/organizations/users/${userId}/${step}`, {
          auth: token,
          ...(body === undefined ? {} : { body })
        })
        expect(reply.status, `${step}: ${reply.text}`).toBe(200)
      }

      // Their sign-in counts went with them: the one left is the unknown email's.
      const throttled = (await runtime.runPromise(TestDatabase.dump)).filter((row) =>
        row.startsWith("login_throttle: ")
      )
      expect(throttled).toHaveLength(1)

      // The former member tries again, once forgotten: their email is an unknown one now.
      const after = await request("POST", "/auth/login", { body: { email, password: person.password } })
      expect(after.status).toBe(401)

      const rows = await runtime.runPromise(TestDatabase.dump)
      for (const table of ["users", "memberships", "events", "login_throttle"]) {
        expect(rows.some((row) => row.startsWith(`${table}: `))).toBe(true)
      }
      const erased = [person.email, localPart, person.firstName, person.lastName, person.title, own.name, own.avatarUrl]
      const leaks = rows.filter((row) =>
        [...erased, unknownEmail, unknownLocalPart].some((value) => row.toLowerCase().includes(value.toLowerCase()))
      )
      expect(leaks).toEqual([])
      // The dump did see the rows the story made: the tombstone, the events, the throttle counts.
      expect(rows.some((row) => row.includes(`forgotten-${userId}@erased.invalid`))).toBe(true)
      expect(rows.filter((row) => row.startsWith("login_throttle: ")).length).toBeGreaterThan(0)
    })
  })
}
