/** A handed-out link: the URL alone, to copy or pipe. */
import type { IdentityResponse } from "@roster/domain"
import type { View } from "../View.js"

export const issued: View<IdentityResponse.IssuedLinkResponse> = { text: (_, link) => link.url }
