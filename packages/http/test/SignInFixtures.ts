/**
 * What the sign-in suite's parts share: time spans, and fixtures made over one harness — members
 * with a password (confirmed or not), sign-in requests, a server clock held or put back, TOTP codes,
 * and the links an organization hands out.
 */
import { Credentials } from "@roster/domain"
import * as Effect from "effect/Effect"
import { expect } from "vitest"
import * as IdentityHarness from "./IdentityHarness.js"

export const minute = 60 * 1000
export const day = 24 * 60 * minute
export const lockMs = 15 * minute

/** The fixtures, over the harness `h`. */
export const fixtures = (h: IdentityHarness.Harness) => {
  /** A member with a password, in a new organization (Member role unless told). */
  const member = async (input: Record<string, unknown> = {}) => {
    const org = await h.organization()
    const password = IdentityHarness.password()
    const user = await org.add({ password: password as any, ...input })
    return { org, ...user, password }
  }

  /**
   * A member whose address is not confirmed yet: added without a password (an organization that
   * creates a user with one vouches for the address), then given one.
   */
  const unverifiedMember = async () => {
    const org = await h.organization()
    const password = IdentityHarness.password()
    h.secret(password)
    const user = await org.add()
    await h.run(
      Effect.flatMap(Credentials, (credentials) =>
        credentials.setPassword(org.operator, user.id as any, {
          password: password as any,
          askUserToUpdatePasswordOnLogin: false
        })
      )
    )
    return { org, ...user, password }
  }

  const login = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    h.request("POST", "/auth/login", { body, ...(headers === undefined ? {} : { headers }) })

  /** Runs `body` with the server's clock at a fixed time, 7 s into a 30 s TOTP step; real time afterwards. */
  const atFixedTime = async (body: () => Promise<void>) => {
    h.clock.setTime(new Date("2031-03-04T05:06:07Z"))
    try {
      await body()
    } finally {
      h.clock.reset()
    }
  }

  /** Runs `body`, then puts the server's clock back to real time. */
  const thenRealTime = async (body: () => Promise<void>) => {
    try {
      await body()
    } finally {
      h.clock.reset()
    }
  }

  /** A six-digit code that is not the current one (nor, but by a one-in-a-million chance, a neighbour). */
  const wrongCode = (secret: string) => String((Number(h.totp(secret)) + 1) % 1_000_000).padStart(6, "0")

  /** Signs in and enables TOTP; returns the session, the enrolment and the step it was enabled at. */
  const withTotp = async (email: string, password: string) => {
    const { auth } = await h.signIn(email, password)
    const { secret, recoveryCodes } = await h.enableTotp(auth)
    return { auth, secret, recoveryCodes: [...recoveryCodes] }
  }

  const inOrg = (auth: string, organizationId: string) => ({ auth, headers: { "X-Organization-Id": organizationId } })

  const magicLinkToken = async (org: IdentityHarness.Organization, userId: string) => {
    const reply = await h.request("GET", `/organizations/users/${userId}/magic-link`, { auth: await org.token() })
    expect(reply.status).toBe(200)
    return reply.json.url.split("#token=")[1] as string
  }

  const verificationToken = async (org: IdentityHarness.Organization, userId: string) => {
    const reply = await h.request("POST", `/organizations/users/${userId}/email-verification`, {
      auth: await org.token()
    })
    expect(reply.status).toBe(200)
    return reply.json.url.split("#token=")[1] as string
  }

  return {
    member,
    unverifiedMember,
    login,
    atFixedTime,
    thenRealTime,
    wrongCode,
    withTotp,
    inOrg,
    magicLinkToken,
    verificationToken
  }
}
