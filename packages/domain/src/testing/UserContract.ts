/** The contract of `UserRepository`: identities by email, and the platform's list of them. */
import { assert, describe } from "vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Transactor, User, UserRepository, randomUuid } from "../index.js"
import type { It } from "./Contract.js"
import { at, id, makeUser, newUser, unique } from "./Fixtures.js"

/** What organizations need of users: find by email, add once, update. */
export const tests = (it: It): void => {
  describe("UserRepository", () => {
    it.effect("insertOrGet stores a new user and returns it; findByEmail ignores case", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const user = makeUser({
          email: `Ada.Lovelace+${unique()}@Example.COM`,
          idpId: "idp|ada",
          avatarUrl: "https://example.com/ada.png"
        })
        assert.deepStrictEqual(yield* users.insertOrGet(user), user)
        for (const email of [user.email, user.email.toLowerCase(), user.email.toUpperCase()]) {
          assert.deepStrictEqual(yield* users.findByEmail(email), Option.some(user), email)
        }
        assert.deepStrictEqual(yield* users.findByEmail(`x${user.email}`), Option.none())
      })
    )

    it.effect("insertOrGet with an email stored in another case returns the stored user and writes nothing", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const first = yield* newUser({ email: `grace-${unique()}@example.com` })
        const second = makeUser({ email: first.email.toUpperCase(), idpId: "other", createdAt: at(99) })
        assert.deepStrictEqual(yield* users.insertOrGet(second), first)
        assert.deepStrictEqual(yield* users.findByEmail(second.email), Option.some(first))
      })
    )

    it.effect("two transactions adding the same new email at once end with one user", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const transactor = yield* Transactor
        const email = `twice-${unique()}@example.com`
        const add = (user: User.User) =>
          transactor.transaction(null)(Effect.zipLeft(users.insertOrGet(user), Effect.sleep("20 millis")))
        const [a, b] = yield* Effect.all([add(makeUser({ email })), add(makeUser({ email: email.toUpperCase() }))], {
          concurrency: 2
        })
        assert.deepStrictEqual(a, b)
        assert.deepStrictEqual(yield* users.findByEmail(email), Option.some(a))
      })
    )

    it.effect("updateProfile sets the name and picture alone, and never those of an erased identity", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const user = yield* newUser({ name: "Ada", idpId: "idp|ada", emailVerifiedAt: at(2) })
        const profile = { name: "Ada King", avatarUrl: "https://example.com/ada.png" }
        assert.isTrue(yield* users.updateProfile(user.id, profile))
        assert.deepStrictEqual(yield* users.findById(user.id), Option.some({ ...user, ...profile }))
        assert.isTrue(yield* users.updateProfile(user.id, { name: null, avatarUrl: null }))
        assert.deepStrictEqual(yield* users.findById(user.id), Option.some({ ...user, name: null, avatarUrl: null }))
        const erased = yield* newUser({ erasedAt: at(3) })
        assert.isFalse(yield* users.updateProfile(erased.id, profile))
        assert.deepStrictEqual(yield* users.findById(erased.id), Option.some(erased))
        assert.isFalse(yield* users.updateProfile(id(), profile))
      })
    )

    it.effect("update round-trips every field, dates to the millisecond and nulls", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const user = yield* newUser()
        const changed: User.User = {
          ...user,
          email: `changed-${unique()}@example.com`,
          name: "Ada King",
          avatarUrl: `https://cdn.example.com/avatars/${"a".repeat(2000)}.png`,
          idpId: "idp|123",
          lastSignedInAt: new Date("1970-01-01T00:00:00.001Z"),
          emailVerifiedAt: at(-0.5),
          mfaEnrolledAt: new Date("2023-12-31T23:59:59.999Z"),
          isPlatformAdmin: true,
          disabledAt: at(7.007),
          erasedAt: new Date("2099-06-30T12:00:00.456Z")
        }
        yield* users.update(changed)
        assert.deepStrictEqual(yield* users.findByEmail(changed.email), Option.some(changed))
        assert.deepStrictEqual(yield* users.findByEmail(user.email), Option.none())
        yield* users.update(user)
        assert.deepStrictEqual(yield* users.findByEmail(user.email), Option.some(user))
      })
    )
  })
}

/** What identity needs of users: find by id, the platform's pages, its admins. */
export const identityTests = (it: It): void => {
  describe("UserRepository (identity)", () => {
    it.effect(
      "update never writes an erased identity again: a write that read it before its erasure changes nothing",
      () =>
        Effect.gen(function* () {
          const users = yield* UserRepository
          const before = yield* newUser({ name: "Ada", avatarUrl: "https://example.com/ada.png" })
          const erased = User.erase(before, at(5))
          yield* users.update(erased)
          // A platform action or a second factor's change that read `before` commits after the erasure.
          yield* users.update({ ...before, emailVerifiedAt: at(6), mfaEnrolledAt: null })
          assert.deepStrictEqual(yield* users.findById(before.id), Option.some(erased))
        })
    )

    it.effect("findById returns any identity, erased ones included", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const user = yield* newUser({ name: "Ada" })
        const erased = yield* newUser({ email: `erased-${randomUuid()}@invalid`, erasedAt: at(5.5) })
        assert.deepStrictEqual(yield* users.findById(user.id), Option.some(user))
        assert.deepStrictEqual(yield* users.findById(erased.id), Option.some(erased))
        assert.deepStrictEqual(yield* users.findById(id()), Option.none())
      })
    )

    it.effect("update round-trips name, emailVerifiedAt, isPlatformAdmin and disabledAt, and back", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const user = yield* newUser()
        const changed: User.User = {
          ...user,
          name: "Ada King, Countess of Lovelace",
          emailVerifiedAt: at(-0.001),
          isPlatformAdmin: true,
          disabledAt: at(12.345)
        }
        yield* users.update(changed)
        assert.deepStrictEqual(yield* users.findById(user.id), Option.some(changed))
        yield* users.update(user)
        assert.deepStrictEqual(yield* users.findById(user.id), Option.some(user))
      })
    )

    it.effect("page filters on email and name, ignoring case, orders by lower(email) then id, excludes erased", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const tag = `zq${unique()}`
        const b = yield* newUser({ email: `B-${tag}@example.com` })
        const a = yield* newUser({ email: `a-${tag}@example.com` })
        const c = yield* newUser({ email: `c-${unique()}@example.com`, name: `Name ${tag.toUpperCase()}` })
        yield* newUser({ email: `d-${tag}@example.com`, erasedAt: at(1) })
        yield* newUser({ email: `x-${unique()}@example.com` })
        const q = tag.toUpperCase()
        const all = yield* users.page({ page: 0, size: 10, q })
        assert.deepStrictEqual(all, { items: [a, b, c], total: 3, page: 0, size: 10, next: null })
        assert.deepStrictEqual(yield* users.page({ page: 0, size: 2, q }), {
          items: [a, b],
          total: 3,
          page: 0,
          size: 2,
          next: [b.email.toLowerCase(), b.id]
        })
        assert.deepStrictEqual(yield* users.page({ page: 1, size: 2, q }), {
          items: [c],
          total: 3,
          page: 1,
          size: 2,
          next: null
        })
        assert.deepStrictEqual(yield* users.page({ page: 5, size: 2, q }), {
          items: [],
          total: 3,
          page: 5,
          size: 2,
          next: null
        })
        assert.deepStrictEqual(yield* users.page({ page: 0, size: 2, q: `${tag}-nobody` }), {
          items: [],
          total: 0,
          page: 0,
          size: 2,
          next: null
        })
      })
    )

    it.effect("page orders by lowercase email, not by case, and matches LIKE wildcards literally", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const tag = `zw${unique()}`
        // By bytes "Z" sorts before "m"; lowercased it sorts after.
        const second = yield* newUser({ email: `Zm${tag}@example.com` })
        const first = yield* newUser({ email: `m${tag}@example.com` })
        const page = yield* users.page({ page: 0, size: 10, q: tag })
        assert.deepStrictEqual(page.items, [first, second])
        const literal = yield* newUser({ email: `p%_${tag}@example.com` })
        yield* newUser({ email: `pxy${tag}@example.com` })
        assert.deepStrictEqual((yield* users.page({ page: 0, size: 10, q: `%_${tag}` })).items, [literal])
        assert.strictEqual((yield* users.page({ page: 0, size: 10, q: tag })).total, 4)
      })
    )

    it.effect("page's q ignores case beyond ASCII, in the name", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const tag = unique()
        const user = yield* newUser({ name: `Ünïcorn Ågren ${tag}` })
        for (const q of [`ünïcorn ågren ${tag}`, `ÜNÏCORN ÅGREN ${tag}`, `Ågren ${tag}`]) {
          assert.deepStrictEqual((yield* users.page({ page: 0, size: 10, q })).items, [user], q)
        }
      })
    )

    it.effect("page is the whole platform when q is absent, with a true total", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const before = yield* users.page({ page: 0, size: 1 })
        yield* newUser()
        yield* newUser({ erasedAt: at(1) })
        const after = yield* users.page({ page: 0, size: 1 })
        assert.strictEqual(after.total, before.total + 1)
        assert.strictEqual(after.items.length, 1)
        const past = yield* users.page({ page: after.total, size: 1 })
        assert.deepStrictEqual(past, { items: [], total: after.total, page: after.total, size: 1, next: null })
      })
    )

    it.effect("countPlatformAdmins counts admins who are neither disabled nor erased", () =>
      Effect.gen(function* () {
        const users = yield* UserRepository
        const before = yield* users.countPlatformAdmins
        const admin = yield* newUser({ isPlatformAdmin: true })
        yield* newUser({ isPlatformAdmin: true, disabledAt: at(1) })
        yield* newUser({ isPlatformAdmin: true, erasedAt: at(1) })
        yield* newUser()
        assert.strictEqual(yield* users.countPlatformAdmins, before + 1)
        yield* users.update({ ...admin, disabledAt: at(2) })
        assert.strictEqual(yield* users.countPlatformAdmins, before)
        yield* users.update(admin)
        assert.strictEqual(yield* users.countPlatformAdmins, before + 1)
        yield* users.update({ ...admin, isPlatformAdmin: false })
        assert.strictEqual(yield* users.countPlatformAdmins, before)
      })
    )
  })
}
