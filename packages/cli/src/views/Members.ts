/** Members as people read them: a record for one, a table and a page line for a page. */
import type { UserResponse } from "@roster/domain"
import * as Render from "../Render.js"
import { type Context, type View, roleName } from "../View.js"

const fullName = (member: UserResponse.UserResponse) =>
  [member.profile.firstName, member.profile.lastName].filter((part) => part !== null).join(" ")

/** One member, as `UserResponse` shows them; their role by name. */
export const member: View<UserResponse.UserResponse> = {
  roles: true,
  text: (render, found, context) =>
    render.record([
      ["id", found.id],
      ["email", found.email],
      ["name", fullName(found)],
      ["title", found.profile.title],
      ["role", `${roleName(context, found.roleId)} (${found.roleId})`],
      ["status", found.profile.status],
      ["member since", found.profile.createdDateTime],
      ["profile id", found.profile.id],
      ["idp id", found.idpId],
      ["last signed in", found.profile.lastSignedInAt]
    ])
}

/** A page of members, as `UserPageResponse` shows it. */
export const page: View<UserResponse.UserPageResponse> = {
  roles: true,
  text: (render, found, context: Context) =>
    [
      found.content.length === 0
        ? found.totalElements === 0
          ? "No users match."
          : "No users on this page."
        : render.table(
            ["id", "email", "name", "role", "status"],
            found.content.map((item) => [
              item.id,
              item.email,
              fullName(item),
              roleName(context, item.roleId),
              item.profile.status
            ])
          ),
      Render.pageLine(found, "user")
    ].join("\n")
}
