import { Time, TokenInput, UserInput, Validation, ValidationFailed } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/** The issues of a decode that must fail, as `field: message` lines. */
const issuesOf = <A, I>(schema: Schema.Schema<A, I>, input: unknown, root?: string) =>
  Effect.flip(Validation.decode(schema, root === undefined ? {} : { root })(input)).pipe(
    Effect.tap((error) => assert.instanceOf(error, ValidationFailed)),
    Effect.map((error) => error.issues)
  )

const fields = (issues: ReadonlyArray<{ readonly field: string }>) => issues.map((issue) => issue.field)

describe("Validation", () => {
  describe("AddUser", () => {
    it.effect("reports one issue per problem, each naming its field", () =>
      Effect.gen(function* () {
        const issues = yield* issuesOf(UserInput.AddUser, {
          email: "not an email",
          firstName: 5,
          lastName: "x".repeat(101),
          roleId: "not-a-uuid",
          status: "REMOVED",
          admin: true
        })
        assert.deepStrictEqual(issues, [
          { field: "admin", message: "is not a recognised field" },
          { field: "email", message: "must be an email address such as ada@example.com" },
          { field: "firstName", message: "Expected string | null, actual 5" },
          { field: "lastName", message: "must be at most 100 characters" },
          { field: "roleId", message: 'Expected a Universally Unique Identifier, actual "not-a-uuid"' },
          { field: "status", message: 'Expected "ACTIVE" | "INACTIVE", actual "REMOVED"' }
        ])
      })
    )

    it.effect("requires the email", () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* issuesOf(UserInput.AddUser, { firstName: "Ada" }), [
          { field: "email", message: "is required" }
        ])
      })
    )

    it.effect("names the root when the input is not an object at all", () =>
      Effect.gen(function* () {
        for (const input of ["ada@example.com", null, 42, []]) {
          assert.deepStrictEqual(fields(yield* issuesOf(UserInput.AddUser, input)), ["body"])
        }
        assert.deepStrictEqual(fields(yield* issuesOf(UserInput.AddUser, null, "input")), ["input"])
      })
    )

    it.effect("refuses an email that is too long, and a title over 200 characters", () =>
      Effect.gen(function* () {
        const issues = yield* issuesOf(UserInput.AddUser, {
          email: `${"a".repeat(250)}@example.com`,
          title: "t".repeat(201)
        })
        assert.deepStrictEqual(issues, [
          { field: "email", message: "must be at most 254 characters" },
          { field: "title", message: "must be at most 200 characters" }
        ])
      })
    )

    it.effect("accepts a good body: trims, keeps null, leaves absent fields absent", () =>
      Effect.gen(function* () {
        const input = yield* Validation.decode(UserInput.AddUser)({
          email: "  Ada@Example.com ",
          firstName: " Ada ",
          lastName: null,
          roleId: "6f1c2f0e-2a1b-4c3d-8e9f-0a1b2c3d4e5f",
          status: "INACTIVE"
        })
        assert.deepStrictEqual(input, {
          email: "Ada@Example.com",
          firstName: "Ada",
          lastName: null,
          roleId: "6f1c2f0e-2a1b-4c3d-8e9f-0a1b2c3d4e5f" as typeof input.roleId,
          status: "INACTIVE"
        })
        assert.isFalse("title" in input)
      })
    )
  })

  describe("UpdateProfile", () => {
    it.effect("refuses empty names (null clears), too long ones and unknown fields", () =>
      Effect.gen(function* () {
        const issues = yield* issuesOf(UserInput.UpdateProfile, {
          firstName: "   ",
          lastName: "l".repeat(101),
          title: 7,
          email: "new@example.com"
        })
        assert.deepStrictEqual(issues, [
          { field: "email", message: "is not a recognised field" },
          { field: "firstName", message: "must not be empty; send null to clear it" },
          { field: "lastName", message: "must be at most 100 characters" },
          { field: "title", message: "Expected string | null, actual 7" }
        ])
      })
    )

    it.effect("counts characters as people do (an emoji is one) and stores names in NFC", () =>
      Effect.gen(function* () {
        const decode = Validation.decode(UserInput.UpdateProfile)
        const decomposed = "Jose\u0301"
        assert.deepStrictEqual(yield* decode({ firstName: "😀".repeat(100), lastName: decomposed }), {
          firstName: "😀".repeat(100),
          lastName: "Jos\u00e9"
        })
        const issues = yield* issuesOf(UserInput.UpdateProfile, { firstName: "😀".repeat(101) })
        assert.deepStrictEqual(issues, [{ field: "firstName", message: "must be at most 100 characters" }])
      })
    )

    it.effect("accepts null to clear and absence to keep", () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* Validation.decode(UserInput.UpdateProfile)({ title: null }), { title: null })
        assert.deepStrictEqual(yield* Validation.decode(UserInput.UpdateProfile)({}), {})
      })
    )
  })

  describe("ListUsers", () => {
    it.effect("searches in NFC, as names and emails are stored", () =>
      Effect.gen(function* () {
        const { q } = yield* Validation.decode(UserInput.ListUsers)({ q: " jose\u0301 " })
        assert.strictEqual(q, "jos\u00e9")
      })
    )

    it.effect("defaults to a size of 20, leaving page and offset to the list (the first page)", () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* Validation.decode(UserInput.ListUsers)({}), { size: 20 })
        assert.deepStrictEqual(yield* Validation.decode(UserInput.ListUsers)({ offset: 30, size: 10 }), {
          offset: 30,
          size: 10
        })
        assert.deepStrictEqual(yield* issuesOf(UserInput.ListUsers, { offset: -1 }), [
          { field: "offset", message: "must be a whole number, 0 or more" }
        ])
      })
    )

    it.effect("keeps page and size in bounds", () =>
      Effect.gen(function* () {
        for (const size of [1, 200]) {
          assert.strictEqual((yield* Validation.decode(UserInput.ListUsers)({ size })).size, size)
        }
        assert.deepStrictEqual(yield* issuesOf(UserInput.ListUsers, { page: -1, size: 0 }, "query"), [
          { field: "page", message: "must be a whole number, 0 or more" },
          { field: "size", message: "must be a whole number from 1 to 200" }
        ])
        assert.deepStrictEqual(fields(yield* issuesOf(UserInput.ListUsers, { size: 201 })), ["size"])
        assert.deepStrictEqual(fields(yield* issuesOf(UserInput.ListUsers, { page: 1.5 })), ["page"])
        assert.deepStrictEqual(fields(yield* issuesOf(UserInput.ListUsers, { size: "20" })), ["size"])
      })
    )

    it.effect("refuses an unknown status, naming its position, a bad roleId and an empty q", () =>
      Effect.gen(function* () {
        const issues = yield* issuesOf(UserInput.ListUsers, {
          status: ["ACTIVE", "SUSPENDED"],
          roleId: "42",
          q: "  "
        })
        assert.deepStrictEqual(fields(issues), ["status.1", "roleId", "q"])
        assert.strictEqual(
          issues[0]!.message,
          'Expected "ACTIVE" | "INACTIVE" | "TERMINATED" | "REMOVED" | "FORGOTTEN", actual "SUSPENDED"'
        )
        assert.deepStrictEqual(fields(yield* issuesOf(UserInput.ListUsers, { status: [] })), ["status.0"])
      })
    )

    it.effect("accepts every status, including REMOVED and FORGOTTEN", () =>
      Effect.gen(function* () {
        const query = yield* Validation.decode(UserInput.ListUsers)({ status: ["REMOVED", "FORGOTTEN"], q: " ada " })
        assert.deepStrictEqual(query, { size: 20, status: ["REMOVED", "FORGOTTEN"], q: "ada" })
      })
    )
  })

  describe("other inputs", () => {
    it.effect("Remove needs a reason", () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* issuesOf(UserInput.Remove, {}), [{ field: "reason", message: "is required" }])
        assert.deepStrictEqual(fields(yield* issuesOf(UserInput.Remove, { reason: "" })), ["reason"])
      })
    )

    it.effect("CreateToken names each unknown permission", () =>
      Effect.gen(function* () {
        const issues = yield* issuesOf(TokenInput.CreateToken, {
          name: "ci",
          permissions: ["can_view_users", "root", 3]
        })
        assert.deepStrictEqual(fields(issues), ["permissions.1", "permissions.2"])
        assert.include(issues[0]!.message, '"can_manage_tokens"')
        assert.include(issues[0]!.message, 'actual "root"')
      })
    )

    it.effect("no message offers `undefined` as a value to send", () =>
      Effect.gen(function* () {
        const issues = yield* issuesOf(UserInput.AddUser, {
          email: 1,
          firstName: 1,
          lastName: 1,
          title: 1,
          roleId: 1,
          status: 1
        })
        assert.lengthOf(issues, 6)
        for (const issue of issues) assert.notInclude(issue.message, "undefined")
      })
    )
  })
})

describe("secrets in messages", () => {
  it.effect("a secret field of the wrong type is named, never quoted", () =>
    Effect.gen(function* () {
      const schema = Schema.Struct({ password: Schema.String, newPassword: Schema.String, name: Schema.String })
      const error = yield* Effect.flip(
        Validation.decode(schema)({ password: ["hunter2-secret"], newPassword: { p: "other-secret" }, name: 42 })
      )
      const text = JSON.stringify(error.issues)
      assert.notInclude(text, "hunter2-secret")
      assert.notInclude(text, "other-secret")
      assert.deepStrictEqual(error.issues, [
        { field: "password", message: "Expected string" },
        { field: "newPassword", message: "Expected string" },
        { field: "name", message: "Expected string, actual 42" }
      ])
    })
  )
})

describe("emails", () => {
  it.effect("are trimmed and put in Unicode NFC, so one address typed two ways is one address", () =>
    Effect.gen(function* () {
      const decomposed = "u\u0308ni@exa\u0308mple.com"
      const decoded = yield* Validation.decode(UserInput.AddUser)({ email: ` ${decomposed} ` })
      assert.strictEqual(decoded.email, "üni@exämple.com")
      assert.strictEqual(decoded.email, decomposed.normalize("NFC"))
    })
  )
})

describe("Time.isCalendarDate", () => {
  it("knows the calendar: month lengths and leap years", () => {
    for (const real of ["2030-01-31", "2028-02-29T00:00:00Z", "2030-04-30T12:00:00+02:00", "2000-02-29"]) {
      assert.isTrue(Time.isCalendarDate(real), real)
    }
    for (const impossible of [
      "2030-02-29",
      "2030-02-30T00:00:00Z",
      "2030-04-31",
      "1900-02-29",
      "2030-13-01",
      "2030-00-10"
    ]) {
      assert.isFalse(Time.isCalendarDate(impossible), impossible)
    }
    assert.isFalse(Time.isCalendarDate("tomorrow"))
  })
})

describe("Time.DateTime", () => {
  const Input = Schema.Struct({ expiresAt: Time.DateTime })

  it.effect("reads the first and last instants RFC 3339 can write in UTC", () =>
    Effect.gen(function* () {
      for (const [text, iso] of [
        ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
        ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
        ["9999-12-31T23:59:59+23:59", "9999-12-31T00:00:59.000Z"],
        ["0001-01-01T23:59:59-00:01", "0001-01-02T00:00:59.000Z"]
      ] as const) {
        const { expiresAt } = yield* Validation.decode(Input)({ expiresAt: text })
        assert.strictEqual(expiresAt.toISOString(), iso)
      }
    })
  )

  it.effect("refuses a date-time whose offset takes it out of the years 0001 to 9999 in UTC, naming the field", () =>
    Effect.gen(function* () {
      for (const text of [
        // Would be answered as "+010000-01-01T23:58:59.000Z", which is no RFC 3339.
        "9999-12-31T23:59:59-23:59",
        "9999-12-31T23:59:59.999-00:01",
        "0001-01-01T00:00:00+00:01",
        "0000-06-15T12:00:00Z"
      ]) {
        assert.deepStrictEqual(
          yield* issuesOf(Input, { expiresAt: text }),
          [{ field: "expiresAt", message: "must fall within the years 0001 to 9999 in UTC" }],
          text
        )
      }
      // Not even the shape of one.
      for (const text of ["-000001-01-01T00:00:00Z", "+010000-01-01T00:00:00Z"]) {
        assert.deepStrictEqual(fields(yield* issuesOf(Input, { expiresAt: text })), ["expiresAt"], text)
      }
    })
  )
})
