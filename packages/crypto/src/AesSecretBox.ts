/**
 * `SecretBox` on AES-256-GCM (`node:crypto`). A sealed value reads
 * `v1.<iv>.<tag>.<ciphertext>` (base64url), with a fresh random 12-byte IV per seal.
 */
import { SecretBox } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { SecretKeyError } from "./SecretKeyError.js"

/** The key length AES-256 takes, in bytes. */
export const keyLength = 32

const version = "v1"
const ivLength = 12
const tagLength = 16
// Authenticates the format's name along with the data, so that a later format cannot be mistaken for this one.
const associatedData = Buffer.from("roster/SecretBox/v1")

/** Base64 or base64url, padded or not, that encodes exactly these bytes (a lenient decoder would ignore typos). */
const decodeBase64 = (text: string): Buffer | undefined => {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined
  const bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64")
  const canonical = (s: string) => s.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "")
  return canonical(bytes.toString("base64")) === canonical(text) ? bytes : undefined
}

/** Exactly the unpadded base64url encoding of some bytes, so that every altered character is noticed. */
const decodeBase64Url = (text: string): Buffer | undefined => {
  const bytes = Buffer.from(text, "base64url")
  return bytes.toString("base64url") === text ? bytes : undefined
}

/** The key a key file holds (base64 or base64url of exactly 32 bytes), or what is wrong with it. */
const parseKey = (text: string): Either.Either<Uint8Array, string> => {
  const bytes = decodeBase64(text.trim())
  const hint = `expected ${keyLength} random bytes in base64, e.g. from \`openssl rand -base64 ${keyLength}\``
  if (bytes === undefined) return Either.left(`it is not valid base64; ${hint}`)
  if (bytes.length !== keyLength) return Either.left(`it decodes to ${bytes.length} bytes; ${hint}`)
  return Either.right(new Uint8Array(bytes))
}

const cannotOpen = (why: string) => Effect.dieMessage(`SecretBox cannot open the sealed value: ${why}`)

/** The box for a 32-byte key. */
export const make = (key: Uint8Array): Effect.Effect<SecretBox["Type"], SecretKeyError> =>
  Effect.gen(function* () {
    if (key.length !== keyLength) {
      return yield* new SecretKeyError({
        source: "layerFromKey",
        problem: `the key is ${key.length} bytes; expected exactly ${keyLength}`
      })
    }
    // A KeyObject holds a copy, out of reach of later changes to `key` and of accidental logging.
    const secretKey: KeyObject = createSecretKey(Buffer.from(key))

    const seal = (plaintext: string) =>
      Effect.sync(() => {
        const iv = randomBytes(ivLength)
        const cipher = createCipheriv("aes-256-gcm", secretKey, iv, { authTagLength: tagLength })
        cipher.setAAD(associatedData)
        const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
        const tag = cipher.getAuthTag()
        return [version, ...[iv, tag, ciphertext].map((part) => part.toString("base64url"))].join(".")
      })

    const open = (sealed: string) =>
      Effect.suspend(() => {
        const parts = sealed.split(".")
        if (parts.length !== 4 || parts[0] !== version) {
          return cannotOpen(`not a ${version} sealed value (expected ${version}.<iv>.<tag>.<ciphertext>)`)
        }
        const [iv, tag, ciphertext] = parts.slice(1).map(decodeBase64Url)
        if (iv?.length !== ivLength || tag?.length !== tagLength || ciphertext === undefined) {
          return cannotOpen(`malformed ${version} sealed value (bad IV, tag or ciphertext encoding)`)
        }
        try {
          const decipher = createDecipheriv("aes-256-gcm", secretKey, iv, { authTagLength: tagLength })
          decipher.setAAD(associatedData)
          decipher.setAuthTag(tag)
          const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()])
          return Effect.succeed(plaintext.toString("utf8"))
        } catch {
          return cannotOpen("authentication failed: it was altered or sealed with another key")
        }
      })

    return SecretBox.of({ seal, open })
  })

/** The box for a fixed 32-byte key; fails with `SecretKeyError` for any other length. */
export const layerFromKey = (key: Uint8Array): Layer.Layer<SecretBox, SecretKeyError> =>
  Layer.effect(SecretBox, make(key))

const errnoCode = (error: unknown): unknown =>
  typeof error === "object" && error !== null && "code" in error ? error.code : undefined

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error))

// Waiting on another process happens in real time, whatever clock the fiber runs on (tests use a TestClock).
const pause = (millis: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, millis)))

/**
 * The key in the file at `path`: read it if it exists, else create it with a new random key. The
 * creation is exclusive ("wx"), so when two processes start at once the loser reads the winner's key.
 */
const keyFromFile = (path: string): Effect.Effect<Uint8Array, SecretKeyError> => {
  const fail = (problem: string) =>
    Effect.fail(new SecretKeyError({ source: `key file ${path} (ROSTER_KEY_FILE)`, problem }))

  const read = (attempt = 0): Effect.Effect<Uint8Array | undefined, SecretKeyError> =>
    Effect.tryPromise({ try: () => Fs.readFile(path, "utf8"), catch: (error) => error }).pipe(
      Effect.catchAll((error) =>
        errnoCode(error) === "ENOENT" ? Effect.succeed(undefined) : fail(`cannot read it: ${reason(error)}`)
      ),
      Effect.flatMap((text) => {
        if (text === undefined) return Effect.succeed(undefined)
        // Empty: most likely another process between creating the file and writing it.
        if (text.trim() === "" && attempt < 20) return Effect.zipRight(pause(50), read(attempt + 1))
        return Either.match(parseKey(text), { onLeft: fail, onRight: Effect.succeed })
      })
    )

  const create = Effect.suspend(() => {
    const key = randomBytes(keyLength)
    return Effect.tryPromise({
      try: async () => {
        await Fs.mkdir(Path.dirname(path), { recursive: true })
        // "wx": never replace a key someone else wrote; 0600: readable by this user only.
        const file = await Fs.open(path, "wx", 0o600)
        try {
          await file.writeFile(`${key.toString("base64")}\n`)
          // Secrets get sealed with this key right away: it must survive a crash.
          await file.sync()
        } finally {
          await file.close()
        }
        return new Uint8Array(key)
      },
      catch: (error) => error
    }).pipe(
      Effect.catchAll((error) =>
        errnoCode(error) === "EEXIST"
          ? Effect.flatMap(read(), (theirs) =>
              theirs === undefined ? fail("it vanished while being created") : Effect.succeed(theirs)
            )
          : fail(`cannot create it: ${reason(error)}`)
      )
    )
  })

  return Effect.flatMap(read(), (key) => (key === undefined ? create : Effect.succeed(key)))
}

/**
 * The box keyed by the file at `path`, which is created with a new random key on first use. The
 * app says which file (`ROSTER_KEY_FILE`, or its default beside the data directory).
 */
export const layerFromFile = (path: string): Layer.Layer<SecretBox, SecretKeyError> =>
  Layer.effect(SecretBox, Effect.flatMap(keyFromFile(Path.resolve(path)), make))

/**
 * Where the key comes from, as the app's configuration says: given (`ROSTER_SECRET_KEY`, already
 * decoded), or kept in a key file. Servers sharing a database must share the key.
 */
export type KeySource =
  | { readonly _tag: "Given"; readonly key: Redacted.Redacted<Uint8Array> }
  | { readonly _tag: "File"; readonly path: string }

/**
 * The server's key, from `source` (a key file is created on first use). Every port keyed by the server
 * reads it through here once (`Crypto.layer`), the keyed hash deriving its own key from it.
 */
export const readKey = (source: KeySource): Effect.Effect<Uint8Array, SecretKeyError> =>
  source._tag === "Given"
    ? Effect.sync(() => new Uint8Array(Redacted.value(source.key)))
    : keyFromFile(Path.resolve(source.path))

/** The box keyed from `source`. */
export const layer = (source: KeySource): Layer.Layer<SecretBox, SecretKeyError> =>
  source._tag === "Given" ? layerFromKey(Redacted.value(source.key)) : layerFromFile(source.path)
