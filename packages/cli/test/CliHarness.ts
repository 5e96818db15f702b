/**
 * What the CLI suite's parts share: the storage a test file provides, `roster` run in process on it
 * (recording every storage it opens), the shapes its JSON output must match exactly, and how a
 * success and a failure look.
 */
import { afterEach, assert, beforeEach } from "@effect/vitest"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import { DomainEvent, Permission, UserResponse } from "@roster/domain"
import type { Services } from "@roster/domain"
import { type Environment, type Io, type Storage, type Terminal, run } from "../src/index.js"

export interface TestStorage {
  /**
   * Called once by every `run` that executes a command. Every runtime it returns within one test
   * must see the same data; the storage options on the command line are recorded, not obeyed.
   */
  readonly makeRuntime: (
    storage: Storage
  ) => ManagedRuntime.ManagedRuntime<Services.UseCases | Services.IdentityUseCases, unknown>
  readonly close?: () => Promise<void>
  /** The command line's world, when it is not the database alone (a server holding it, say). */
  readonly environment?: () => Environment
}

export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
export const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
export const missingId = "00000000-0000-4000-8000-000000000000"
/** Where a terminal colour code starts. */
export const ansi = "\u001b["

export const decodeStrict = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.decodeUnknownSync(schema, { onExcessProperty: "error" })
export const asUser = decodeStrict(UserResponse.UserResponse)
export const asUserPage = decodeStrict(UserResponse.UserPageResponse)

export const Role = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  permissions: Schema.Array(Permission.Permission),
  isDefault: Schema.Boolean
})
export const Organization = Schema.Struct({ id: Schema.UUID, name: Schema.String, createdDateTime: Schema.String })
export const CreatedOrganization = Schema.Struct({ ...Organization.fields, roles: Schema.Array(Role) })
// The API's shapes, exactly (decoded with onExcessProperty: "error").
export const Token = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  permissions: Schema.Array(Permission.Permission),
  createdAt: Schema.String,
  expiresAt: Schema.NullOr(Schema.String),
  revokedAt: Schema.NullOr(Schema.String),
  lastUsedAt: Schema.NullOr(Schema.String),
  createdByUserId: Schema.NullOr(Schema.String)
})
export const CreatedToken = Schema.Struct({ ...Token.fields, token: Schema.String })
export const Event = Schema.Struct({
  id: Schema.UUID,
  userId: Schema.NullOr(Schema.UUID),
  actor: Schema.Struct({ type: Schema.String, id: Schema.NullOr(Schema.String) }),
  type: DomainEvent.EventType,
  before: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  after: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  reason: Schema.NullOr(Schema.String),
  at: Schema.String
})
export const EventPage = Schema.Struct({
  content: Schema.Array(Event),
  totalElements: Schema.Int,
  totalPages: Schema.Int,
  size: Schema.Int,
  number: Schema.Int,
  next: Schema.NullOr(Schema.String)
})

/** A failure is one line on stderr, `error CODE: message`, nothing on stdout, and the exit status. */
export const assertFailure = (result: Result, code: string, exitCode: number, message?: string | RegExp) => {
  assert.strictEqual(result.stdout, "", "stdout stays empty on failure")
  assert.match(result.stderr, /^error [A-Z_]+: [^\n]+\n$/, `one error line, got ${JSON.stringify(result.stderr)}`)
  assert.strictEqual(result.stderr.split(" ")[1], `${code}:`, result.stderr)
  assert.strictEqual(result.code, exitCode, result.stderr)
  if (typeof message === "string") assert.strictEqual(result.stderr, `error ${code}: ${message}\n`)
  else if (message !== undefined) assert.match(result.stderr, message)
}

export const assertSuccess = (result: Result) => {
  assert.strictEqual(result.stderr, "", result.stderr)
  assert.strictEqual(result.code, 0)
}

/** `roster` as a test runs it: every command of one test on the same storage. */
export interface Cli {
  /** Runs `roster` with these arguments and captures what it printed. */
  readonly roster: (...argv: Array<string>) => Promise<Result>
  /** `roster` on a terminal, where a person answers each question as `answer` says (and records it). */
  readonly onTerminal: (
    answer: (question: string) => string,
    columns?: number
  ) => (...argv: Array<string>) => Promise<Result>
  /** Runs a command that must succeed with `--json`, and returns what it printed, parsed. */
  readonly json: (...argv: Array<string>) => Promise<any>
  readonly createOrg: (orgName?: string) => Promise<typeof CreatedOrganization.Type>
  /** Adds a user to Acme. */
  readonly addUser: (email: string, ...more: Array<string>) => Promise<ReturnType<typeof asUser>>
  /** Runs a single-user command on a user of Acme. */
  readonly user: (command: string, userId: string, ...more: Array<string>) => Promise<ReturnType<typeof asUser>>
  /** The storage options of every runtime this test's commands opened, in order. */
  readonly opened: Array<Storage>
  /** How many of those runtimes were disposed of. */
  readonly disposed: () => number
  /** This test's storage. */
  readonly storage: () => TestStorage
}

/** The user commands that ask before they act (the suite runs off a terminal: it passes `--yes`). */
export const asks = (command: string) => command === "remove" || command === "forget"

/** Registers `beforeEach`/`afterEach` that give every test fresh storage; call inside a `describe`. */
export const setup = (makeStorage: () => TestStorage | Promise<TestStorage>): Cli => {
  let storage: TestStorage
  const opened: Array<Storage> = []
  let disposed = 0

  beforeEach(async () => {
    storage = await makeStorage()
    opened.length = 0
    disposed = 0
  })
  afterEach(async () => {
    await storage.close?.()
  })

  const io = (out: Array<string>, err: Array<string>, terminal?: Terminal): Io => ({
    ...(terminal === undefined ? {} : { terminal }),
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    ...(storage.environment === undefined ? {} : { environment: storage.environment }),
    makeRuntime: (options) => {
      opened.push(options)
      if (storage.environment !== undefined) throw new Error("a command behind a running server opened the database")
      const runtime = storage.makeRuntime(options)
      const dispose = runtime.dispose.bind(runtime)
      return Object.assign(Object.create(runtime), {
        dispose: () => {
          disposed++
          return dispose()
        }
      })
    }
  })

  const rosterOn =
    (terminal?: Terminal) =>
    async (...argv: Array<string>): Promise<Result> => {
      const out: Array<string> = []
      const err: Array<string> = []
      const code = await run(argv, io(out, err, terminal))
      return { code, stdout: out.join(""), stderr: err.join("") }
    }
  const roster = rosterOn()
  const onTerminal = (answer: (question: string) => string, columns?: number) =>
    rosterOn({
      interactive: true,
      columns,
      secret: () => Promise.reject(new Error("no secret asked for here")),
      line: (question) => Promise.resolve(answer(question))
    })

  const json = async (...argv: Array<string>): Promise<any> => {
    const result = await roster(...argv, "--json")
    assertSuccess(result)
    return JSON.parse(result.stdout)
  }

  return {
    roster,
    onTerminal,
    json,
    createOrg: (orgName = "Acme") => json("orgs", "create", "--name", orgName).then(decodeStrict(CreatedOrganization)),
    addUser: (email, ...more) => json("users", "add", "--org", "acme", "--email", email, ...more).then(asUser),
    user: (command, userId, ...more) =>
      json("users", command, "--org", "acme", userId, ...more, ...(asks(command) ? ["--yes"] : [])).then(asUser),
    opened,
    disposed: () => disposed,
    storage: () => storage
  }
}
