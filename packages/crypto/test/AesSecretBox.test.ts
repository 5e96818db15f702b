import { assert, describe, it } from "@effect/vitest"
import { SecretBox } from "@roster/domain"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { AesSecretBox, SecretKeyError } from "../src/index.js"

const openWith = <E>(layer: Layer.Layer<SecretBox, E>) =>
  Effect.gen(function* () {
    return yield* SecretBox
  }).pipe(Effect.provide(layer))

/** The box kept in the key file at `path`. */
const fromFile = (path: string) => openWith(AesSecretBox.layerFromFile(path))

const keyFileError = (path: string) =>
  Effect.flip(fromFile(path)).pipe(
    Effect.map((error) => {
      assert.instanceOf(error, SecretKeyError)
      return error as SecretKeyError
    })
  )

/** The defect message when opening `sealed` dies; fails the test if it opens. */
const deathOf = (box: SecretBox["Type"], sealed: string) =>
  Effect.map(Effect.exit(box.open(sealed)), (exit) => {
    assert.isTrue(Exit.isFailure(exit), `opened ${JSON.stringify(sealed)}`)
    if (Exit.isSuccess(exit)) return ""
    assert.isTrue(Cause.isDie(exit.cause))
    return Cause.pretty(exit.cause)
  })

/** A fresh directory, removed when the test ends. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "roster-crypto-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const sealedFormat = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/

describe("AesSecretBox", () => {
  it.effect("open gives back what seal sealed, unicode included", () =>
    Effect.gen(function* () {
      const box = yield* openWith(AesSecretBox.layerFromKey(randomBytes(32)))
      for (const plaintext of ["GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "", "pässwörd 密码 🔑", "x".repeat(10_000)]) {
        const sealed = yield* box.seal(plaintext)
        assert.match(sealed, sealedFormat)
        assert.notInclude(sealed, plaintext || "\u0000")
        assert.strictEqual(yield* box.open(sealed), plaintext)
      }
    })
  )

  it.effect("sealing the same plaintext twice gives different values (a fresh IV each time)", () =>
    Effect.gen(function* () {
      const box = yield* openWith(AesSecretBox.layerFromKey(randomBytes(32)))
      const first = yield* box.seal("same secret")
      const second = yield* box.seal("same secret")
      assert.notStrictEqual(first, second)
      assert.notStrictEqual(first.split(".")[1], second.split(".")[1])
    })
  )

  it.effect("any altered character, and any malformed value, dies without revealing the secret", () =>
    Effect.gen(function* () {
      const box = yield* openWith(AesSecretBox.layerFromKey(randomBytes(32)))
      const plaintext = "JBSWY3DPEHPK3PXP"
      const sealed = yield* box.seal(plaintext)
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
      for (let i = 0; i < sealed.length; i++) {
        if (sealed[i] === ".") continue
        // The neighbouring letter: for the last character of a part, also one that differs only in padding bits.
        const replacement = alphabet[(alphabet.indexOf(sealed[i]!) + 1) % alphabet.length]!
        const message = yield* deathOf(box, sealed.slice(0, i) + replacement + sealed.slice(i + 1))
        assert.notInclude(message, plaintext)
      }
      const [, iv, tag, ciphertext] = sealed.split(".")
      for (const malformed of [
        "",
        "v1",
        sealed.slice(0, -1),
        `${sealed}A`,
        `${sealed}.`,
        `v2.${iv}.${tag}.${ciphertext}`,
        `v1.${iv}.${tag}`,
        `v1.${tag}.${iv}.${ciphertext}`,
        `v1.${iv}.${tag}.${ciphertext}=`,
        `v1.${iv}.${tag?.slice(0, -4)}.${ciphertext}`,
        plaintext
      ]) {
        assert.notInclude(yield* deathOf(box, malformed), plaintext)
      }
      assert.include(yield* deathOf(box, `v1.${iv}.${tag}.${ciphertext}A`), "SecretBox cannot open the sealed value")
    })
  )

  it.effect("a value sealed with one key does not open with another", () =>
    Effect.gen(function* () {
      const mine = yield* openWith(AesSecretBox.layerFromKey(randomBytes(32)))
      const theirs = yield* openWith(AesSecretBox.layerFromKey(randomBytes(32)))
      const message = yield* deathOf(theirs, yield* mine.seal("seed"))
      assert.include(message, "altered or sealed with another key")
    })
  )

  it.effect("layerFromKey takes exactly 32 bytes, and its own copy of them", () =>
    Effect.gen(function* () {
      for (const length of [0, 16, 31, 33, 64]) {
        const error = yield* Effect.flip(openWith(AesSecretBox.layerFromKey(new Uint8Array(length))))
        assert.strictEqual(error.source, "layerFromKey")
        assert.include(error.message, `${length} bytes; expected exactly 32`)
      }
      const key = randomBytes(32)
      const box = yield* openWith(AesSecretBox.layerFromKey(key))
      const sealed = yield* box.seal("seed")
      key.fill(0)
      assert.strictEqual(yield* box.open(sealed), "seed")
    })
  )

  describe("layer", () => {
    it.scoped("uses a given key and no file; else the key file", () =>
      Effect.gen(function* () {
        const key = randomBytes(32)
        const keyFile = Path.join(yield* tempDir, "secret.key")
        const byKey = yield* openWith(AesSecretBox.layerFromKey(key))
        const given = yield* openWith(AesSecretBox.layer({ _tag: "Given", key: Redacted.make(new Uint8Array(key)) }))
        assert.strictEqual(yield* byKey.open(yield* given.seal("seed")), "seed")
        assert.isFalse(Fs.existsSync(keyFile))
        const filed = yield* openWith(AesSecretBox.layer({ _tag: "File", path: keyFile }))
        const sealed = yield* filed.seal("seed")
        assert.strictEqual(yield* (yield* fromFile(keyFile)).open(sealed), "seed")
      })
    )
  })

  describe("layerFromFile", () => {
    it.scoped("creates a 0600 key file of 32 bytes on first use and reuses it", () =>
      Effect.gen(function* () {
        const keyFile = Path.join(yield* tempDir, "data", "nested", "secret.key")
        const first = yield* fromFile(keyFile)
        const sealed = yield* first.seal("seed")

        assert.strictEqual(Fs.statSync(keyFile).mode & 0o777, 0o600)
        const key = Buffer.from(Fs.readFileSync(keyFile, "utf8").trim(), "base64")
        assert.strictEqual(key.length, 32)

        const second = yield* fromFile(keyFile)
        assert.strictEqual(yield* second.open(sealed), "seed")
        const byKey = yield* openWith(AesSecretBox.layerFromKey(key))
        assert.strictEqual(yield* byKey.open(sealed), "seed")
      })
    )

    it.scoped("processes starting at once agree on one key file", () =>
      Effect.gen(function* () {
        const keyFile = Path.join(yield* tempDir, "secret.key")
        const boxes = yield* Effect.all(
          Array.from({ length: 8 }, () => fromFile(keyFile)),
          { concurrency: "unbounded" }
        )
        const sealed = yield* boxes[0]!.seal("seed")
        for (const box of boxes) assert.strictEqual(yield* box.open(sealed), "seed")
      })
    )

    it.scoped("refuses a corrupt key file, naming the file, and leaves it alone", () =>
      Effect.gen(function* () {
        const keyFile = Path.join(yield* tempDir, "secret.key")
        for (const contents of ["garbage", randomBytes(16).toString("base64")]) {
          Fs.writeFileSync(keyFile, contents)
          const error = yield* keyFileError(keyFile)
          assert.include(error.message, keyFile)
          assert.include(error.message, "expected 32 random bytes in base64")
          assert.strictEqual(Fs.readFileSync(keyFile, "utf8"), contents)
        }
      })
    )

    it.scoped("reports a key file it cannot create, naming it", () =>
      Effect.gen(function* () {
        const blocker = Path.join(yield* tempDir, "not-a-directory")
        Fs.writeFileSync(blocker, "")
        const keyFile = Path.join(blocker, "secret.key")
        const error = yield* keyFileError(keyFile)
        assert.include(error.message, keyFile)
      })
    )
  })
})
