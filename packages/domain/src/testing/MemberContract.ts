/** The contract of `MemberRepository`: memberships, joined to their user and role. */
import { assert, describe } from "vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { MemberRepository, OrganizationRepository, Permission, randomUuid } from "../index.js"
import type { Member, Membership, MembershipStatus, Organization, RoleId, UserId } from "../index.js"
import type { It } from "./Contract.js"
import {
  at,
  byCreation,
  id,
  makeMembership,
  makeRole,
  newMember,
  newOrganization,
  newUser,
  unique
} from "./Fixtures.js"

const memberIds = (page: { readonly items: ReadonlyArray<Member.Member> }) => page.items.map((m) => m.user.id)

const everyStatus: ReadonlyArray<MembershipStatus.MembershipStatus> = [
  "ACTIVE",
  "INACTIVE",
  "TERMINATED",
  "REMOVED",
  "FORGOTTEN"
]

/** An organization's members: find, write, page, search, count. */
export const tests = (it: It): void => {
  describe("MemberRepository", () => {
    it.effect("find joins the user and the role, within the organization only", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const globex = yield* newOrganization()
        const member = yield* newMember(
          acme,
          { roleId: acme.admin.id, firstName: "Ada", title: "Countess" },
          { name: "Ada King", avatarUrl: "https://example.com/ada.png" }
        )
        assert.deepStrictEqual(yield* members.find(acme.organization.id, member.user.id), Option.some(member))
        assert.deepStrictEqual(yield* members.find(globex.organization.id, member.user.id), Option.none())
        assert.deepStrictEqual(yield* members.find(acme.organization.id, id()), Option.none())
      })
    )

    it.effect("insert and update round-trip every field", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const member = yield* newMember(acme, {
          status: "INACTIVE",
          firstName: "Grace",
          lastName: "Hopper",
          title: "Rear Admiral",
          createdAt: at(-0.999),
          updatedAt: at(0.001)
        })
        assert.deepStrictEqual(yield* members.find(acme.organization.id, member.user.id), Option.some(member))

        const updated: Membership.Membership = {
          ...member.membership,
          roleId: acme.admin.id,
          status: "TERMINATED",
          firstName: null,
          lastName: "Murray Hopper",
          title: null,
          updatedAt: at(1_000.5)
        }
        yield* members.update(updated)
        assert.deepStrictEqual(
          yield* members.find(acme.organization.id, member.user.id),
          Option.some({ ...member, membership: updated, role: acme.admin })
        )
      })
    )

    it.effect("page orders by membership creation time, then user id; pages add up, past the end is empty", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const other = yield* newOrganization()
        // Inserted out of order, with three memberships created at the same instant.
        const created = [at(30), at(10), at(20), at(10), at(10), at(30.001), at(-5)]
        const all: Array<Member.Member> = []
        for (const createdAt of created) all.push(yield* newMember(acme, { createdAt }))
        yield* newMember(other, { createdAt: at(15) })
        const expected = all
          .sort(
            byCreation(
              (m) => m.membership.createdAt,
              (m) => m.user.id
            )
          )
          .map((m) => m.user.id)

        const query = { statuses: everyStatus }
        const whole = yield* members.page(acme.organization.id, { ...query, page: 0, size: 100 })
        assert.deepStrictEqual(memberIds(whole), expected)
        assert.deepStrictEqual(whole.items, all)
        assert.deepStrictEqual([whole.total, whole.page, whole.size], [7, 0, 100])

        const pages = yield* Effect.forEach([0, 1, 2, 3], (page) =>
          members.page(acme.organization.id, { ...query, page, size: 2 })
        )
        assert.deepStrictEqual(pages.flatMap(memberIds), expected)
        assert.deepStrictEqual(
          pages.map((p) => [p.items.length, p.total, p.page, p.size]),
          [
            [2, 7, 0, 2],
            [2, 7, 1, 2],
            [2, 7, 2, 2],
            [1, 7, 3, 2]
          ]
        )
        const past = yield* members.page(acme.organization.id, { ...query, page: 4, size: 2 })
        assert.deepStrictEqual(past, { items: [], total: 7, page: 4, size: 2, next: null })
        const farPast = yield* members.page(acme.organization.id, { ...query, page: 1000, size: 200 })
        assert.deepStrictEqual(farPast, { items: [], total: 7, page: 1000, size: 200, next: null })
      })
    )

    it.effect("page filters by status and by role", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const byStatus = new Map<MembershipStatus.MembershipStatus, Member.Member>()
        for (const [i, status] of everyStatus.entries()) {
          byStatus.set(status, yield* newMember(acme, { status, createdAt: at(i) }))
        }
        const admin = yield* newMember(acme, { roleId: acme.admin.id, createdAt: at(10) })
        const ids = (...statuses: Array<MembershipStatus.MembershipStatus>) =>
          statuses.map((s) => byStatus.get(s)!.user.id)
        const page = (statuses: ReadonlyArray<MembershipStatus.MembershipStatus>, roleId?: RoleId) =>
          members.page(acme.organization.id, { page: 0, size: 50, statuses, roleId })

        const active = yield* page(["ACTIVE"])
        assert.deepStrictEqual(memberIds(active), [...ids("ACTIVE"), admin.user.id])
        assert.strictEqual(active.total, 2)
        assert.deepStrictEqual(memberIds(yield* page(["REMOVED", "FORGOTTEN"])), ids("REMOVED", "FORGOTTEN"))
        assert.deepStrictEqual(
          memberIds(yield* page(["TERMINATED", "INACTIVE"])),
          ids("INACTIVE", "TERMINATED"),
          "the order of the statuses asked for does not matter"
        )
        assert.deepStrictEqual(memberIds(yield* page(everyStatus, acme.admin.id)), [admin.user.id])
        const ofMemberRole = yield* page(["ACTIVE", "INACTIVE"], acme.member.id)
        assert.deepStrictEqual(memberIds(ofMemberRole), ids("ACTIVE", "INACTIVE"))
        assert.strictEqual(ofMemberRole.total, 2)
        const none = yield* page(["INACTIVE"], acme.admin.id)
        assert.deepStrictEqual([none.items, none.total], [[], 0])
      })
    )

    it.effect('q is a case-insensitive substring of the email, first name, last name or "first last"', () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const tag = unique()
        const grace = yield* newMember(
          acme,
          { firstName: "Grace", lastName: "Hopper", createdAt: at(1) },
          { email: `g.hopper-${tag}@Navy.example` }
        )
        const emile = yield* newMember(
          acme,
          { firstName: "Émile", lastName: "Zola", createdAt: at(2) },
          { email: `ez-${tag}@example.com` }
        )
        const ada = yield* newMember(
          acme,
          { firstName: null, lastName: "Lovelace", createdAt: at(3) },
          { email: `countess-${tag}@example.com` }
        )
        const alan = yield* newMember(
          acme,
          { firstName: "Alan", lastName: null, createdAt: at(4) },
          { email: `turing-${tag}@example.com` }
        )
        // Greek capitals end in Σ: lowered by the database one letter at a time, so never a final ς.
        const papas = yield* newMember(
          acme,
          { firstName: "Νίκος", lastName: "ΠΑΠΑΣ", createdAt: at(5) },
          { email: `np-${tag}@example.gr` }
        )
        // Someone else's member who matches everything stays out of sight.
        const other = yield* newOrganization()
        yield* newMember(other, { firstName: "Grace", lastName: "Hopper" }, { email: `grace-${tag}@navy.example` })

        const search = (q: string) =>
          members.page(acme.organization.id, { page: 0, size: 50, statuses: everyStatus, q }).pipe(
            Effect.map((page) => {
              assert.strictEqual(page.total, page.items.length, q)
              return memberIds(page)
            })
          )
        const cases: ReadonlyArray<[string, ReadonlyArray<Member.Member>]> = [
          ["HOPPER", [grace]],
          ["navy.EXAMPLE", [grace]],
          ["grace hopper", [grace]],
          ["e h", [grace]],
          ["ÉMILE", [emile]],
          ["émile zola", [emile]],
          ["love", [ada]],
          ["alan", [alan]],
          // "first last" needs both: nobody is "null lovelace" or "alan null".
          ["alan ", []],
          [" lovelace", []],
          ["ΠΑΠΑΣ", [papas]],
          ["Παπασ", [papas]],
          ["νίκος π", [papas]],
          [tag.toUpperCase(), [grace, emile, ada, alan, papas]],
          ["@example.com", [emile, ada, alan]],
          ["nobody", []]
        ]
        for (const [q, expected] of cases) {
          assert.deepStrictEqual(
            yield* search(q),
            expected.map((m) => m.user.id),
            `q=${JSON.stringify(q)}`
          )
        }
      })
    )

    it.effect("q takes %, _ and \\ literally", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const percent = yield* newMember(acme, { firstName: "50%", lastName: "Off", createdAt: at(1) })
        const underscore = yield* newMember(acme, { firstName: "snake_case", createdAt: at(2) })
        const backslash = yield* newMember(acme, { lastName: "Back\\Slash", createdAt: at(3) })
        // Would match every one of those patterns if they were wildcards.
        const decoy = yield* newMember(acme, {
          firstName: "50x snakeXcase",
          lastName: "BackXSlash",
          createdAt: at(4)
        })
        const search = (q: string) =>
          members
            .page(acme.organization.id, { page: 0, size: 50, statuses: everyStatus, q })
            .pipe(Effect.map(memberIds))
        const cases: ReadonlyArray<[string, ReadonlyArray<Member.Member>]> = [
          ["%", [percent]],
          ["50%", [percent]],
          ["% off", [percent]],
          ["_", [underscore]],
          ["e_c", [underscore]],
          ["\\", [backslash]],
          ["k\\s", [backslash]],
          ["\\\\", []],
          ["kexc", [decoy]]
        ]
        for (const [q, expected] of cases) {
          assert.deepStrictEqual(
            yield* search(q),
            expected.map((m) => m.user.id),
            `q=${JSON.stringify(q)}`
          )
        }
      })
    )

    it.effect("email is a case-insensitive substring of the email alone, literally; with q, both must match", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const tag = unique()
        const grace = yield* newMember(
          acme,
          { firstName: "Grace", lastName: "Navy", createdAt: at(1) },
          { email: `g.hopper-${tag}@Navy.example` }
        )
        const ada = yield* newMember(
          acme,
          { firstName: "Ada", lastName: "Navy", createdAt: at(2) },
          { email: `ada_${tag}@example.com` }
        )
        const other = yield* newOrganization()
        yield* newMember(other, {}, { email: `navy-${tag}@navy.example` })
        const search = (email: string, q?: string) =>
          members.page(acme.organization.id, { page: 0, size: 50, statuses: everyStatus, email, q }).pipe(
            Effect.map((page) => {
              assert.strictEqual(page.total, page.items.length, email)
              return memberIds(page)
            })
          )
        const cases: ReadonlyArray<[string, string | undefined, ReadonlyArray<Member.Member>]> = [
          ["NAVY", undefined, [grace]],
          ["navy.example", undefined, [grace]],
          [tag.toUpperCase(), undefined, [grace, ada]],
          // Names are not searched; LIKE wildcards are taken literally.
          ["ada navy", undefined, []],
          ["_", undefined, [ada]],
          ["%", undefined, []],
          ["example", "ada", [ada]],
          ["navy", "ada", []]
        ]
        for (const [email, q, expected] of cases) {
          assert.deepStrictEqual(
            yield* search(email, q),
            expected.map((m) => m.user.id),
            `email=${JSON.stringify(email)} q=${JSON.stringify(q)}`
          )
        }
      })
    )

    it.effect("offset starts the page at that member, whatever the page; past the end is empty with the total", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const acme = yield* newOrganization()
        const all: Array<Member.Member> = []
        for (const i of [0, 1, 2, 3, 4]) all.push(yield* newMember(acme, { createdAt: at(i) }))
        const ids = all.map((m) => m.user.id)
        const query = { statuses: everyStatus, page: 7 }
        const at3 = yield* members.page(acme.organization.id, { ...query, size: 2, offset: 3 })
        assert.deepStrictEqual([memberIds(at3), at3.total, at3.page, at3.size], [ids.slice(3, 5), 5, 7, 2])
        const at1 = yield* members.page(acme.organization.id, { ...query, size: 3, offset: 1 })
        assert.deepStrictEqual(memberIds(at1), ids.slice(1, 4))
        const past = yield* members.page(acme.organization.id, { ...query, size: 3, offset: 5 })
        assert.deepStrictEqual([past.items, past.total], [[], 5])
        const filtered = yield* members.page(acme.organization.id, {
          page: 0,
          size: 10,
          offset: 1,
          statuses: ["ACTIVE"],
          email: all[4]!.user.email.slice(0, 12)
        })
        assert.deepStrictEqual([filtered.items, filtered.total], [[], 1])
      })
    )

    it.effect("countActiveManagers counts ACTIVE memberships whose role can manage users", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const organization: Organization.Organization = { id: id(), name: `Org ${randomUuid()}`, createdAt: at(0) }
        const admin = makeRole(organization.id, { name: "Admin", permissions: [...Permission.all] })
        const manager = makeRole(organization.id, { name: "Manager", permissions: ["can_manage_users"] })
        const viewer = makeRole(organization.id, { name: "Viewer", isDefault: true })
        const almost = makeRole(organization.id, {
          name: "Almost",
          permissions: ["can_view_users", "can_reset_2fa", "can_manage_roles", "can_manage_tokens", "can_view_audit"]
        })
        yield* (yield* OrganizationRepository).insert(organization, [admin, manager, viewer, almost])
        const org = { organization, admin, member: viewer }
        assert.strictEqual(yield* members.countActiveManagers(organization.id), 0)
        for (const status of everyStatus) yield* newMember(org, { roleId: admin.id, status })
        yield* newMember(org, { roleId: admin.id })
        yield* newMember(org, { roleId: manager.id })
        yield* newMember(org, { roleId: manager.id, status: "INACTIVE" })
        yield* newMember(org, { roleId: viewer.id })
        yield* newMember(org, { roleId: almost.id })
        // Another organization's managers do not count here.
        const other = yield* newOrganization()
        yield* newMember(other, { roleId: other.admin.id })
        assert.strictEqual(yield* members.countActiveManagers(organization.id), 3)
      })
    )

    it.effect("countUnforgotten counts the user's memberships in every organization, except FORGOTTEN ones", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const user = yield* newUser()
        assert.strictEqual(yield* members.countUnforgotten(user.id), 0)
        const statuses: ReadonlyArray<MembershipStatus.MembershipStatus> = [
          "ACTIVE",
          "REMOVED",
          "FORGOTTEN",
          "TERMINATED",
          "FORGOTTEN"
        ]
        for (const status of statuses) {
          yield* members.insert(makeMembership(yield* newOrganization(), user, { status }))
        }
        // Someone else in the same organizations changes nothing.
        yield* newMember(yield* newOrganization())
        assert.strictEqual(yield* members.countUnforgotten(user.id), 3)
      })
    )
  })
}

/** A user's memberships across organizations. */
export const identityTests = (it: It): void => {
  describe("MemberRepository.listForUser", () => {
    it.effect("every membership of the user, any status, with organization and role, by creation then org id", () =>
      Effect.gen(function* () {
        const members = yield* MemberRepository
        const user = yield* newUser()
        const other = yield* newUser()
        const orgs = [yield* newOrganization(), yield* newOrganization(), yield* newOrganization()]
        const late = yield* newOrganization({ createdAt: at(-5) })
        const membership = (
          org: (typeof orgs)[number],
          userId: UserId,
          fields: Partial<Membership.Membership>
        ): Membership.Membership => ({
          id: id(),
          userId,
          organizationId: org.organization.id,
          roleId: org.member.id,
          status: "ACTIVE",
          firstName: null,
          lastName: null,
          title: null,
          createdAt: at(2),
          updatedAt: at(2),
          ...fields
        })
        const inLate = membership(late, user.id, { createdAt: at(100.1), status: "FORGOTTEN" })
        const [t0, t1, t2] = orgs.map((org, i) =>
          membership(org, user.id, {
            createdAt: at(10.01),
            status: (["INACTIVE", "ACTIVE", "REMOVED"] as const)[i]!,
            roleId: i === 1 ? org.admin.id : org.member.id,
            firstName: "Ada",
            title: i === 0 ? "Countess" : null
          })
        )
        const earliest = membership(orgs[0]!, other.id, { createdAt: at(0) })
        for (const m of [inLate, t2!, t0!, t1!, earliest]) yield* members.insert(m)
        const tied = [
          { organization: orgs[0]!.organization, membership: t0!, role: orgs[0]!.member },
          { organization: orgs[1]!.organization, membership: t1!, role: orgs[1]!.admin },
          { organization: orgs[2]!.organization, membership: t2!, role: orgs[2]!.member }
        ].sort((x, y) => (x.organization.id < y.organization.id ? -1 : 1))
        assert.deepStrictEqual(yield* members.listForUser(user.id), [
          ...tied,
          { organization: late.organization, membership: inLate, role: late.member }
        ])
        assert.deepStrictEqual(yield* members.listForUser(id()), [])
      })
    )
  })
}
