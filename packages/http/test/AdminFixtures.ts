/**
 * What the administration suite's parts share: members with a password, sign-in and its expected
 * outcome, moving a membership through its states, TOTP, an organization's reset-password, and a
 * signed-in platform admin, all over one harness.
 */
import type { MembershipStatus } from "@roster/domain"
import { Users } from "@roster/domain"
import * as Effect from "effect/Effect"
import { expect } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"

export const minutes = (n: number) => n * 60_000

type Org = IdentityHarness.Organization

/** The fixtures, over the harness `h`. */
export const fixtures = (h: IdentityHarness.Harness) => {
  /** A member of `org` with a password (the Member role unless `roleId` says otherwise). */
  const member = async (org: Org, input: { readonly roleId?: string; readonly email?: string } = {}) => {
    const password = IdentityHarness.password()
    const added = await org.add({ ...input, password } as any)
    return { ...added, password }
  }

  const login = (email: string, password: string, code?: string) =>
    h.request("POST", "/auth/login", { body: { email, password, ...(code === undefined ? {} : { code }) } })

  const expectSignedOut = async (auth: string) => {
    h.expectError(await h.request("GET", "/me", { auth }), 401, "UNAUTHORIZED")
  }

  const expectSignedIn = async (auth: string) => {
    expect((await h.request("GET", "/me", { auth })).status).toBe(200)
  }

  const bringTo = (org: Org, userId: string, status: MembershipStatus.MembershipStatus) =>
    h.run(
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

  /** Enrols and enables TOTP for the signed-in user; returns the secret. */
  const enableTotp = async (auth: string) => (await h.enableTotp(auth)).secret

  const resetPassword = (org: string, userId: string, body: unknown) =>
    h.request("POST", `/organizations/users/${userId}/reset-password`, { auth: org, body })

  /** A signed-in platform admin: `auth` is their session. */
  const admin = async () => {
    const created = await h.platformAdmin()
    const { auth } = await h.signIn(created.email, created.password)
    return { ...created, auth }
  }

  const expectRoughly = (iso: string, expectedMs: number) => {
    expect(Math.abs(new Date(iso).getTime() - expectedMs)).toBeLessThan(minutes(1))
  }

  return { member, login, expectSignedOut, expectSignedIn, bringTo, enableTotp, resetPassword, admin, expectRoughly }
}
