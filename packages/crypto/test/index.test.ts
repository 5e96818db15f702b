import { assert, describe, it } from "@effect/vitest"
import { DeviceParser, KeyedHash, PasswordHasher, SecretBox, Totp } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Crypto from "../src/index.js"

const useAll = Effect.gen(function* () {
  const hasher = yield* PasswordHasher
  const box = yield* SecretBox
  const totp = yield* Totp
  const { digest } = yield* KeyedHash
  const devices = yield* DeviceParser
  const secret = yield* totp.generateSecret
  assert.strictEqual(yield* box.open(yield* box.seal(secret)), secret)
  assert.match(digest(secret), /^[A-Za-z0-9_-]{43}$/)
  assert.strictEqual(
    devices.parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0").type,
    "desktop"
  )
  return yield* hasher.hash("password")
})

describe("@roster/crypto", () => {
  it.effect("layer provides every port, keyed as the configuration says", () =>
    Effect.gen(function* () {
      const hash = yield* useAll
      assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    }).pipe(Effect.provide(Crypto.layer({ _tag: "Given", key: Redacted.make(new Uint8Array(randomBytes(32))) })))
  )

  it.effect("layerWith provides every port with a fixed key and, if asked, cheaper hashing", () =>
    Effect.gen(function* () {
      const hash = yield* useAll
      assert.match(hash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/)
    }).pipe(
      Effect.provide(Crypto.layerWith({ key: randomBytes(32), passwordHashing: { memoryCost: 1024, timeCost: 1 } }))
    )
  )

  it.effect("a key file is read once for both keyed ports; a server reading it again gets the same digests", () =>
    Effect.gen(function* () {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-crypto-"))
      try {
        const source = { _tag: "File", path: Path.join(dir, "secret.key") } as const
        const ports = Effect.all([SecretBox, KeyedHash])
        const [box, first] = yield* Effect.provide(ports, Crypto.layer(source))
        const [other, second] = yield* Effect.provide(ports, Crypto.layer(source))
        assert.strictEqual(first.digest("user:1"), second.digest("user:1"))
        assert.strictEqual(yield* other.open(yield* box.seal("seed")), "seed")
      } finally {
        Fs.rmSync(dir, { recursive: true, force: true })
      }
    })
  )
})
