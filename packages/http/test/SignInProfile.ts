/**
 * The sign-in suite's own profile (`PUT /me/profile`: one's name and picture) and the device of each
 * of one's sessions (`GET /me/sessions`), as the platform-users API has them.
 */
import { describe, expect, it } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"
import { fixtures } from "./SignInFixtures.js"

const chromeOnMac =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
const safariOnIphone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"

export const tests = (h: IdentityHarness.Harness) => {
  const { member, login } = fixtures(h)

  const put = (auth: string, body: unknown) => h.request("PUT", "/me/profile", { auth, body })

  describe("one's own profile", () => {
    it("sets the name and picture: absent stays as it is, null clears; /me and sign-in answer them", async () => {
      const ada = await member()
      const { auth } = await h.signIn(ada.email, ada.password)
      const avatarUrl = "https://cdn.example.com/avatars/ada.png?size=128"
      const set = await put(auth, { name: "  Ada King  ", avatarUrl })
      expect(set.status).toBe(200)
      expect(set.json).toMatchObject({ id: ada.id, email: ada.email, name: "Ada King", avatarUrl })
      expect(set.json.memberships).toHaveLength(1)
      expect((await h.request("GET", "/me", { auth })).json).toMatchObject({ name: "Ada King", avatarUrl })

      expect((await put(auth, { name: "Ada Lovelace" })).json).toMatchObject({ name: "Ada Lovelace", avatarUrl })
      expect((await put(auth, { avatarUrl: null })).json).toMatchObject({ name: "Ada Lovelace", avatarUrl: null })
      expect((await put(auth, {})).json).toMatchObject({ name: "Ada Lovelace", avatarUrl: null })
      expect((await put(auth, { name: null })).json).toMatchObject({ name: null, avatarUrl: null })
      // The URL as the standard writes it.
      const normalized = await put(auth, { avatarUrl: "HTTPS://CDN.Example.COM/a.png" })
      expect(normalized.json.avatarUrl).toBe("https://cdn.example.com/a.png")
      const signedIn = await h.signIn(ada.email, ada.password)
      expect(signedIn.body.user).toMatchObject({ name: null, avatarUrl: "https://cdn.example.com/a.png" })
    })

    it("records each change as identity.profile_updated, before and after; no change, no event", async () => {
      const root = await h.platformAdmin()
      const rootAuth = (await h.signIn(root.email, root.password)).auth
      const ada = await member()
      const { auth } = await h.signIn(ada.email, ada.password)
      const avatarUrl = "https://cdn.example.com/avatars/ada.png"
      await put(auth, { name: "Ada King", avatarUrl })
      await put(auth, { name: "Ada King" })
      await put(auth, { avatarUrl: null })
      const events = await h.request("GET", `/admin/events?userId=${ada.id}&type=identity.profile_updated`, {
        auth: rootAuth
      })
      expect(events.status).toBe(200)
      // Newest first.
      expect(events.json.content.map((e: any) => [e.organizationId, e.actor.type, e.before, e.after])).toEqual([
        [null, "user", { name: "Ada King", avatarUrl }, { name: "Ada King", avatarUrl: null }],
        [null, "user", { name: null, avatarUrl: null }, { name: "Ada King", avatarUrl }]
      ])
    })

    it("refuses a picture that is not an https URL, too long, or with credentials, changing nothing", async () => {
      const ada = await member()
      const { auth } = await h.signIn(ada.email, ada.password)
      const avatarUrl = "https://cdn.example.com/ada.png"
      await put(auth, { name: "Ada", avatarUrl })
      const cases: ReadonlyArray<readonly [unknown, RegExp]> = [
        ["http://cdn.example.com/ada.png", /^avatarUrl: must be an https:\/\/ URL/],
        ["javascript:alert(document.cookie)", /^avatarUrl: must be an https:\/\/ URL/],
        ["data:image/png;base64,iVBORw0KGgo=", /^avatarUrl: must be an https:\/\/ URL/],
        ["//cdn.example.com/ada.png", /^avatarUrl: must be an https:\/\/ URL/],
        ["", /^avatarUrl: must be an https:\/\/ URL.*send null to clear it/],
        [`https://cdn.example.com/${"a".repeat(2030)}.png`, /^avatarUrl: must be at most 2048 characters$/],
        ["https://ada:hunter2@cdn.example.com/ada.png", /^avatarUrl: must not contain credentials/],
        ["https://ada@cdn.example.com/ada.png", /^avatarUrl: must not contain credentials/],
        ["https://cdn.example.com/a\nb.png", /^avatarUrl: must not contain spaces or control characters$/],
        [42, /^avatarUrl: /]
      ]
      for (const [value, message] of cases) {
        h.expectError(await put(auth, { avatarUrl: value }), 400, "VALIDATION_FAILED", message)
      }
      expect((await h.request("GET", "/me", { auth })).json).toMatchObject({ name: "Ada", avatarUrl })
    })

    it("refuses an empty, too long or multi-line name, unknown fields and a body that is not an object", async () => {
      const ada = await member()
      const { auth } = await h.signIn(ada.email, ada.password)
      h.expectError(await put(auth, { name: "   " }), 400, "VALIDATION_FAILED", /^name: must not be empty/)
      h.expectError(await put(auth, { name: "a".repeat(201) }), 400, "VALIDATION_FAILED", /^name: must be at most 200/)
      h.expectError(await put(auth, { name: "Ada\nKing" }), 400, "VALIDATION_FAILED", /^name: must not contain control/)
      h.expectError(await put(auth, { name: "Ada\u0000" }), 400, "VALIDATION_FAILED", /^name: must not contain/)
      h.expectError(await put(auth, { email: "other@example.com" }), 400, "VALIDATION_FAILED", /^email: /)
      h.expectError(await put(auth, ["Ada"]), 400, "VALIDATION_FAILED", /must be a JSON object/)
      const both = await put(auth, { name: "", avatarUrl: "http://x.example" })
      h.expectError(both, 400, "VALIDATION_FAILED")
      expect(both.json.errors.map((e: any) => e.message.split(":")[0]).sort()).toEqual(["avatarUrl", "name"])
      expect((await h.request("GET", "/me", { auth })).json).toMatchObject({ name: null, avatarUrl: null })
      expect((await put(auth, { name: "a".repeat(200) })).status).toBe(200)
    })

    it("is refused to a session that must change its password first, and to nobody's", async () => {
      const ada = await member({ askUserToUpdatePasswordOnLogin: true })
      const { auth, body } = await h.signIn(ada.email, ada.password)
      expect(body.passwordChangeRequired).toBe(true)
      h.expectError(await put(auth, { name: "Ada" }), 403, "PASSWORD_CHANGE_REQUIRED")
      h.expectError(await h.request("PUT", "/me/profile", { body: { name: "Ada" } }), 401, "UNAUTHORIZED")
      const token = await ada.org.token()
      h.expectError(await put(token, { name: "Ada" }), 401, "UNAUTHORIZED")
      const newPassword = IdentityHarness.password("new")
      h.secret(newPassword)
      await h.request("POST", "/me/password", { auth, body: { currentPassword: ada.password, newPassword } })
      expect((await put(auth, { name: "Ada" })).json.name).toBe("Ada")
    })

    it("is one's own: it changes no other account", async () => {
      const ada = await member()
      const bob = await member()
      const adaAuth = (await h.signIn(ada.email, ada.password)).auth
      const bobAuth = (await h.signIn(bob.email, bob.password)).auth
      await put(adaAuth, { name: "Ada" })
      expect((await h.request("GET", "/me", { auth: bobAuth })).json).toMatchObject({ id: bob.id, name: null })
    })
  })

  describe("one's sessions, with their device", () => {
    it("names each session's browser, system and kind of device, and marks the current one", async () => {
      const ada = await member()
      await login({ email: ada.email, password: ada.password }, { "User-Agent": chromeOnMac })
      const phone = await login({ email: ada.email, password: ada.password }, { "User-Agent": safariOnIphone })
      await login({ email: ada.email, password: ada.password }, { "User-Agent": "curl/8.4.0" })
      const auth = `Bearer ${phone.json.token}`
      const list = await h.request("GET", "/me/sessions", { auth })
      expect(list.status).toBe(200)
      const byAgent = Object.fromEntries(list.json.map((s: any) => [s.userAgent, [s.device, s.current]]))
      expect(byAgent).toEqual({
        [chromeOnMac]: [{ browser: "Chrome 120", os: "macOS Catalina", type: "desktop" }, false],
        [safariOnIphone]: [{ browser: "Safari 17", os: "iOS 17.1", type: "mobile" }, true],
        "curl/8.4.0": [{ browser: null, os: null, type: null }, false]
      })
      // Another session of the same user sees itself as the current one.
      const desktop = list.json.find((s: any) => s.userAgent === chromeOnMac)
      expect((await h.request("DELETE", `/me/sessions/${desktop.id}`, { auth })).status).toBe(204)
      const after = await h.request("GET", "/me/sessions", { auth })
      expect(after.json.map((s: any) => s.userAgent).sort()).toEqual(["curl/8.4.0", safariOnIphone].sort())
      expect(after.json.filter((s: any) => s.current).map((s: any) => s.userAgent)).toEqual([safariOnIphone])
    })
  })
}
