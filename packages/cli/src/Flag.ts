/**
 * How a command's options fill its operation's input: each flag names the input field it fills and
 * how its text becomes that field's value (the encoded side of the operation's input schema, which
 * then checks it). A few are read later: a role by id or name once the organization is known, the
 * password on standard input when the command runs.
 */
import * as Effect from "effect/Effect"
import type { ValidationFailed } from "@roster/domain"
import * as Input from "./Input.js"
import type { CommandLine } from "./Plan.js"

/** One commander option, as help shows it. */
export interface Option {
  /** `--first-name <name>`, `--password-stdin`. */
  readonly flags: string
  readonly description: string
  readonly required?: boolean
  /** Given several times, each value kept (`--status ACTIVE --status INACTIVE`). */
  readonly repeatable?: boolean
  /** The attribute of an option it cannot be used with (`clearFirstName`). */
  readonly conflicts?: string
}

interface Common {
  /** What commander declares for it: one option, or a negation and the option (`--no-require-change`). */
  readonly options: ReadonlyArray<Option>
  /** How a person types it, `--first-name`: problems with its field are named so. */
  readonly name: string
  /** Commander's attribute for it, `firstName`. */
  readonly attribute: string
  /** Another option it applies only with, and what to say when that one is missing. */
  readonly needs?: { readonly attribute: string; readonly message: string }
}

/** A value known from the command line alone: checked before storage is opened. */
export interface Value extends Common {
  readonly _tag: "Value"
  readonly field: string
  /** The field's value, or undefined when the option is absent. */
  readonly read: (line: CommandLine) => Effect.Effect<unknown, ValidationFailed>
  /** Words it takes besides the field's own (`all` permissions). */
  readonly words?: ReadonlyArray<string>
  /** Read again when the command runs, not only when it is checked: a time from now (`--expires-in`). */
  readonly fromNow?: boolean
}

/** A role by id or name (case-insensitive), looked up among the organization's roles. */
export interface Role extends Common {
  readonly _tag: "Role"
  readonly field: string
}

/** `--password-stdin`: the field's value is all of standard input, read when the command runs. */
export interface Password extends Common {
  readonly _tag: "Password"
  readonly field: string
}

/**
 * `--org`: the organization, by id or name. An organization's operation acts in it; for another it
 * fills `field` with its id.
 */
export interface Org extends Common {
  readonly _tag: "Org"
  readonly field?: string
}

/** `--public-url`: where handed-out links point, instead of the configured address. */
export interface PublicUrl extends Common {
  readonly _tag: "PublicUrl"
}

/** `--yes`: a command that asks before it destroys goes ahead without asking. */
export interface Yes extends Common {
  readonly _tag: "Yes"
}

/** `--all`: a list command reads every page (and takes no `--page`). */
export interface All extends Common {
  readonly _tag: "All"
}

export type Flag = Value | Role | Password | Org | PublicUrl | Yes | All

/** `--first-name <name>` → `--first-name`. */
const nameOf = (flags: string) => flags.split(/[ ,]/)[0]!

/** `--no-require-change` → `requireChange`, as commander names its attribute. */
const attributeOf = (flags: string) =>
  nameOf(flags)
    .replace(/^--(no-)?/, "")
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())

const common = (option: Option, more: { readonly needs?: Common["needs"] } = {}): Common => ({
  options: [option],
  name: nameOf(option.flags),
  attribute: attributeOf(option.flags),
  ...more
})

interface TextOptions {
  readonly required?: boolean
  readonly conflicts?: string
  /** Refuse blank text, which the schema would otherwise trim away; the hint says what to do instead. */
  readonly nonBlank?: { readonly hint: string }
  /** Status words in any case: `--status active`. */
  readonly upperCase?: boolean
  /** Text that is not yet the field's value: `2030-01-31` or `30d` for a date-time. */
  readonly parse?: (text: string, flag: string) => Effect.Effect<unknown, ValidationFailed>
  /** Parsed again when the command runs (a time from now). */
  readonly fromNow?: boolean
}

/** `--email <email>`: the text as typed. */
export const text = (field: string, flags: string, description: string, options: TextOptions = {}): Value => {
  const base = common({ flags, description, required: options.required, conflicts: options.conflicts })
  return {
    _tag: "Value",
    field,
    ...base,
    ...(options.fromNow === true ? { fromNow: true } : {}),
    read: (line) => {
      const given = line.text(base.attribute)
      if (given === undefined) return Effect.succeed(undefined)
      return Effect.gen(function* () {
        if (options.nonBlank !== undefined) yield* Input.nonBlank(base.name, given, options.nonBlank.hint)
        if (options.parse !== undefined) return yield* options.parse(given, base.name)
        return options.upperCase === true ? given.toUpperCase() : given
      })
    }
  }
}

/**
 * `--page <n>`: pages count from 1 on the command line, as people count them; the API's `page`
 * counts from 0, so the field gets one less.
 */
export const page = (description = "page number, from 1 (default: 1)"): Value => {
  const base = common({ flags: "--page <n>", description })
  return {
    _tag: "Value",
    field: "page",
    ...base,
    read: (line) =>
      Effect.flatMap(Input.integer(base.name, line.text(base.attribute)), (page) =>
        page === undefined
          ? Effect.succeed(undefined)
          : page >= 1
            ? Effect.succeed(page - 1)
            : Effect.fail(
                Input.invalid(base.name, `must be a whole number, 1 or more (pages count from 1), not ${page}`)
              )
      )
  }
}

/** `--all`: every page, written as each arrives. */
export const all: All = {
  _tag: "All",
  ...common({
    flags: "--all",
    description: "every page, 200 at a time unless --size says otherwise, written as each arrives",
    conflicts: "page"
  })
}

/** `--yes`: go ahead without being asked. */
export const yes: Yes = {
  _tag: "Yes",
  ...common({ flags: "--yes", description: "do it without asking (required when not on a terminal)" })
}

/** `--page <n>`: a whole number; the field's schema checks its range. */
export const integer = (field: string, flags: string, description: string): Value => {
  const base = common({ flags, description })
  return { _tag: "Value", field, ...base, read: (line) => Input.integer(base.name, line.text(base.attribute)) }
}

interface ListOptions {
  readonly required?: boolean
  /** Also separated by commas, as the API's query parameters take them. */
  readonly commas?: boolean
  readonly letterCase?: "upper" | "lower"
  /** Words that stand for several values: `all` for every permission. */
  readonly words?: { readonly [word: string]: ReadonlyArray<string> }
}

/** `--status <status>`, repeatable: every value given, in order. */
export const list = (field: string, flags: string, description: string, options: ListOptions = {}): Value => {
  const base = common({ flags, description, required: options.required, repeatable: true })
  const words = options.words ?? {}
  const cased = (value: string) =>
    options.letterCase === "upper" ? value.toUpperCase() : options.letterCase === "lower" ? value.toLowerCase() : value
  return {
    _tag: "Value",
    field,
    ...base,
    words: Object.keys(words),
    read: (line) =>
      Effect.succeed(
        line
          .texts(base.attribute)
          ?.flatMap((value) => (options.commas === true ? value.split(",").map((one) => one.trim()) : [value]))
          .flatMap((value) => words[value] ?? [cased(value)])
      )
  }
}

/** `--admins`: present, the field takes `value`. */
export const toggle = (
  field: string,
  flags: string,
  description: string,
  options: { readonly value?: unknown; readonly needs?: Common["needs"] } = {}
): Value => {
  const base = common({ flags, description }, options.needs === undefined ? {} : { needs: options.needs })
  const value = options.value ?? true
  return {
    _tag: "Value",
    field,
    ...base,
    read: (line) => Effect.succeed(line.flag(base.attribute) ? value : undefined)
  }
}

/**
 * `--require-change` with `--no-require-change` declared first, so that it is on unless turned off:
 * the field is always given.
 */
export const onUnlessNegated = (
  field: string,
  flags: string,
  description: string,
  negation: { readonly flags: string; readonly description: string }
): Value => {
  const base = common({ flags, description })
  return {
    _tag: "Value",
    field,
    ...base,
    options: [{ flags: negation.flags, description: negation.description }, ...base.options],
    read: (line) => Effect.succeed(line.flag(base.attribute))
  }
}

/** `--clear-title`: present, the field is cleared (null). */
export const clear = (field: string, flags: string, description: string): Value => {
  const base = common({ flags, description })
  return { _tag: "Value", field, ...base, read: (line) => Effect.succeed(line.flag(base.attribute) ? null : undefined) }
}

/** `--role <role>`: a role's id or name, filling `roleId`. */
export const role = (
  description: string,
  options: { readonly required?: boolean; readonly needs?: Common["needs"] } = {}
): Role => ({
  _tag: "Role",
  field: "roleId",
  ...common(
    { flags: "--role <role>", description, required: options.required },
    options.needs === undefined ? {} : { needs: options.needs }
  )
})

/** `--password-stdin`: the password, from standard input. */
export const password = (description: string, options: { readonly required?: boolean } = {}): Password => ({
  _tag: "Password",
  field: "password",
  ...common({ flags: "--password-stdin", description, required: options.required })
})

/** What a flag that needs `--password-stdin` says without it. */
export const needsPassword = { attribute: "passwordStdin", message: "needs --password-stdin" } as const

/** `--org <org>`; required for an organization's operation. */
export const org = (
  description: string,
  options: { readonly required?: boolean; readonly field?: string } = {}
): Org => ({
  _tag: "Org",
  ...common({ flags: "--org <org>", description, required: options.required }),
  ...(options.field === undefined ? {} : { field: options.field })
})

/** `--public-url <url>`. */
export const publicUrl = (description: string): PublicUrl => ({
  _tag: "PublicUrl",
  ...common({ flags: "--public-url <url>", description })
})

/** The input field a flag fills, if any. */
export const fieldOf = (flag: Flag): string | undefined => ("field" in flag ? flag.field : undefined)
