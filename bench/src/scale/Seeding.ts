/**
 * Fills a scratch database: one organization of N members and a token with every permission.
 *
 * `Seed` from `@roster/store` (the bulk seeding behind `roster dev seed`) does it when the store has
 * it; until it has, a thin fallback adds members through the use cases (correct, but one use case per
 * member: fine at 10k, slow beyond). The adapter is what the rest of the benchmark sees.
 */
import * as Crypto from "@roster/crypto"
import { Actor, Organizations, Permission, Services, Tokens, UserInput, Users } from "@roster/domain"
import * as Store from "@roster/store"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
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

/** What `Seed` is expected to look like (`Seed.run({ members, organization, onProgress })`). */
interface SeedModule {
  readonly run: (request: Request) => unknown
}

export interface Seeder {
  /** `Seed`'s, or the use cases'. */
  readonly method: string
  readonly seed: (request: Request) => Promise<Seeded>
  readonly close: () => Promise<void>
}

const decodeAddUser = Schema.decodeUnknownSync(UserInput.AddUser)

/** The use cases on the scratch database: migrates it, and runs `Seed` or the fallback. */
export const open = async (url: string): Promise<Seeder> => {
  const database: Store.Store.Options = { _tag: "Server", url, source: "the bench's scratch database" }
  const runtime = ManagedRuntime.make(
    Services.fullLayer.pipe(
      Layer.provideMerge(Store.Store.layer(database)),
      Layer.provideMerge(
        Crypto.layerWith({ key: randomBytes(32), passwordHashing: { memoryCost: 1024, timeCost: 1 } })
      ),
      // `Seed` may need the database's own services (a SqlClient): the same pool's.
      Layer.provideMerge(Store.Database.layer(database))
    )
  )
  await runtime.runPromise(Effect.void)
  const seedModule = (Store as unknown as { readonly Seed?: SeedModule }).Seed
  if (seedModule !== undefined) {
    return {
      method: "Seed (@roster/store)",
      seed: async (request) => {
        const outcome = seedModule.run(request)
        // An Effect on the store's services, or a promise: either gives `{ organizationId, token }`.
        const seeded = Effect.isEffect(outcome)
          ? await runtime.runPromise(outcome as Effect.Effect<Seeded, unknown, never>)
          : await (outcome as Promise<Seeded>)
        return { organizationId: String(seeded.organizationId), token: seeded.token }
      },
      close: () => runtime.dispose()
    }
  }
  return {
    method: "use cases (Seed not in @roster/store yet)",
    seed: (request) => runtime.runPromise(throughUseCases(request)),
    close: () => runtime.dispose()
  }
}

const firstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"]
const lastNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Lee"]

/** One use case per member, eight at a time: ACTIVE mostly, some INACTIVE, one in twenty an Admin. */
const throughUseCases = (request: Request) =>
  Effect.gen(function* () {
    const { organization, roles } = yield* (yield* Organizations).create(Actor.operator, request.organization)
    const access = { actor: Actor.operator, organizationId: organization.id }
    const { secret } = yield* (yield* Tokens).create(access, { name: "bench", permissions: Permission.all })
    const admin = roles.find((role) => !role.isDefault)?.id
    const users = yield* Users
    let done = 0
    yield* Effect.forEach(
      Array.from({ length: request.members }, (_, i) => i),
      (i) =>
        users
          .add(
            access,
            decodeAddUser({
              email: `${request.organization.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${i}@example.com`,
              firstName: firstNames[i % firstNames.length],
              lastName: `${lastNames[Math.floor(i / firstNames.length) % lastNames.length]}${i}`,
              ...(i % 10 === 9 ? { status: "INACTIVE" } : {}),
              ...(i % 20 === 7 && admin !== undefined ? { roleId: admin } : {})
            })
          )
          .pipe(Effect.tap(() => Effect.sync(() => request.onProgress?.(++done, request.members)))),
      { concurrency: 8, discard: true }
    )
    return { organizationId: organization.id, token: secret }
  })
