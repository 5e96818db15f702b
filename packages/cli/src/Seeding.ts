/**
 * `roster dev seed --members N [--organization NAME]`: synthetic members in bulk, for development
 * and benchmarks, on the database itself (the store's `Seed`, which the app gives: `Io.seed`). A data
 * directory a running server holds is refused rather than seeded through it: a million rows are no
 * request for its operator channel, and PGlite opens a directory once. Progress goes to stderr on a
 * terminal, never with `--json`; with `--json` the answer is `{ organizationId, token }` alone.
 */
import * as Effect from "effect/Effect"
import { CliError } from "./CliError.js"
import type { Environment } from "./Connection.js"
import * as ExitCode from "./ExitCode.js"
import type * as Format from "./Format.js"
import type { Storage } from "./Io.js"
import * as OnThisMachine from "./OnThisMachine.js"
import type { Output } from "./Plan.js"

/** What a seed added, as the store reports it. */
export interface Seeded {
  readonly organizationId: string
  readonly organizationName: string
  readonly created: boolean
  /** An organization token (`tot_…`) with every permission, shown once. */
  readonly token: string
  readonly tokenName: string
  readonly statuses: { readonly [status: string]: number }
  readonly events: number
}

/** The store's seeding, as the app gives it: opens the database `storage` names, seeds, closes. */
export type Seed = (
  storage: Storage,
  request: {
    readonly members: number
    readonly organization: string | undefined
    readonly onProgress: (done: number, total: number) => void
  }
) => Effect.Effect<Seeded, unknown>

/** A progress bar on a terminal (the app's: stderr, when it is one). */
export interface Progress {
  readonly update: (done: number, total: number) => void
  readonly stop: () => void
}

/** `roster dev seed`, parsed. */
export interface Request {
  readonly members: number
  readonly organization: string | undefined
  readonly storage: Storage
  readonly format: Format.Format
}

const fail = (code: string, reason: string, exitCode: number) => Effect.fail(new CliError({ code, reason, exitCode }))

export const run = (
  request: Request,
  environment: Environment,
  seed: Seed | undefined,
  progress: (() => Progress | undefined) | undefined
): Effect.Effect<Output, unknown> =>
  Effect.gen(function* () {
    if (seed === undefined) {
      return yield* fail("SEED_UNSUPPORTED", "this roster cannot open a database to seed", ExitCode.unexpected)
    }
    yield* OnThisMachine.requireFree(
      request.storage,
      environment,
      "stop it, run roster dev seed, then start it again; or seed a PostgreSQL server the Roster servers share (--database-url)"
    )
    // A bar only for a person reading a table's worth of text: never in a format a script parses.
    const bar = request.format === "table" ? progress?.() : undefined
    const started = Date.now()
    const seeded = yield* seed(request.storage, {
      members: request.members,
      organization: request.organization,
      onProgress: (done, total) => bar?.update(done, total)
    }).pipe(Effect.ensuring(Effect.sync(() => bar?.stop())))
    const seconds = (Date.now() - started) / 1000
    return {
      json: { organizationId: seeded.organizationId, token: seeded.token },
      text: () => {
        const statuses = Object.entries(seeded.statuses)
          .filter(([, count]) => count > 0)
          .map(([status, count]) => `${count.toLocaleString("en")} ${status}`)
          .join(", ")
        return [
          `Seeded ${request.members.toLocaleString("en")} members into ${seeded.created ? "the new" : "the"} organization ${
            seeded.organizationName
          } (${seeded.organizationId}) in ${seconds.toFixed(1)} s: ${statuses}; ${seeded.events.toLocaleString(
            "en"
          )} events.`,
          `Token ${seeded.tokenName}, every permission (shown only now): ${seeded.token}`
        ].join("\n")
      }
    } satisfies Output
  })
