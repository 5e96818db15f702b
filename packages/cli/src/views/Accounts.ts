/** Identities as a platform admin reads them: one table row each. */
import type { IdentityResponse } from "@roster/domain"
import * as Render from "../Render.js"
import type { View } from "../View.js"

const yesNo = (value: boolean) => (value ? "yes" : "no")

const table = (render: Render.Renderer, accounts: ReadonlyArray<IdentityResponse.AccountSummaryResponse>) =>
  render.table(
    ["id", "email", "name", "admin", "verified", "mfa", "disabled"],
    accounts.map((account) => [
      account.id,
      account.email,
      account.name ?? "",
      yesNo(account.isPlatformAdmin),
      yesNo(account.emailVerified),
      yesNo(account.mfaEnabled),
      yesNo(account.disabled)
    ])
  )

export const account: View<IdentityResponse.AccountResponse> = {
  text: (render, found) => table(render, [found])
}

export const page: View<IdentityResponse.AccountPageResponse> = {
  text: (render, found) => `${table(render, found.content)}\n${Render.pageLine(found, "account")}`
}
