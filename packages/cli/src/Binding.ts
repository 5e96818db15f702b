/**
 * An operation bound to the command line: the command (`users set-role`), which input fields are
 * its arguments and which its options, the line that says what happened and the view of the answer.
 * What it takes, who may run it and what it answers come from the operation's declaration; one
 * runner (`Runner`) runs every binding the same way.
 */
import type * as Schema from "effect/Schema"
import type { Operation } from "@roster/domain"
import * as Flag from "./Flag.js"
import type { Context, View } from "./View.js"

/** An input field given as a positional argument: `<userId>`. */
export interface Argument {
  readonly field: string
  readonly description: string
  /**
   * What else than an id it may be, looked up when the command runs: a member by email (`member`),
   * an account by email (`account`), a token by name (`token`).
   */
  readonly lookup?: Lookup
}

export type Lookup = "member" | "account" | "token"

type InputOf<O extends Operation.Any> = Schema.Struct.Type<O["input"]["fields"]>

export interface Row<O extends Operation.Any, A> {
  readonly noun: string
  readonly verb: string
  /** Help for the command; the operation's summary when absent. */
  readonly description?: string
  readonly arguments?: ReadonlyArray<Argument>
  /** Its options, in help order. An organization's operation takes `--org` first unless placed here. */
  readonly flags?: ReadonlyArray<Flag.Flag>
  /** Input the command always gives (`admins list`: platform admins only). */
  readonly fixed?: Readonly<Record<string, unknown>>
  /** Without `--org`, this operation runs instead: the same options, everywhere (`events list`). */
  readonly withoutOrg?: Operation.Any
  /** A change that must be told what to change: refused with this message when no option fills a field. */
  readonly nothingGiven?: string
  /** Afterwards, answer what this operation answers on the same input (the member as `reset-mfa` left them). */
  readonly show?: Operation.Any
  /** For an operation that answers nothing: what the command answers instead, made from its input. */
  readonly receipt?: (input: InputOf<O>) => A
  /** The line printed before the view: what happened. */
  readonly summary?: (answer: A, context: Context) => string
  /**
   * A change that may change nothing: `read` (on the same input) before it, and when the answer is
   * what was read, `summary` says so instead.
   */
  readonly unchanged?: { readonly read: Operation.Any; readonly summary: (answer: A, context: Context) => string }
  /**
   * A change that cannot be undone asks first, `--yes` going ahead without asking (and required
   * when nobody can be asked): the question, from the arguments as typed.
   */
  readonly confirm?: (typed: Readonly<Record<string, string>>, context: Context) => string
  /** The answer, for people. */
  readonly view: View<A>
}

/** A bound operation, whatever its types: what the command tree and the runner hold. */
export interface Binding {
  readonly operation: Operation.Any
  readonly noun: string
  readonly verb: string
  readonly description: string
  readonly arguments: ReadonlyArray<Argument>
  readonly flags: ReadonlyArray<Flag.Flag>
  readonly fixed: Readonly<Record<string, unknown>>
  readonly withoutOrg: Operation.Any | undefined
  readonly nothingGiven: string | undefined
  readonly show: Operation.Any | undefined
  readonly receipt: ((input: any) => unknown) | undefined
  readonly summary: ((answer: any, context: Context) => string) | undefined
  readonly unchanged:
    | { readonly read: Operation.Any; readonly summary: (answer: any, context: Context) => string }
    | undefined
  readonly confirm: ((typed: Readonly<Record<string, string>>, context: Context) => string) | undefined
  readonly view: View<any>
}

/** An operation that answers nothing must say what the command answers instead. */
type Answered<O extends Operation.Any, A> = [Operation.OutputOf<O>] extends [A]
  ? {}
  : { readonly receipt: (input: InputOf<O>) => A } | { readonly show: Operation.Any }

/** What an organization's operation is told when `--org` is not placed among its options. */
export const orgFlag = Flag.org("organization id or name", { required: true })

export const make = <O extends Operation.Any, A = Operation.OutputOf<O>>(
  operation: O,
  row: Row<O, A> & Answered<O, A>
): Binding => {
  const command = `${row.noun} ${row.verb}`
  if (operation.guard === "session" || operation.guard === "public") {
    throw new Error(`${command}: ${operation.id} is not the operator's to run`)
  }
  const given = [
    ...(row.flags ?? []),
    // A list reads every page with --all; a change that cannot be undone asks first, --yes or not.
    ...("page" in operation.input.fields ? [Flag.all] : []),
    ...(row.confirm === undefined ? [] : [Flag.yes])
  ]
  const flags =
    operation.guard === "organization" && !given.some((flag) => flag._tag === "Org") ? [orgFlag, ...given] : given
  const fields = [
    ...(row.arguments ?? []).map((argument) => argument.field),
    ...flags.flatMap((flag) => Flag.fieldOf(flag) ?? []),
    ...Object.keys(row.fixed ?? {})
  ]
  for (const bound of [operation, ...(row.withoutOrg === undefined ? [] : [row.withoutOrg])]) {
    const unknown = fields.filter((field) => !(field in bound.input.fields))
    if (unknown.length > 0) throw new Error(`${command}: ${bound.id} takes no ${unknown.join(", ")}`)
  }
  return {
    operation,
    noun: row.noun,
    verb: row.verb,
    description: row.description ?? operation.summary,
    arguments: row.arguments ?? [],
    flags,
    fixed: row.fixed ?? {},
    withoutOrg: row.withoutOrg,
    nothingGiven: row.nothingGiven,
    show: row.show,
    receipt: row.receipt as Binding["receipt"],
    summary: row.summary as Binding["summary"],
    unchanged: row.unchanged as Binding["unchanged"],
    confirm: row.confirm,
    view: row.view
  }
}
