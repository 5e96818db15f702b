/**
 * Fills a scratch database: one organization of N members and a token with every permission, by
 * `Seed` from `@roster/store` (the bulk seeding behind `roster dev seed`: set-based SQL, every status,
 * both roles, their events), on the use cases it needs.
 */
import * as Crypto from "@roster/crypto"
import { Services } from "@roster/domain"
import * as Store from "@roster/store"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { randomBytes } from "node:crypto"

export interface Seeded {
  readonly organizationId: string
  /** An organization token (`tot_…`) with every permission. */
  readonly token: string
}

export interface Request {
  readonly members: number
  readonly organization: string
  readonly onProgress?: (done: number, total: number) => void
}

export interface Seeder {
  /** What seeds, for the report. */
  readonly method: string
  readonly seed: (request: Request) => Promise<Seeded>
  readonly close: () => Promise<void>
}

/** The use cases on the scratch database (which migrates it), and `Seed` on them. */
export const open = async (url: string): Promise<Seeder> => {
  const database: Store.Store.Options = { _tag: "Server", url, source: "the bench's scratch database" }
  const runtime = ManagedRuntime.make(
    Services.fullLayer.pipe(
      Layer.provideMerge(Store.Store.layer(database)),
      Layer.provideMerge(
        Crypto.layerWith({ key: randomBytes(32), passwordHashing: { memoryCost: 1024, timeCost: 1 } })
      ),
      // `Seed` writes through a SqlClient of its own on the same database.
      Layer.provideMerge(Store.Database.layer(database))
    )
  )
  await runtime.runPromise(Effect.void)
  return {
    method: "Seed (@roster/store)",
    seed: (request) =>
      runtime.runPromise(
        Store.Seed.run(request).pipe(
          Effect.map((seeded) => ({ organizationId: seeded.organizationId, token: seeded.token }))
        )
      ),
    close: () => runtime.dispose()
  }
}
