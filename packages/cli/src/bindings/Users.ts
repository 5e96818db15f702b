/**
 * `roster users …`: an organization's members, their lifecycle and their sign-in, each command an
 * operation of `UserOperations` or `CredentialOperations`; `--json` prints the API's shapes.
 */
import {
  CredentialOperations,
  Member,
  MembershipStatus,
  UserInput,
  UserOperations,
  type UserResponse
} from "@roster/domain"
import * as Binding from "../Binding.js"
import * as Flag from "../Flag.js"
import { type Context, organizationName, roleName } from "../View.js"
import * as Links from "../views/Links.js"
import * as Members from "../views/Members.js"

const { transitions } = UserOperations

const noun = "users"
const member = [{ field: "userId", description: "the user's email or id", lookup: "member" } as const]
const nonBlank = { nonBlank: { hint: "" } }

/** A command on one member: its operation, the member's id, and the line that says what it did. */
const onMember = (row: {
  readonly operation: (typeof transitions)[Exclude<keyof typeof transitions, "resetMfa">]
  readonly verb: string
  readonly description: string
  readonly flags?: ReadonlyArray<Flag.Flag>
  readonly nothingGiven?: string
  readonly summary: (answer: UserResponse.UserResponse, context: Context) => string
  /** For a change that may change nothing: what to say then. */
  readonly unchanged?: (answer: UserResponse.UserResponse, context: Context) => string
  /** For a change that cannot be undone: the question asked first. */
  readonly confirm?: (typed: Readonly<Record<string, string>>, context: Context) => string
}) => {
  const { unchanged, ...rest } = row
  return Binding.make(row.operation, {
    noun,
    ...rest,
    arguments: member,
    view: Members.member,
    ...(unchanged === undefined ? {} : { unchanged: { read: UserOperations.viewUser, summary: unchanged } })
  })
}

/** `--first-name` and the like, with the `--clear-` option that removes the value instead. */
const profileText = (field: string, flag: string, placeholder: string, description: string) =>
  Flag.text(field, `--${flag} <${placeholder}>`, description, {
    conflicts: `clear${field[0]!.toUpperCase()}${field.slice(1)}`,
    nonBlank: { hint: `; use --clear-${flag} to remove it` }
  })

export const bindings = [
  Binding.make(UserOperations.listUsers, {
    noun,
    verb: "list",
    description: "List the members of an organization (REMOVED and FORGOTTEN only when asked with --status)",
    flags: [
      Flag.page(),
      Flag.integer(
        "size",
        "--size <n>",
        `users per page, 1 to ${UserInput.maxPageSize} (default: ${UserInput.defaultPageSize})`
      ),
      Flag.list(
        "status",
        "--status <status>",
        `only users in this status (repeatable): ${MembershipStatus.all.join(", ")}`,
        {
          commas: true,
          letterCase: "upper"
        }
      ),
      Flag.text("q", "--q <text>", "only users whose email or name contains this text (case-insensitive)"),
      Flag.role("only users with this role (id or name)"),
      Flag.text(
        "sort",
        "--sort <order>",
        `order: ${Member.memberSorts.filter((s) => !s.startsWith("-")).join(", ")} (default: createdAt); -email descends`
      ),
      Flag.text("cursor", "--cursor <cursor>", "start after an earlier page (its JSON next), not with --page")
    ],
    view: Members.page
  }),

  Binding.make(UserOperations.viewUser, {
    noun,
    verb: "show",
    description: "Show one user as this organization sees them",
    arguments: member,
    view: Members.member
  }),

  Binding.make(UserOperations.addUser, {
    noun,
    verb: "add",
    description: "Add a user to an organization (re-adds a REMOVED one)",
    flags: [
      Flag.text("email", "--email <email>", "the user's email address", { required: true }),
      Flag.text("firstName", "--first-name <name>", "first name", nonBlank),
      Flag.text("lastName", "--last-name <name>", "last name", nonBlank),
      Flag.text("title", "--title <title>", "job title", nonBlank),
      Flag.role("role id or name (default: the organization's default role)"),
      Flag.text("status", "--status <status>", "ACTIVE or INACTIVE (default: ACTIVE)", { upperCase: true }),
      Flag.password("set the user's password from standard input"),
      Flag.toggle(
        "askUserToUpdatePasswordOnLogin",
        "--require-change",
        "with --password-stdin: the user must change it at next sign-in",
        { needs: Flag.needsPassword }
      )
    ],
    summary: (added, context) =>
      `Added ${added.email} to ${organizationName(context)} as ${roleName(context, added.roleId)} (${added.profile.status}).`,
    view: Members.member
  }),

  onMember({
    operation: transitions.updateProfile,
    verb: "update-profile",
    description: "Change a user's first name, last name or title; what is not named stays as it is",
    flags: [
      profileText("firstName", "first-name", "name", "new first name"),
      profileText("lastName", "last-name", "name", "new last name"),
      profileText("title", "title", "title", "new job title"),
      Flag.clear("firstName", "--clear-first-name", "remove the first name"),
      Flag.clear("lastName", "--clear-last-name", "remove the last name"),
      Flag.clear("title", "--clear-title", "remove the title")
    ],
    nothingGiven: "nothing to change: pass --first-name, --last-name, --title or one of the --clear- options",
    summary: (changed) => `Updated the profile of ${changed.email}.`,
    unchanged: (found) => `Unchanged: the profile of ${found.email} already is as given.`
  }),
  onMember({
    operation: transitions.changeRole,
    verb: "set-role",
    description: "Give a user another role",
    flags: [Flag.role("role id or name", { required: true })],
    summary: (changed, context) => `${changed.email} now has the role ${roleName(context, changed.roleId)}.`,
    unchanged: (found, context) => `Unchanged: ${found.email} already has the role ${roleName(context, found.roleId)}.`
  }),
  onMember({
    operation: transitions.terminate,
    verb: "terminate",
    description: "Terminate a user's membership (ACTIVE or INACTIVE → TERMINATED); reinstate undoes it",
    summary: (changed) => `Terminated ${changed.email}.`
  }),
  onMember({
    operation: transitions.deactivate,
    verb: "deactivate",
    description: "Deactivate an ACTIVE user (→ INACTIVE); activate undoes it",
    summary: (changed) => `Deactivated ${changed.email}.`
  }),
  onMember({
    operation: transitions.activate,
    verb: "activate",
    description: "Activate an INACTIVE user (→ ACTIVE)",
    summary: (changed) => `Activated ${changed.email}.`
  }),
  onMember({
    operation: transitions.forget,
    verb: "forget",
    description: "Erase a TERMINATED or REMOVED user's personal data for good (→ FORGOTTEN); cannot be undone",
    confirm: (typed, context) =>
      `Forget ${typed.userId} in ${organizationName(context)}: erase their personal data for good? This cannot be undone.`,
    summary: (changed) => `Forgot user ${changed.id}: their personal data in this organization is erased.`
  }),
  // The operation answers nothing (202, as the contract has it); the command shows the member after.
  Binding.make(transitions.resetMfa, {
    noun,
    verb: "reset-mfa",
    description: "Reset a user's second factor; they enrol again at their next sign-in",
    arguments: member,
    show: UserOperations.viewUser,
    summary: (changed: UserResponse.UserResponse) => `Reset MFA for ${changed.email}.`,
    view: Members.member
  }),
  onMember({
    operation: transitions.reinstate,
    verb: "reinstate",
    description: "Reinstate a TERMINATED user (→ ACTIVE) with a role",
    flags: [Flag.role("role id or name to give back", { required: true })],
    summary: (changed, context) => `Reinstated ${changed.email} as ${roleName(context, changed.roleId)}.`
  }),
  onMember({
    operation: transitions.remove,
    verb: "remove",
    description: "Remove a user from the organization, with a reason (→ REMOVED); users add re-adds them",
    flags: [Flag.text("reason", "--reason <text>", "why; kept in the audit log", { required: true })],
    confirm: (typed, context) => `Remove ${typed.userId} from ${organizationName(context)}?`,
    summary: (changed) => `Removed ${changed.email}.`
  }),

  // The operation answers nothing; the command says what it set.
  Binding.make(CredentialOperations.resetUserPassword, {
    noun,
    verb: "set-password",
    description: "Set a managed user's password from standard input, ending their sessions",
    arguments: member,
    flags: [
      Flag.password("read the password from standard input", { required: true }),
      // On unless turned off: an admin-set password is known to the admin.
      Flag.onUnlessNegated(
        "askUserToUpdatePasswordOnLogin",
        "--require-change",
        "the user must change it at their next sign-in (the default)",
        {
          flags: "--no-require-change",
          description: "let the user keep it (by default they must change it at their next sign-in)"
        }
      )
    ],
    receipt: (input) => ({ id: input.userId, passwordChangeRequired: input.askUserToUpdatePasswordOnLogin === true }),
    view: { text: (_, set) => `Set the password of ${set.id}.` }
  }),
  ...[
    {
      operation: CredentialOperations.createUserMagicLink,
      verb: "magic-link",
      description: "Make a one-time sign-in link for a managed user (valid 15 minutes)"
    },
    {
      operation: CredentialOperations.createUserVerificationLink,
      verb: "verification-link",
      description: "Make a link that confirms a managed user's email address (valid 7 days)"
    }
  ].map(({ operation, verb, description }) =>
    Binding.make(operation, {
      noun,
      verb,
      description,
      arguments: member,
      flags: [
        Flag.publicUrl(
          "where the front end is (default: $ROSTER_PUBLIC_URL, else the server's address on $HOST and $PORT)"
        )
      ],
      view: Links.issued
    })
  )
]
