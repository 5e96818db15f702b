/**
 * `roster db counters [--repair] [--organization NAME]`: the member counters that answer every
 * list's totals (`membership_counts`, kept by triggers) checked against the memberships they count,
 * and rebuilt from them with `--repair` (the store's `Counters`, which the app gives: `Io.counters`).
 * Drift means something wrote around the triggers; a check that finds some fails (exit 4), so a
 * script or a cron job notices. Like `roster dev seed`, it works on the database itself: a data
 * directory a running server holds is refused, naming what to do.
 */
import * as Effect from "effect/Effect"
import { CliError } from "./CliError.js"
import type { Environment } from "./Connection.js"
import * as ExitCode from "./ExitCode.js"
import type * as Format from "./Format.js"
import type { Storage } from "./Io.js"
import * as OnThisMachine from "./OnThisMachine.js"
import type { Output } from "./Plan.js"

/** One organization × status × role whose counter is not the number of its memberships. */
export interface Drift {
  readonly organizationId: string
  readonly status: string
  readonly roleId: string
  readonly counted: number
  readonly actual: number
}

/** The store's check (or repair, which answers the drift it rebuilt), on the database `storage` names. */
export type Counters = (
  storage: Storage,
  request: { readonly repair: boolean; readonly organization: string | undefined }
) => Effect.Effect<ReadonlyArray<Drift>, unknown>

/** `roster db counters`, parsed. */
export interface Request {
  readonly repair: boolean
  readonly organization: string | undefined
  readonly storage: Storage
  readonly format: Format.Format
}

const fail = (code: string, reason: string, exitCode: number) => Effect.fail(new CliError({ code, reason, exitCode }))

const describe = (d: Drift) =>
  `organization ${d.organizationId}, ${d.status}, role ${d.roleId}: counted ${d.counted}, there are ${d.actual}`

/** How many drifted counters the one error line names; the rest are counted. */
const named = 5

export const run = (
  request: Request,
  environment: Environment,
  counters: Counters | undefined
): Effect.Effect<Output, unknown> =>
  Effect.gen(function* () {
    if (counters === undefined) {
      return yield* fail("COUNTERS_UNSUPPORTED", "this roster cannot open a database", ExitCode.unexpected)
    }
    yield* OnThisMachine.requireFree(request.storage, environment, "stop it and run roster db counters again")
    const drift = yield* counters(request.storage, { repair: request.repair, organization: request.organization })
    if (drift.length > 0 && !request.repair) {
      return yield* fail(
        "COUNTERS_DRIFT",
        `${drift.length} member counter(s) disagree with the memberships (${[
          ...drift.slice(0, named).map(describe),
          ...(drift.length > named ? [`and ${drift.length - named} more`] : [])
        ].join("; ")}): run roster db counters --repair`,
        ExitCode.conflict
      )
    }
    return {
      json: { drift, repaired: request.repair && drift.length > 0 },
      text: () =>
        drift.length === 0
          ? "The member counters agree with the memberships."
          : [`Repaired ${drift.length} member counter(s):`, ...drift.map((d) => `  ${describe(d)}`)].join("\n")
    } satisfies Output
  })
