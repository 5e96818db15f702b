/** The contract of `Transactor`: all or nothing, nested joins the outer, lock scopes serialize. */
import { assert, describe } from "vitest"
import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import {
  EventRepository,
  LoginThrottleRepository,
  MemberRepository,
  OrganizationRepository,
  RoleRepository,
  TokenRepository,
  Transactor,
  UserRepository
} from "../index.js"
import type { Member, OrganizationId, TokenId, User } from "../index.js"
import type { It, Ports } from "./Contract.js"
import { type Org, at, makeEvent, newMember, newOrganization, newToken, newUser, unique } from "./Fixtures.js"

class Boom extends Data.TaggedError("Boom")<{}> {}

/** Rollback, nesting, and the organization lock. */
export const tests = (it: It): void => {
  describe("Transactor", () => {
    interface Setup {
      readonly acme: Org
      readonly existing: Member.Member
    }
    interface Writes {
      readonly organizationId: OrganizationId
      readonly user: User.User
      readonly tokenId: TokenId
    }

    const setup = Effect.gen(function* () {
      const acme = yield* newOrganization()
      return { acme, existing: yield* newMember(acme, { roleId: acme.admin.id }) } satisfies Setup
    })

    /** A write through every repository, as a use case might make. */
    const writeEverywhere = ({ acme, existing }: Setup) =>
      Effect.gen(function* () {
        const fresh = yield* newOrganization()
        const joiner = yield* newMember(acme, { firstName: "Joiner" })
        yield* (yield* MemberRepository).update({ ...existing.membership, status: "INACTIVE", firstName: "Changed" })
        yield* (yield* UserRepository).update({ ...existing.user, idpId: "changed" })
        const { token } = yield* newToken(acme)
        yield* (yield* EventRepository).append(makeEvent(acme.organization.id, { userId: joiner.user.id }))
        return { organizationId: fresh.organization.id, user: joiner.user, tokenId: token.id } satisfies Writes
      })

    /** Which of `writeEverywhere`'s writes are stored. */
    const stored = ({ acme, existing }: Setup, writes: Writes) =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const after = Option.getOrThrow(yield* members.find(acme.organization.id, existing.user.id))
        return {
          organization: Option.isSome(yield* (yield* OrganizationRepository).findById(writes.organizationId)),
          roles: (yield* (yield* RoleRepository).list(writes.organizationId)).length,
          user: Option.isSome(yield* (yield* UserRepository).findByEmail(writes.user.email)),
          membership: Option.isSome(yield* members.find(acme.organization.id, writes.user.id)),
          membershipUpdate: after.membership.status === "INACTIVE" && after.membership.firstName === "Changed",
          userUpdate: after.user.idpId === "changed",
          token: Option.isSome(yield* (yield* TokenRepository).findById(acme.organization.id, writes.tokenId)),
          events: (yield* (yield* EventRepository).page(acme.organization.id, { page: 0, size: 10 })).total
        }
      })

    const everything = {
      organization: true,
      roles: 2,
      user: true,
      membership: true,
      membershipUpdate: true,
      userUpdate: true,
      token: true,
      events: 1
    }
    const nothing = {
      organization: false,
      roles: 0,
      user: false,
      membership: false,
      membershipUpdate: false,
      userUpdate: false,
      token: false,
      events: 0
    }

    /** Runs `writeEverywhere` inside `wrap`; returns how `wrap` ended and what it left stored. */
    const attempt = <A, E>(
      wrap: (write: Effect.Effect<Writes, never, Ports>, setup: Setup) => Effect.Effect<A, E, Ports>
    ) =>
      Effect.gen(function* () {
        const before = yield* setup
        let writes: Writes | undefined
        const exit = yield* Effect.exit(
          wrap(
            Effect.tap(writeEverywhere(before), (w) => {
              writes = w
            }),
            before
          )
        )
        assert.isDefined(writes, "the writes ran")
        return { exit, stored: yield* stored(before, writes!) }
      })

    const failedWithBoom = (exit: Exit.Exit<unknown, unknown>) =>
      Exit.isFailure(exit) && Option.getOrUndefined(Cause.failureOption(exit.cause)) instanceof Boom

    it.effect("a failure inside a transaction rolls back every write made in it, in every repository", () =>
      Effect.gen(function* () {
        const transactor = yield* Transactor
        for (const locked of [true, false]) {
          const result = yield* attempt((write, { acme }) =>
            transactor.transaction(locked ? { managers: acme.organization.id } : null)(
              Effect.zipRight(write, Effect.fail(new Boom()))
            )
          )
          assert.isTrue(failedWithBoom(result.exit), `locked: ${locked}`)
          assert.deepStrictEqual(result.stored, nothing, `locked: ${locked}`)
        }
      })
    )

    it.effect("a defect inside a transaction rolls it back too", () =>
      Effect.gen(function* () {
        const transactor = yield* Transactor
        const result = yield* attempt((write, { acme }) =>
          transactor.transaction({ managers: acme.organization.id })(Effect.zipRight(write, Effect.dieMessage("bug")))
        )
        assert.isTrue(Exit.isFailure(result.exit) && Cause.isDie(result.exit.cause))
        assert.deepStrictEqual(result.stored, nothing)
      })
    )

    it.effect("a transaction that succeeds keeps every write and returns its value", () =>
      Effect.gen(function* () {
        const transactor = yield* Transactor
        const result = yield* attempt((write, { acme }) =>
          transactor.transaction({ managers: acme.organization.id })(Effect.as(write, "done"))
        )
        assert.deepStrictEqual(result.exit, Exit.succeed("done"))
        assert.deepStrictEqual(result.stored, everything)
      })
    )

    it.effect("nested transactions join the outer one: its failure undoes what they wrote", () =>
      Effect.gen(function* () {
        const transactor = yield* Transactor
        const other = yield* newOrganization()
        const nested = (write: Effect.Effect<Writes, never, Ports>, acme: Org) =>
          transactor.transaction({ managers: acme.organization.id })(
            transactor.transaction({ managers: other.organization.id })(transactor.transaction(null)(write))
          )

        const failed = yield* attempt((write, { acme }) =>
          transactor.transaction(null)(Effect.zipRight(nested(write, acme), Effect.fail(new Boom())))
        )
        assert.isTrue(failedWithBoom(failed.exit))
        assert.deepStrictEqual(failed.stored, nothing)

        const succeeded = yield* attempt((write, { acme }) => nested(write, acme))
        assert.isTrue(Exit.isSuccess(succeeded.exit))
        assert.deepStrictEqual(succeeded.stored, everything)
      })
    )

    it.effect("a member or a token read with a row lock is read as stored, the member with its role", () =>
      Effect.gen(function* () {
        const transactor = yield* Transactor
        const members = yield* MemberRepository
        const tokens = yield* TokenRepository
        const acme = yield* newOrganization()
        const other = yield* newOrganization()
        const ada = yield* newMember(acme, { roleId: acme.member.id })
        const { token } = yield* newToken(acme)
        yield* members.update({ ...ada.membership, roleId: acme.admin.id })
        const member = (lock: "share" | "update") =>
          members
            .find(acme.organization.id, ada.user.id, lock)
            .pipe(Effect.map(Option.map((m) => [m.membership.id, m.user.id, m.role.id])))
        const read = yield* transactor.transaction(null)(
          Effect.all({
            shared: member("share"),
            updating: member("update"),
            token: Effect.map(
              tokens.findById(acme.organization.id, token.id, "update"),
              Option.map((t) => t.id)
            ),
            elsewhere: members.find(other.organization.id, ada.user.id, "update")
          })
        )
        const expected = Option.some([ada.membership.id, ada.user.id, acme.admin.id])
        assert.deepStrictEqual(read, {
          shared: expected,
          updating: expected,
          token: Option.some(token.id),
          elsewhere: Option.none()
        })
      })
    )

    it.effect("two transactions that take { managers } of one organization run as if one after the other", () =>
      Effect.gen(function* () {
        const transactor = yield* Transactor
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const first = yield* newMember(acme, { roleId: acme.admin.id })
        const second = yield* newMember(acme, { roleId: acme.admin.id })
        // The last-manager check as the use cases make it: lock the member's row, take the lock once
        // a manager would be lost, read the count, then write on its strength.
        const demoteUnlessLast = (member: Member.Member) =>
          transactor.transaction(null)(
            Effect.gen(function* () {
              yield* members.find(acme.organization.id, member.user.id, "update")
              yield* transactor.lock({ managers: acme.organization.id })
              const managers = yield* members.countActiveManagers(acme.organization.id)
              // Time for the other transaction to read the same count, were it not held back.
              yield* Effect.sleep("50 millis")
              if (managers <= 1) return false
              yield* members.update({ ...member.membership, status: "INACTIVE" })
              return true
            })
          )
        const demoted = yield* Effect.all([demoteUnlessLast(first), demoteUnlessLast(second)], {
          concurrency: "unbounded"
        })
        assert.sameMembers(demoted, [true, false])
        assert.strictEqual(yield* members.countActiveManagers(acme.organization.id), 1)
      })
    )
  })
}

/** The platform and sign-in lock scopes. */
export const identityTests = (it: It): void => {
  // The suite runs on the live clock: the sleeps are real, and the elapsed time shows the
  // transactions did queue.
  describe("Transactor lock scopes", () => {
    it.effect('"platform" serializes two transactions that read the admin count, then write', () =>
      Effect.gen(function* () {
        const transactor = yield* Transactor
        const users = yield* UserRepository
        const promoteCounting = () =>
          transactor.transaction("platform")(
            Effect.gen(function* () {
              const seen = yield* users.countPlatformAdmins
              // Time for the other transaction to read the same count, were it not held back.
              yield* Effect.sleep("100 millis")
              yield* newUser({ isPlatformAdmin: true })
              return seen
            })
          )
        const started = Date.now()
        const seen = yield* Effect.all([promoteCounting(), promoteCounting()], { concurrency: "unbounded" })
        assert.isAtLeast(Date.now() - started, 195)
        const low = Math.min(...seen)
        assert.sameMembers(seen, [low, low + 1])
        assert.strictEqual(yield* users.countPlatformAdmins, low + 2)
      })
    )

    it.effect("{ loginThrottle } serializes read-then-write failures on one key, so none is lost", () =>
      Effect.gen(function* () {
        const transactor = yield* Transactor
        const throttles = yield* LoginThrottleRepository
        const key = `race-${unique()}@example.com`
        const fail = transactor.transaction({ loginThrottle: key })(
          Effect.gen(function* () {
            const current = yield* throttles.get(key)
            yield* Effect.sleep("50 millis")
            const failures = Option.match(current, { onNone: () => 0, onSome: (t) => t.failures })
            yield* throttles.put({ emailKey: key, failures: failures + 1, windowStart: at(0), lockedUntil: null })
          })
        )
        yield* Effect.all([fail, fail, fail], { concurrency: "unbounded" })
        assert.deepStrictEqual(
          yield* throttles.get(key),
          Option.some({ emailKey: key, failures: 3, windowStart: at(0), lockedUntil: null })
        )
      })
    )
  })
}
