import { BearerToken, OneTimeToken, OrganizationToken, RecoveryCode, Session } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestSecrets from "./TestSecrets.js"

describe("RecoveryCode", () => {
  it("ten distinct codes of 16 base32 characters (80 bits), shown as xxxx-xxxx-xxxx-xxxx", () => {
    const codes = RecoveryCode.generate()
    assert.lengthOf(codes, 10)
    assert.strictEqual(new Set(codes).size, 10)
    for (const code of codes) {
      assert.match(code, /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/)
      assert.isTrue(RecoveryCode.looksLikeRecoveryCode(code))
    }
    assert.isFalse(RecoveryCode.looksLikeRecoveryCode("123456"))
  })

  it("uses every character of the alphabet (the encoding covers all 80 bits)", () => {
    const seen = new Set(
      Array.from({ length: 40 }, () => RecoveryCode.generate().join(""))
        .join("")
        .replaceAll("-", "")
    )
    assert.strictEqual(seen.size, 32)
  })

  it.effect("is compared without dashes or spaces, in any case", () =>
    Effect.gen(function* () {
      const [code] = RecoveryCode.generate()
      const stored = yield* RecoveryCode.hash(code!)
      assert.match(stored, /^[0-9a-f]{64}$/)
      assert.strictEqual(yield* RecoveryCode.hash(code!.toUpperCase()), stored)
      assert.strictEqual(yield* RecoveryCode.hash(` ${code!.replaceAll("-", " ")} `), stored)
      assert.strictEqual(yield* RecoveryCode.hash(code!.replaceAll("-", "")), stored)
    })
  )
})

describe("bearer secrets", () => {
  it("sessions, magic links and verification links look like organization tokens, with their own prefixes", () => {
    assert.match(Session.generateSecret(), /^ses_[0-9A-Za-z]{52}$/)
    assert.match(OneTimeToken.generateSecret("magic_link"), /^mlt_[0-9A-Za-z]{52}$/)
    assert.match(OneTimeToken.generateSecret("email_verification"), /^evt_[0-9A-Za-z]{52}$/)
    assert.match(OrganizationToken.generateSecret(), /^tot_[0-9A-Za-z]{52}$/)
    assert.isTrue(Session.format.test(Session.generateSecret()))
    assert.isFalse(Session.format.test(OrganizationToken.generateSecret()))
    assert.isFalse(OneTimeToken.formats.magic_link.test(OneTimeToken.generateSecret("email_verification")))
  })

  it.effect("are stored as SHA-256 hex", () =>
    Effect.gen(function* () {
      assert.strictEqual(
        yield* BearerToken.hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
      )
    })
  )

  it("one-time tokens live 15 minutes (magic links) or 7 days (verification)", () => {
    assert.strictEqual(OneTimeToken.expiresAt("magic_link", new Date(0)).getTime(), 15 * 60_000)
    assert.strictEqual(OneTimeToken.expiresAt("email_verification", new Date(0)).getTime(), 7 * 86_400_000)
  })
})

describe("the test TOTP (test/TestSecrets.ts)", () => {
  it("computes RFC 6238's SHA-1 test vectors (6-digit form)", () => {
    const secret = TestSecrets.base32Encode(new TextEncoder().encode("12345678901234567890"))
    assert.strictEqual(TestSecrets.totpCode(secret, new Date(59_000)), "287082")
    assert.strictEqual(TestSecrets.totpCode(secret, new Date(1_111_111_109_000)), "081804")
    assert.strictEqual(TestSecrets.totpCode(secret, new Date(1_234_567_890_000)), "005924")
  })
})
