/**
 * The real `roster` command tree, in process, against whatever storage a test file provides: in
 * memory, on SQL, behind a running server (every command through its operator channel), and the
 * embedded database in the app. Written once, run against each — the same output and exit codes
 * whichever path a command takes; its parts are one module per group of commands, sharing
 * `CliHarness`.
 */
import { describe } from "@effect/vitest"
import * as CliEvents from "./CliEvents.js"
import * as CliHarness from "./CliHarness.js"
import * as CliOrganizations from "./CliOrganizations.js"
import * as CliPolish from "./CliPolish.js"
import * as CliTokens from "./CliTokens.js"
import * as CliUsage from "./CliUsage.js"
import * as CliUserChanges from "./CliUserChanges.js"
import * as CliUsers from "./CliUsers.js"

export const suite = (
  name: string,
  makeStorage: () => CliHarness.TestStorage | Promise<CliHarness.TestStorage>,
  /** `server`: the commands go through a server, so none opens storage (whose own tests are skipped). */
  path: "database" | "server" = "database"
) =>
  describe(`roster CLI (${name})`, () => {
    const cli = CliHarness.setup(makeStorage)
    CliUsage.tests(cli, path)
    CliOrganizations.tests(cli)
    CliTokens.tests(cli)
    CliUsers.tests(cli)
    CliUserChanges.tests(cli)
    CliEvents.tests(cli)
    CliPolish.tests(cli)
  })
