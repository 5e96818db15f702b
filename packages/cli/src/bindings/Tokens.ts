/** `roster tokens …`: the organization tokens HTTP API consumers present; the secret is shown once. */
import * as Effect from "effect/Effect"
import { Permission, Time, TokenOperations } from "@roster/domain"
import * as Binding from "../Binding.js"
import * as Flag from "../Flag.js"
import * as Input from "../Input.js"
import { organizationName } from "../View.js"
import * as Tokens from "../views/Tokens.js"

const noun = "tokens"

export const bindings = [
  Binding.make(TokenOperations.createToken, {
    noun,
    verb: "create",
    description: "Create an organization token; prints the secret once",
    flags: [
      Flag.text("name", "--name <name>", "what the token is for, e.g. hr-sync", { required: true }),
      Flag.list(
        "permissions",
        "--permission <permission>",
        `a permission to grant (repeatable): ${Permission.all.join(", ")}, or all`,
        {
          required: true,
          words: { all: Permission.all }
        }
      ),
      // Either gives `expiresAt` as the operation reads it: a date-time with its offset.
      Flag.text("expiresAt", "--expires-at <date>", "expiry as an ISO 8601 date or date-time (default: never)", {
        conflicts: "expiresIn",
        parse: (text, flag) => Effect.map(Input.isoDateTime(flag, text), (date) => date.toISOString())
      }),
      // From when the command runs: read again then.
      Flag.text("expiresAt", "--expires-in <duration>", "expiry from now, such as 90m, 12h, 30d, 2w or 1y", {
        conflicts: "expiresAt",
        fromNow: true,
        parse: (text, flag) =>
          Effect.flatMap(Time.now, (now) => Input.later(flag, text, now)).pipe(Effect.map((date) => date.toISOString()))
      })
    ],
    summary: (created, context) => `Created token ${created.name} in ${organizationName(context)}.`,
    view: Tokens.created
  }),
  Binding.make(TokenOperations.listTokens, {
    noun,
    verb: "list",
    description: "List an organization's tokens, newest first (never their secrets)",
    flags: [
      Flag.integer("limit", "--limit <n>", "at most this many (1 to 100); every token when neither this nor --cursor"),
      Flag.text("cursor", "--cursor <cursor>", "start after an earlier page (the cursor of its API Link header)")
    ],
    view: Tokens.list
  }),
  Binding.make(TokenOperations.revokeToken, {
    noun,
    verb: "revoke",
    description: "Revoke a token at once; revoking a revoked token changes nothing",
    arguments: [{ field: "tokenId", description: "the token's name or id (see tokens list)", lookup: "token" }],
    confirm: (typed, context) =>
      `Revoke the token ${typed.tokenId} of ${organizationName(context)}? Whatever uses it stops working at once.`,
    summary: (revoked) => `Revoked token ${revoked.name}.`,
    view: Tokens.token
  })
]
