/** `roster users …`: an organization's members and their lifecycle; `--json` prints the API's shapes. */
import { type Command, Option } from "commander"
import * as Effect from "effect/Effect"
import {
  type Access,
  type ErrorCode,
  type Member,
  MembershipStatus,
  type Services,
  type RoleId,
  UserId,
  UserInput,
  UserResponse,
  Users,
  ValidationFailed
} from "@roster/domain"
import * as Input from "../Input.js"
import * as Identity from "./Identity.js"
import * as Operator from "../Operator.js"
import type { CommandLine, Define, Output, Plan } from "../Plan.js"
import * as Render from "../Render.js"
import { collect } from "./Options.js"

const fullName = (member: Member.Member) =>
  [member.membership.firstName, member.membership.lastName].filter((part) => part !== null).join(" ")

const record = (render: Render.Renderer, member: Member.Member) =>
  render.record([
    ["id", member.user.id],
    ["email", member.user.email],
    ["name", fullName(member)],
    ["title", member.membership.title],
    ["role", `${member.role.name} (${member.role.id})`],
    ["status", member.membership.status],
    ["member since", Render.date(member.membership.createdAt)],
    ["profile id", member.membership.id],
    ["idp id", member.user.idpId],
    ["user created", Render.date(member.user.createdAt)],
    ["last signed in", Render.date(member.user.lastSignedInAt)]
  ])

/** One member: the API's `UserResponse` for scripts, a record for people. */
const member = (found: Member.Member, summary?: (member: Member.Member) => string): Output => ({
  json: UserResponse.fromMember(found),
  text: (render) => [...(summary ? [summary(found)] : []), record(render, found)].join("\n")
})

const page = (found: Member.Page<Member.Member>): Output => {
  const response = UserResponse.fromPage(found)
  return {
    json: response,
    text: (render) =>
      [
        found.items.length === 0
          ? found.total === 0
            ? "No users match."
            : "No users on this page."
          : render.table(
              ["id", "email", "name", "role", "status"],
              found.items.map((item) => [
                item.user.id,
                item.user.email,
                fullName(item),
                item.role.name,
                item.membership.status
              ])
            ),
        Render.pageLine(response, "user")
      ].join("\n")
  }
}

const statusField = { flag: "--status", oneOf: MembershipStatus.all }
const initialStatusField = { flag: "--status", oneOf: ["ACTIVE", "INACTIVE"] }
const profileFields = { firstName: "--first-name", lastName: "--last-name", title: "--title" } as const

/** Status words are accepted in any case: `--status active`. */
const upper = (text: string | undefined) => text?.toUpperCase()

/** The `--org` and `<userId>` every single-user command takes, checked before anything runs. */
const target = (line: CommandLine) =>
  Effect.all({
    org: Input.reference("--org", line.text("org")!),
    userId: Input.decodeValue(UserId, line.args[0], "userId")
  })

const optionalRole = (line: CommandLine) => {
  const role = line.text("role")
  return role === undefined ? Effect.succeed(undefined) : Input.reference("--role", role)
}

type Lifecycle = "terminate" | "deactivate" | "activate" | "forget" | "resetMfa"

const lifecycle: ReadonlyArray<{
  readonly name: string
  readonly operation: Lifecycle
  readonly description: string
  readonly summary: (member: Member.Member) => string
}> = [
  {
    name: "terminate",
    operation: "terminate",
    description: "Terminate a user's membership (ACTIVE or INACTIVE → TERMINATED); reinstate undoes it",
    summary: (found) => `Terminated ${found.user.email}.`
  },
  {
    name: "deactivate",
    operation: "deactivate",
    description: "Deactivate an ACTIVE user (→ INACTIVE); activate undoes it",
    summary: (found) => `Deactivated ${found.user.email}.`
  },
  {
    name: "activate",
    operation: "activate",
    description: "Activate an INACTIVE user (→ ACTIVE)",
    summary: (found) => `Activated ${found.user.email}.`
  },
  {
    name: "forget",
    operation: "forget",
    description: "Erase a TERMINATED or REMOVED user's personal data for good (→ FORGOTTEN); cannot be undone",
    summary: (found) => `Forgot user ${found.user.id}: their personal data in this organization is erased.`
  },
  {
    name: "reset-mfa",
    operation: "resetMfa",
    description: "Reset a user's second factor; they enrol again at their next sign-in",
    summary: (found) => `Reset MFA for ${found.user.email}.`
  }
]

/**
 * A command on one member: `<userId>`, `--org` and whatever `decode` checks, all before anything
 * runs; then the use case, in the organization, as the operator.
 */
const onMember = <A>(
  line: CommandLine,
  decode: Effect.Effect<A, ValidationFailed>,
  change: (
    users: Users,
    access: Access,
    userId: UserId,
    input: A
  ) => Effect.Effect<Member.Member, ErrorCode.DomainError, Services.UseCases>,
  summary?: (member: Member.Member) => string
): Plan =>
  Effect.gen(function* () {
    const { org, userId } = yield* target(line)
    const input = yield* decode
    return Effect.gen(function* () {
      const { access } = yield* Operator.inOrganization(org)
      const service = yield* Users
      return member(yield* change(service, access, userId, input), summary)
    })
  })

/** `--role`, required: looked up by id or name once the organization is known. */
const withRole = (
  line: CommandLine,
  change: (
    users: Users,
    access: Access,
    userId: UserId,
    roleId: RoleId
  ) => Effect.Effect<Member.Member, ErrorCode.DomainError, Services.UseCases>,
  summary: (member: Member.Member) => string
): Plan =>
  onMember(
    line,
    Input.reference("--role", line.text("role")!),
    (users, access, userId, role) =>
      Operator.role(access, role).pipe(Effect.flatMap((found) => change(users, access, userId, found.id))),
    summary
  )

const userIdArgument = "the user's id (see users list)"
const orgOption = "organization id or name"

export const register = (program: Command, define: Define) => {
  const users = program.command("users").description("List and manage the members of an organization")

  define(
    users
      .command("list")
      .description("List the members of an organization (REMOVED and FORGOTTEN only when asked with --status)")
      .requiredOption("--org <org>", orgOption)
      .option("--page <n>", "page number, from 0 (default: 0)")
      .option("--size <n>", `users per page, 1 to ${UserInput.maxPageSize} (default: ${UserInput.defaultPageSize})`)
      .option(
        "--status <status>",
        `only users in this status (repeatable): ${MembershipStatus.all.join(", ")}`,
        collect
      )
      .option("--q <text>", "only users whose email or name contains this text (case-insensitive)")
      .option("--role <role>", "only users with this role (id or name)"),
    (line) =>
      Effect.gen(function* () {
        const org = yield* Input.reference("--org", line.text("org")!)
        const role = yield* optionalRole(line)
        const pageNumber = yield* Input.integer("--page", line.text("page"))
        const size = yield* Input.integer("--size", line.text("size"))
        const query = yield* Input.decode(
          UserInput.ListUsers.omit("roleId"),
          {
            page: pageNumber,
            size,
            // Repeated or comma-separated, as the API's `status` takes them.
            status: line.texts("status")?.flatMap((status) => status.split(",").map((one) => one.trim().toUpperCase())),
            q: line.text("q")
          },
          { page: "--page", size: "--size", status: statusField, q: "--q" }
        )
        return Effect.gen(function* () {
          const { access } = yield* Operator.inOrganization(org)
          const filter = role === undefined ? {} : { roleId: (yield* Operator.role(access, role)).id }
          const found = yield* Effect.flatMap(Users, (service) => service.list(access, { ...query, ...filter }))
          return page(found)
        })
      })
  )

  define(
    users
      .command("show")
      .description("Show one user as this organization sees them")
      .argument("<userId>", userIdArgument)
      .requiredOption("--org <org>", orgOption),
    (line) => onMember(line, Effect.void, (service, access, userId) => service.get(access, userId))
  )

  define(
    users
      .command("add")
      .description("Add a user to an organization (re-adds a REMOVED one)")
      .requiredOption("--org <org>", orgOption)
      .requiredOption("--email <email>", "the user's email address")
      .option("--first-name <name>", "first name")
      .option("--last-name <name>", "last name")
      .option("--title <title>", "job title")
      .option("--role <role>", "role id or name (default: the organization's default role)")
      .option("--status <status>", "ACTIVE or INACTIVE (default: ACTIVE)")
      .option("--password-stdin", "set the user's password from standard input")
      .option("--require-change", "with --password-stdin: the user must change it at next sign-in"),
    (line) =>
      Effect.gen(function* () {
        const org = yield* Input.reference("--org", line.text("org")!)
        yield* Identity.requireStdinFor(line, "--require-change", "requireChange")
        const role = yield* optionalRole(line)
        for (const [key, flag] of Object.entries(profileFields)) yield* Input.nonBlank(flag, line.text(key))
        const input = yield* Input.decode(
          UserInput.AddUser.omit("roleId"),
          {
            email: line.text("email"),
            firstName: line.text("firstName"),
            lastName: line.text("lastName"),
            title: line.text("title"),
            status: upper(line.text("status"))
          },
          { email: "--email", ...profileFields, status: initialStatusField }
        )
        return Effect.gen(function* () {
          const secret = line.flag("passwordStdin")
            ? {
                password: yield* Identity.passwordFromStdin(line),
                askUserToUpdatePasswordOnLogin: line.flag("requireChange")
              }
            : {}
          const { access, organization } = yield* Operator.inOrganization(org)
          const given = role === undefined ? {} : { roleId: (yield* Operator.role(access, role)).id }
          const added = yield* Effect.flatMap(Users, (service) =>
            service.add(access, { ...input, ...given, ...secret })
          )
          return member(
            added,
            (found) =>
              `Added ${found.user.email} to ${organization.name} as ${found.role.name} (${found.membership.status}).`
          )
        })
      })
  )

  define(
    users
      .command("update-profile")
      .description("Change a user's first name, last name or title; what is not named stays as it is")
      .argument("<userId>", userIdArgument)
      .requiredOption("--org <org>", orgOption)
      .addOption(new Option("--first-name <name>", "new first name").conflicts("clearFirstName"))
      .addOption(new Option("--last-name <name>", "new last name").conflicts("clearLastName"))
      .addOption(new Option("--title <title>", "new job title").conflicts("clearTitle"))
      .option("--clear-first-name", "remove the first name")
      .option("--clear-last-name", "remove the last name")
      .option("--clear-title", "remove the title"),
    (line) =>
      onMember(
        line,
        Effect.gen(function* () {
          for (const [key, flag] of Object.entries(profileFields)) {
            yield* Input.nonBlank(flag, line.text(key), `; use --clear-${flag.slice(2)} to remove it`)
          }
          const profile = {
            firstName: line.flag("clearFirstName") ? null : line.text("firstName"),
            lastName: line.flag("clearLastName") ? null : line.text("lastName"),
            title: line.flag("clearTitle") ? null : line.text("title")
          }
          if (Object.values(profile).every((value) => value === undefined)) {
            return yield* ValidationFailed.single(
              "options",
              "nothing to change: pass --first-name, --last-name, --title or one of the --clear- options"
            )
          }
          return yield* Input.decode(UserInput.UpdateProfile, profile, profileFields)
        }),
        (service, access, userId, profile) => service.updateProfile(access, userId, profile),
        (found) => `Updated the profile of ${found.user.email}.`
      )
  )

  define(
    users
      .command("set-role")
      .description("Give a user another role")
      .argument("<userId>", userIdArgument)
      .requiredOption("--org <org>", orgOption)
      .requiredOption("--role <role>", "role id or name"),
    (line) =>
      withRole(
        line,
        (service, access, userId, roleId) => service.changeRole(access, userId, { roleId }),
        (found) => `${found.user.email} now has the role ${found.role.name}.`
      )
  )

  for (const { name, operation, description, summary } of lifecycle) {
    define(
      users
        .command(name)
        .description(description)
        .argument("<userId>", userIdArgument)
        .requiredOption("--org <org>", orgOption),
      (line) => onMember(line, Effect.void, (service, access, userId) => service[operation](access, userId), summary)
    )
  }

  define(
    users
      .command("reinstate")
      .description("Reinstate a TERMINATED user (→ ACTIVE) with a role")
      .argument("<userId>", userIdArgument)
      .requiredOption("--org <org>", orgOption)
      .requiredOption("--role <role>", "role id or name to give back"),
    (line) =>
      withRole(
        line,
        (service, access, userId, roleId) => service.reinstate(access, userId, { roleId }),
        (found) => `Reinstated ${found.user.email} as ${found.role.name}.`
      )
  )

  define(
    users
      .command("remove")
      .description("Remove a user from the organization, with a reason (→ REMOVED); users add re-adds them")
      .argument("<userId>", userIdArgument)
      .requiredOption("--org <org>", orgOption)
      .requiredOption("--reason <text>", "why; kept in the audit log"),
    (line) =>
      onMember(
        line,
        Input.decode(UserInput.Remove, { reason: line.text("reason") }, { reason: "--reason" }),
        (service, access, userId, input) => service.remove(access, userId, input),
        (found) => `Removed ${found.user.email}.`
      )
  )
}
