/**
 * First run: on a database with no organization, create one and an API token with every
 * permission, so that a newcomer can call the API within a minute.
 */
import { Actor, Organizations, Permission, Tokens } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

export interface Welcome {
  readonly organizationName: string
  readonly secret: string
}

export const defaultOrganizationName = "My Organization"

/** Creates the first organization and token when there is none; `None` otherwise. */
export const ensureFirstOrganization = (organizationName: string = defaultOrganizationName) =>
  Effect.gen(function* () {
    const organizations = yield* Organizations
    if ((yield* organizations.list(Actor.operator)).length > 0) return Option.none<Welcome>()
    const { organization } = yield* organizations.create(Actor.operator, organizationName)
    const { secret } = yield* (yield* Tokens).create(
      { actor: Actor.operator, organizationId: organization.id },
      { name: "first-run", permissions: Permission.all }
    )
    return Option.some<Welcome>({ organizationName: organization.name, secret })
  }).pipe(
    // Another server sharing the database got there first: it has welcomed the operator.
    Effect.catchTag("OrganizationNameTaken", () => Effect.succeed(Option.none<Welcome>()))
  )

/**
 * The welcome as one log entry, for LOG_FORMAT=json: the token once, in a field of its own
 * (`token`), and the commands to try with `$ROSTER_TOKEN` in its place. Written once, on stdout,
 * never through the logger (which masks every token).
 */
export const welcomeEntry = (
  welcome: Welcome,
  baseUrl: string
): { readonly message: string; readonly annotations: Readonly<Record<string, string>> } => ({
  message: `Roster created your first organization, "${welcome.organizationName}", and an API token with every permission. It is shown only this once: keep it somewhere safe.`,
  annotations: {
    organization: welcome.organizationName,
    token: welcome.secret,
    tryIt: `curl -H "Authorization: $ROSTER_TOKEN" ${baseUrl}/organizations/users`,
    addUser: `curl -X POST -H "Authorization: $ROSTER_TOKEN" -H "Content-Type: application/json" -d '{"email":"ada@example.com","firstName":"Ada"}' ${baseUrl}/organizations/users`
  }
})

/** What the server prints once, on stdout (never through the logger): the token is shown only here. */
export const welcomeMessage = (welcome: Welcome, baseUrl: string): string =>
  [
    "",
    `Roster created your first organization, "${welcome.organizationName}", and an API token with every permission.`,
    "It is shown only this once. Keep it somewhere safe:",
    "",
    `  ${welcome.secret}`,
    "",
    "Try it:",
    "",
    `  curl -H "Authorization: ${welcome.secret}" ${baseUrl}/organizations/users`,
    "",
    "Add a user:",
    "",
    `  curl -X POST -H "Authorization: ${welcome.secret}" -H "Content-Type: application/json" \\`,
    `       -d '{"email":"ada@example.com","firstName":"Ada"}' ${baseUrl}/organizations/users`,
    ""
  ].join("\n")
