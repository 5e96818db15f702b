/**
 * `BearerToken.Sha256` on `node:crypto`'s synchronous hash: a token's check on every request then
 * waits for no promise and no thread pool. Same digests as the domain's Web Crypto default.
 */
import { BearerToken } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createHash } from "node:crypto"

export const hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex")

export const layer: Layer.Layer<BearerToken.Sha256> = Layer.succeed(BearerToken.Sha256, {
  hex: (text) => Effect.sync(() => hex(text))
})
