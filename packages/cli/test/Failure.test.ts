import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import { ErrorCode, Forbidden, NoDefaultRole, RoleEscalation, Unauthorized } from "@roster/domain"
import * as ExitCode from "../src/ExitCode.js"
import * as Failure from "../src/Failure.js"

describe("Failure", () => {
  it("maps every domain error to an exit status", () => {
    assert.deepStrictEqual(Object.keys(ExitCode.byTag).sort(), Object.keys(ErrorCode.codes).sort())
  })

  it("access errors exit 5 with their code", () => {
    for (const [error, code] of [
      [new Forbidden({ required: "can_manage_users" }), "FORBIDDEN"],
      [new RoleEscalation({ missing: ["can_manage_tokens"] }), "ROLE_ESCALATION"],
      [new Unauthorized({ reason: "The token is not valid" }), "UNAUTHORIZED"]
    ] as const) {
      const failure = Failure.fromCause(Cause.fail(error))
      assert.deepStrictEqual(failure, { code, message: error.message, exitCode: 5 })
    }
    assert.strictEqual(
      Failure.line(Failure.fromCause(Cause.fail(new Forbidden({ required: "can_manage_users" })))),
      "error FORBIDDEN: This operation requires the can_manage_users permission\n"
    )
  })

  it("a broken organization is unexpected, exit 1", () => {
    assert.strictEqual(Failure.fromError(new NoDefaultRole({ organizationId: "x" })).exitCode, 1)
  })

  it("interruption and unknown defects", () => {
    assert.deepStrictEqual(Failure.fromCause(Cause.interrupt("fiber" as never)).exitCode, ExitCode.interrupted)
    assert.deepStrictEqual(Failure.fromCause(Cause.die("bad")), { code: "INTERNAL", message: "bad", exitCode: 1 })
    assert.deepStrictEqual(Failure.fromCause(Cause.die({})), {
      code: "INTERNAL",
      message: "An unexpected error occurred",
      exitCode: 1
    })
  })

  it("commander's usage messages lose their own prefix", () => {
    assert.strictEqual(
      Failure.line(Failure.usage("error: unknown command 'x'\n(Did you mean y?)")),
      "error USAGE: unknown command 'x' (Did you mean y?)\n"
    )
  })
})
