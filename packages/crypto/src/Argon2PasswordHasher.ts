/**
 * `PasswordHasher` on argon2id (`@node-rs/argon2`, native and off the main thread).
 */
import * as Argon2 from "@node-rs/argon2"
import { PasswordHasher } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { randomBytes } from "node:crypto"

/** The cost of one hash: memory in KiB, passes, lanes. */
export interface Parameters {
  readonly memoryCost: number
  readonly timeCost: number
  readonly parallelism: number
}

/** OWASP's recommended argon2id parameters (19 MiB, 2 passes, 1 lane), which are also the library defaults. */
export const defaultParameters: Parameters = { memoryCost: 19456, timeCost: 2, parallelism: 1 }

// `Argon2.Algorithm` is an ambient const enum, which `isolatedModules` cannot read: 2 is `Argon2id`.
const argon2id: Argon2.Algorithm = 2

// Forms of the same character typed on different keyboards must hash alike (NIST SP 800-63B 5.1.1.2).
const normalize = (password: string) => password.normalize("NFKC")

/**
 * The hasher with the given parameters. The hash for `verifyDummy` is computed here, once per
 * layer, with the same parameters as real hashes so that a dummy verify costs what a real one does.
 */
export const make = (parameters: Parameters): Effect.Effect<PasswordHasher["Type"]> =>
  Effect.gen(function* () {
    const options: Argon2.Options = { ...parameters, algorithm: argon2id }
    const hash = (password: string) => Effect.promise((signal) => Argon2.hash(normalize(password), options, signal))
    const verify = (hashed: string, password: string) =>
      Effect.promise((signal) =>
        // A malformed hash rejects ("Decoding failed"): it matches no password.
        Argon2.verify(hashed, normalize(password), undefined, signal).catch(() => false)
      )
    const dummyHash = yield* hash(randomBytes(32).toString("base64"))
    return PasswordHasher.of({
      hash,
      verify,
      verifyDummy: (password) => Effect.as(verify(dummyHash, password), false as const)
    })
  })

/** The hasher with custom parameters, e.g. cheaper ones in tests. */
export const layerWith = (parameters: Partial<Parameters>): Layer.Layer<PasswordHasher> =>
  Layer.effect(PasswordHasher, make({ ...defaultParameters, ...parameters }))

/** The hasher with `defaultParameters`. */
export const layer: Layer.Layer<PasswordHasher> = layerWith(defaultParameters)
