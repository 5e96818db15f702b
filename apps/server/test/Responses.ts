/** The shapes of the API's responses (and the CLI's `--json`, which prints the same), for both apps' tests. */
import { expect } from "vitest"

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A `UserResponse`: the user's fields plus the membership as `profile`, whose role is the user's. */
export const expectUser = (user: any, expected: { readonly email: string; readonly status?: string }) => {
  expect(user).toMatchObject({
    id: expect.stringMatching(uuid),
    email: expected.email,
    roleId: expect.stringMatching(uuid),
    createdDateTime: expect.any(String),
    profile: expect.objectContaining({
      roleId: user?.roleId,
      status: expected.status ?? expect.stringMatching(/^(ACTIVE|INACTIVE|TERMINATED|REMOVED|FORGOTTEN)$/)
    })
  })
  expect(Number.isNaN(Date.parse(user.createdDateTime))).toBe(false)
}

/** A first and only page (default size 20) of a `UserPageResponse` holding these emails, in this order. */
export const expectUserPage = (page: any, emails: ReadonlyArray<string>) => {
  expect(Object.keys(page).sort()).toEqual(["content", "next", "number", "size", "totalElements", "totalPages"])
  expect(page).toMatchObject({
    totalElements: emails.length,
    totalPages: Math.ceil(emails.length / 20),
    size: 20,
    number: 0,
    // Under a page's worth: nothing follows.
    next: null
  })
  expect(page.content.map((user: any) => user.email)).toEqual(emails)
  for (const [index, email] of emails.entries()) expectUser(page.content[index], { email })
}
