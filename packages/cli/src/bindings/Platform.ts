/** `roster admins …` and `roster accounts …`: identities across every organization, as the operator. */
import { OrganizationOperations, PlatformOperations } from "@roster/domain"
import * as Binding from "../Binding.js"
import * as Flag from "../Flag.js"
import * as Accounts from "../views/Accounts.js"

const account = [{ field: "userId", description: "the account's email or id", lookup: "account" } as const]

const search = Flag.text("q", "--q <text>", "case-insensitive part of the email or name")
const page = Flag.page()
const size = Flag.integer("size", "--size <n>", "page size")
const cursor = Flag.text("cursor", "--cursor <cursor>", "start after an earlier page (its JSON next), not with --page")

/** An operation on one account that takes nothing but its id, and answers the account. */
type OnAccount =
  | typeof PlatformOperations.viewAccount
  | typeof PlatformOperations.deactivateAccount
  | typeof PlatformOperations.reactivateAccount
  | typeof PlatformOperations.promoteAccount
  | typeof PlatformOperations.demoteAccount
  | typeof PlatformOperations.disableAccountMfa
  | typeof PlatformOperations.verifyAccountEmail

const action = (operation: OnAccount, noun: string, verb: string, description?: string) =>
  Binding.make(operation, {
    noun,
    verb,
    ...(description === undefined ? {} : { description }),
    arguments: account,
    view: Accounts.account
  })

const admins = [
  Binding.make(OrganizationOperations.bootstrapPlatformAdmin, {
    noun: "admins",
    verb: "create",
    description: "Make an email a platform admin who signs in with the password on stdin (creating it if needed)",
    flags: [
      Flag.text("email", "--email <email>", "the admin's email", { required: true }),
      Flag.text("name", "--name <name>", "display name"),
      Flag.password("read the password from standard input", { required: true })
    ],
    view: Accounts.account
  }),
  Binding.make(PlatformOperations.listAccounts, {
    noun: "admins",
    verb: "list",
    description: "List the platform admins, a page at a time",
    fixed: { platformAdmin: true },
    flags: [search, page, size, cursor],
    view: Accounts.page
  }),
  action(PlatformOperations.promoteAccount, "admins", "promote", "Make an account a platform admin"),
  action(PlatformOperations.demoteAccount, "admins", "demote")
]

const accounts = [
  Binding.make(PlatformOperations.listAccounts, {
    noun: "accounts",
    verb: "list",
    description: "List every identity, a page at a time (GET /admin/users)",
    flags: [search, Flag.toggle("platformAdmin", "--admins", "only platform admins"), page, size, cursor],
    view: Accounts.page
  }),
  Binding.make(PlatformOperations.createAccount, {
    noun: "accounts",
    verb: "create",
    description: "Create an identity (POST /admin/users): optionally with a password, and ACTIVE in an organization",
    flags: [
      Flag.text("email", "--email <email>", "the email address", { required: true }),
      Flag.text("name", "--name <name>", "display name"),
      Flag.org("organization id or name to make them an ACTIVE member of", { field: "organizationId" }),
      Flag.role("with --org: role id or name (default: the organization's default role)", {
        needs: { attribute: "org", message: "applies only with --org" }
      }),
      Flag.password("set the password from standard input"),
      Flag.toggle(
        "askUserToUpdatePasswordOnLogin",
        "--require-change",
        "with --password-stdin: they must change it at their first sign-in",
        { needs: Flag.needsPassword }
      )
    ],
    view: Accounts.account
  }),
  action(PlatformOperations.viewAccount, "accounts", "show", "Show an account"),
  action(
    PlatformOperations.deactivateAccount,
    "accounts",
    "deactivate",
    "Block sign-in everywhere and end every session"
  ),
  action(PlatformOperations.reactivateAccount, "accounts", "reactivate", "Allow sign-in again"),
  action(
    PlatformOperations.disableAccountMfa,
    "accounts",
    "disable-mfa",
    "Remove the second factor and recovery codes, ending every session"
  ),
  action(PlatformOperations.verifyAccountEmail, "accounts", "verify-email", "Mark the email verified"),
  // The operation answers nothing; the command says what is gone.
  Binding.make(PlatformOperations.deleteAccount, {
    noun: "accounts",
    verb: "delete",
    description: "Delete the identity: forget every membership and erase its data (cannot be undone)",
    arguments: account,
    confirm: (typed) => `Delete the account ${typed.userId} everywhere, and erase its data for good?`,
    receipt: (input) => ({ id: input.userId, deleted: true }),
    view: { text: (_, deleted) => `Deleted ${deleted.id}` }
  }),
  Binding.make(PlatformOperations.resetAccountPassword, {
    noun: "accounts",
    verb: "reset-password",
    description: "Set the password from stdin, ending every session",
    arguments: account,
    flags: [
      Flag.password("read the password from standard input", { required: true }),
      Flag.toggle("askUserToUpdatePasswordOnLogin", "--require-change", "the user must change it at next sign-in")
    ],
    view: Accounts.account
  })
]

export const bindings = [...admins, ...accounts]
