/** Real crypto, made cheap: a fixed key and the lightest argon2id parameters. */
import * as Layer from "effect/Layer"
import * as Crypto from "../src/index.js"

export const layer = Crypto.layerWith({
  key: new Uint8Array(32),
  passwordHashing: { memoryCost: 1024, timeCost: 1 }
}).pipe(Layer.orDie)
