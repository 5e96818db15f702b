import { Permission } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"

const Permissions = Schema.Array(Permission.Permission)

/** The design's one implication, written out: managing users implies viewing them. Nothing else. */
const implies = (held: Permission.Permission, wanted: Permission.Permission): boolean =>
  held === wanted || (held === "can_manage_users" && wanted === "can_view_users")

describe("Permission", () => {
  it("has the six permissions of the design", () => {
    assert.deepStrictEqual([...Permission.all].sort(), [
      "can_manage_roles",
      "can_manage_tokens",
      "can_manage_users",
      "can_reset_2fa",
      "can_view_audit",
      "can_view_users"
    ])
  })

  it("can_manage_users implies can_view_users, not the other way round", () => {
    assert.isTrue(Permission.holds(["can_manage_users"], "can_view_users"))
    assert.isFalse(Permission.holds(["can_view_users"], "can_manage_users"))
    assert.deepStrictEqual([...Permission.expand(["can_manage_users"])].sort(), ["can_manage_users", "can_view_users"])
  })

  it("holds nothing without permissions", () => {
    for (const permission of Permission.all) assert.isFalse(Permission.holds([], permission))
    assert.strictEqual(Permission.expand([]).size, 0)
  })

  it.prop(
    "one permission implies another only for can_manage_users ⇒ can_view_users",
    [Permission.Permission, Permission.Permission],
    ([held, wanted]) => {
      assert.strictEqual(Permission.holds([held], wanted), implies(held, wanted))
    }
  )

  it.prop("expand adds exactly the implied permissions", [Permissions], ([held]) => {
    const expanded = Permission.expand(held)
    for (const permission of Permission.all) {
      assert.strictEqual(
        expanded.has(permission),
        held.some((h) => implies(h, permission)),
        `${permission} from [${held.join(", ")}]`
      )
    }
  })

  it.prop("missing lists what is not covered, once each", [Permissions, Permissions], ([held, wanted]) => {
    const missing = Permission.missing(held, wanted)
    const uncovered = Permission.all.filter((p) => wanted.includes(p) && !held.some((h) => implies(h, p)))
    assert.deepStrictEqual([...missing].sort(), [...uncovered].sort())
    assert.strictEqual(new Set(missing).size, missing.length)
  })

  it.prop("normalize keeps the same set, without duplicates, in canonical order", [Permissions], ([permissions]) => {
    const normalized = Permission.normalize(permissions)
    assert.deepStrictEqual(new Set(normalized), new Set(permissions))
    assert.strictEqual(new Set(normalized).size, normalized.length)
    const positions = normalized.map((p) => Permission.all.indexOf(p))
    assert.deepStrictEqual(
      positions,
      [...positions].sort((a, b) => a - b)
    )
    assert.deepStrictEqual(Permission.normalize(normalized), normalized)
  })

  it("normalize does not add implied permissions", () => {
    assert.deepStrictEqual(Permission.normalize(["can_view_audit", "can_manage_users", "can_view_audit"]), [
      "can_manage_users",
      "can_view_audit"
    ])
  })
})
