import { assert, describe, it } from "@effect/vitest"
import { BearerToken, OrganizationToken } from "@roster/domain"
import * as Effect from "effect/Effect"
import { randomBytes } from "node:crypto"
import * as Crypto from "../src/index.js"

describe("NodeSha256", () => {
  it.effect("hashes as the domain's Web Crypto default does: stored tokens keep matching", () =>
    Effect.gen(function* () {
      const secrets = ["", "abc", "tot_é✓", BearerToken.generate(OrganizationToken.prefix)]
      for (const secret of secrets) {
        const byDefault = yield* BearerToken.sha256(secret)
        const byNode = yield* BearerToken.sha256(secret).pipe(Effect.provide(Crypto.NodeSha256.layer))
        assert.strictEqual(byNode, byDefault)
        assert.match(byNode, /^[0-9a-f]{64}$/)
      }
      assert.strictEqual(
        Crypto.NodeSha256.hex("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
      )
    })
  )

  it.effect("is what the package's layers provide, in place of the default", () =>
    Effect.gen(function* () {
      const provided = yield* Effect.provide(
        BearerToken.Sha256,
        Crypto.layerWith({ key: randomBytes(32), passwordHashing: { memoryCost: 1024, timeCost: 1 } })
      )
      const fallback = yield* BearerToken.Sha256
      assert.notStrictEqual(provided.hex, fallback.hex)
      assert.strictEqual(yield* provided.hex("abc"), Crypto.NodeSha256.hex("abc"))
    })
  )
})
