/** The contract of `TokenRepository`: organization tokens, stored by hash. */
import { assert, describe } from "vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { TokenRepository } from "../index.js"
import type { OrganizationToken } from "../index.js"
import type { It } from "./Contract.js"
import { at, byCreation, id, newMember, newOrganization, newToken } from "./Fixtures.js"

/** Organization tokens: write, list, use. */
export const tests = (it: It): void => {
  describe("TokenRepository", () => {
    it.effect("insert, findById and update round-trip every field; findById stays in its organization", () =>
      Effect.gen(function* () {
        const tokens = yield* TokenRepository
        const acme = yield* newOrganization()
        const globex = yield* newOrganization()
        const { token } = yield* newToken(acme, { createdAt: at(0.007), expiresAt: at(86_400.993) })
        assert.deepStrictEqual(yield* tokens.findById(acme.organization.id, token.id), Option.some(token))
        assert.deepStrictEqual(yield* tokens.findById(globex.organization.id, token.id), Option.none())
        assert.deepStrictEqual(yield* tokens.findById(acme.organization.id, id()), Option.none())

        const changed: OrganizationToken.OrganizationToken = {
          ...token,
          name: "renamed",
          expiresAt: null,
          revokedAt: at(50.05),
          lastUsedAt: at(40.004)
        }
        yield* tokens.update(changed)
        assert.deepStrictEqual(yield* tokens.findById(acme.organization.id, token.id), Option.some(changed))
        yield* tokens.update(token)
        assert.deepStrictEqual(yield* tokens.findById(acme.organization.id, token.id), Option.some(token))
      })
    )

    it.effect("keeps the member who minted a token", () =>
      Effect.gen(function* () {
        const tokens = yield* TokenRepository
        const acme = yield* newOrganization()
        const ada = yield* newMember(acme)
        const { token, hash } = yield* newToken(acme, { createdByUserId: ada.user.id })
        assert.deepStrictEqual(yield* tokens.findById(acme.organization.id, token.id), Option.some(token))
        assert.strictEqual(Option.getOrThrow(yield* tokens.use(hash, at(60))).createdByUserId, ada.user.id)
      })
    )

    it.effect("list is newest first, the organization's own only", () =>
      Effect.gen(function* () {
        const tokens = yield* TokenRepository
        const acme = yield* newOrganization()
        const created = [at(10), at(30), at(20), at(30), at(-1)]
        const all: Array<OrganizationToken.OrganizationToken> = []
        for (const createdAt of created) all.push((yield* newToken(acme, { createdAt })).token)
        yield* newToken(yield* newOrganization(), { createdAt: at(15) })
        const expected = all
          .sort(
            byCreation(
              (t) => t.createdAt,
              (t) => t.id
            )
          )
          .reverse()
        assert.deepStrictEqual(yield* tokens.list(acme.organization.id), expected)
        assert.deepStrictEqual(yield* tokens.list(id()), [])
      })
    )

    it.effect("use gives a usable token by its hash and records the use", () =>
      Effect.gen(function* () {
        const tokens = yield* TokenRepository
        const acme = yield* newOrganization()
        const { token, hash } = yield* newToken(acme, { expiresAt: at(3_600) })
        assert.deepStrictEqual(yield* tokens.use("0".repeat(32), at(60)), Option.none())
        const used = { ...token, lastUsedAt: at(60.25) }
        assert.deepStrictEqual(yield* tokens.use(hash, at(60.25)), Option.some(used))
        assert.deepStrictEqual(yield* tokens.findById(acme.organization.id, token.id), Option.some(used))
      })
    )

    it.effect("use refuses a revoked token and one expired at `now`, recording nothing", () =>
      Effect.gen(function* () {
        const tokens = yield* TokenRepository
        const acme = yield* newOrganization()
        const revoked = yield* newToken(acme, { revokedAt: at(5) })
        assert.deepStrictEqual(yield* tokens.use(revoked.hash, at(10)), Option.none())
        assert.deepStrictEqual(
          yield* tokens.findById(acme.organization.id, revoked.token.id),
          Option.some(revoked.token)
        )

        const expiring = yield* newToken(acme, { expiresAt: at(100.5) })
        assert.deepStrictEqual(yield* tokens.use(expiring.hash, at(100.5)), Option.none(), "expired at now")
        assert.deepStrictEqual(yield* tokens.use(expiring.hash, at(200)), Option.none(), "expired before now")
        assert.deepStrictEqual(
          yield* tokens.findById(acme.organization.id, expiring.token.id),
          Option.some(expiring.token)
        )
        const lastMoment = at(100.499)
        assert.deepStrictEqual(
          yield* tokens.use(expiring.hash, lastMoment),
          Option.some({ ...expiring.token, lastUsedAt: lastMoment }),
          "usable a millisecond before it expires"
        )
      })
    )

    it.effect("use records a use at most once a minute", () =>
      Effect.gen(function* () {
        const tokens = yield* TokenRepository
        const acme = yield* newOrganization()
        const { token, hash } = yield* newToken(acme)
        const stored = () => tokens.findById(acme.organization.id, token.id).pipe(Effect.map(Option.getOrThrow))
        const lastUsedAt = (found: Option.Option<OrganizationToken.OrganizationToken>) =>
          Option.getOrThrow(found).lastUsedAt?.toISOString()

        assert.strictEqual(lastUsedAt(yield* tokens.use(hash, at(1_000))), at(1_000).toISOString())
        // Within the minute: the token is usable, its recorded use stays as it was.
        for (const later of [1_000.001, 1_030, 1_059.999]) {
          assert.strictEqual(lastUsedAt(yield* tokens.use(hash, at(later))), at(1_000).toISOString(), `${later}`)
        }
        assert.deepStrictEqual((yield* stored()).lastUsedAt, at(1_000))
        // More than a minute later, the use is recorded again.
        assert.strictEqual(lastUsedAt(yield* tokens.use(hash, at(1_061))), at(1_061).toISOString())
        assert.deepStrictEqual((yield* stored()).lastUsedAt, at(1_061))
      })
    )
  })
}
