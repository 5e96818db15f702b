/**
 * The operator's channel: the `roster` CLI on the machine of a server that holds an embedded
 * database (which no other process may open) runs its commands through that server, as the
 * operator, exactly as it would on the database.
 *
 * It answers only requests that present the operator key (`Authorization: Operator rop_…`) — made
 * at start and written beside the data directory's lock, mode 0600, so that only who may read the
 * data directory (and so may already do anything to the database) has it — and only on
 * connections from this machine; anything else is told there is no such route. It is no part of
 * the API: no OpenAPI document lists it.
 *
 *   POST /operator/organization  { "organization": "acme" }  → 200 the organization (by id or name)
 *   POST /operator/run  { "operation": "add-user", "organizationId"?, "publicUrl"?, "input": {…} }
 *                                                             → 200 { "output": … } (null: none)
 *   POST /operator/backup                                     → 200 application/gzip: a backup of the
 *                                                               database (`roster db backup`)
 *   POST /operator/restore?keepPrevious=true  application/gzip: a backup (at most 1 GB)
 *                                             → 200 { dataDir, previous, organizations, memberships }:
 *                                               the database replaced by it (`roster db restore`);
 *                                               422 INVALID_BACKUP, nothing changed, when it is none
 *
 * Failures are the API's `ErrorResponse`, with the API's codes.
 */
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import {
  Actor,
  Catalog,
  Operation,
  OrganizationId,
  OrganizationResponse,
  Organizations,
  PublicUrl,
  Unauthorized,
  ValidationFailed
} from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import type express from "express"
import * as ErrorResponse from "./ErrorResponse.js"
import type * as Handler from "./Handler.js"
import * as HttpError from "./HttpError.js"
import * as Input from "./Input.js"
import * as Reply from "./Reply.js"
import type * as Route from "./Route.js"

/** The scheme the CLI presents the key under. */
export const scheme = "Operator"

/** A new operator key: 256 random bits. A server makes one each time it starts. */
export const newKey = (): string => `rop_${Crypto.randomBytes(32).toString("base64url")}`

const OrganizationRequest = Schema.Struct({ organization: Schema.String })

const RunRequest = Schema.Struct({
  operation: Schema.String,
  organizationId: Schema.optional(OrganizationId),
  publicUrl: Schema.optional(PublicUrl.PublicUrl),
  input: Schema.optional(Schema.Unknown)
})

const digest = (text: string) => Crypto.createHash("sha256").update(text, "utf8").digest()

/** Loopback, or an address of one of this machine's interfaces: a connection from this machine. */
export const isFromThisMachine = (address: string | undefined): boolean => {
  if (address === undefined) return false
  const plain = address.replace(/^::ffff:/i, "")
  if (plain === "::1" || plain.startsWith("127.")) return true
  return Object.values(Os.networkInterfaces()).some((interfaces) =>
    (interfaces ?? []).some((found) => found.address === plain)
  )
}

/** A consistent backup of the database the server holds: the archive's bytes (`@roster/store`'s `Archive`). */
export type Backup = () => Promise<Uint8Array>

/** What a restore through the server did, or why the file is no backup (nothing was changed). */
export type Restored =
  | {
      readonly _tag: "Restored"
      readonly dataDir: string
      /** Where the replaced database is kept (asked to keep it), else null. */
      readonly previous: string | null
      readonly organizations: number
      readonly memberships: number
    }
  | { readonly _tag: "InvalidBackup"; readonly message: string }

/** Replaces the database the server holds with the backup `archive` (`@roster/store`'s `Backup.restoreLive`). */
export type Restore = (archive: Uint8Array, options: { readonly keepPrevious: boolean }) => Promise<Restored>

/** The largest backup a restore reads. */
export const restoreLimitBytes = 1024 * 1024 * 1024

/**
 * Reads `req`'s body through a temporary file (mode 0600), at most `limit` bytes: undefined when
 * it is larger. The file is removed once read.
 */
const readArchive = async (req: express.Request, limit: number): Promise<Uint8Array | undefined> => {
  if (Number(req.headers["content-length"] ?? 0) > limit) return undefined
  const dir = await Fs.promises.mkdtemp(Path.join(Os.tmpdir(), "roster-restore-"))
  const file = Path.join(dir, "backup.tar.gz")
  try {
    const handle = await Fs.promises.open(file, "wx", 0o600)
    let size = 0
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length
        if (size > limit) return undefined
        await handle.write(chunk)
      }
    } finally {
      await handle.close()
    }
    return new Uint8Array(await Fs.promises.readFile(file))
  } finally {
    await Fs.promises.rm(dir, { recursive: true, force: true })
  }
}

/** The media type of a backup. */
export const backupContentType = "application/gzip"

/** Mounts the channel on `app`, answering only `key`. */
export const mount = <E>(
  app: express.Express,
  options: {
    readonly key: string
    readonly publicUrl: string
    readonly context: Handler.Context<E>
    /** Absent: the server takes no backups. */
    readonly backup?: Backup | undefined
    /** Absent: the server restores none. */
    readonly restore?: Restore | undefined
  }
): void => {
  const { context } = options
  const expected = digest(options.key)
  const presented = (req: express.Request) => {
    const [kind, secret, ...rest] = (req.get("authorization") ?? "").trim().split(/\s+/)
    return kind?.toLowerCase() === scheme.toLowerCase() && secret !== undefined && rest.length === 0
      ? Crypto.timingSafeEqual(digest(secret), expected)
      : false
  }

  const serve =
    (
      program: (
        body: unknown,
        req: express.Request
      ) => Effect.Effect<Reply.Reply, ErrorResponse.KnownError, Route.UseCases>
    ) =>
    (req: express.Request, res: express.Response) => {
      // Never from elsewhere: it is not there.
      if (!isFromThisMachine(req.socket.remoteAddress)) {
        return context.respond(
          req,
          res,
          Either.left(ErrorResponse.fromError(new HttpError.RouteNotFound({ method: req.method, path: req.path })))
        )
      }
      const run = Effect.gen(function* () {
        if (!presented(req)) {
          return yield* new Unauthorized({ reason: "The operator's channel needs the operator key of this server" })
        }
        const body = yield* context.readBody(req, res)
        return yield* program(body._tag === "Json" ? body.value : undefined, req)
      })
      void context.runtime.runPromiseExit(run).then((exit) =>
        context.respond(
          req,
          res,
          Exit.match(exit, {
            onSuccess: (reply) => Either.right(reply),
            onFailure: (cause) => Either.left(ErrorResponse.fromCause(cause))
          })
        )
      )
    }

  app.post(
    "/operator/organization",
    serve((body) =>
      Input.body(OrganizationRequest, body).pipe(
        Effect.flatMap(({ organization }) =>
          Effect.flatMap(Organizations, (organizations) => organizations.resolve(organization))
        ),
        Effect.map((found) => Reply.json(200, OrganizationResponse.fromOrganization(found)))
      )
    )
  )

  const { backup } = options
  if (backup !== undefined) {
    app.post(
      "/operator/backup",
      serve(() =>
        // A failure is the server's (500, its cause logged with the fingerprint), never the caller's.
        Effect.map(Effect.promise(backup), (archive) => Reply.bytes(200, archive, backupContentType))
      )
    )
  }

  const { restore } = options
  if (restore !== undefined) {
    app.post("/operator/restore", (req, res) => {
      if (!isFromThisMachine(req.socket.remoteAddress)) {
        return context.respond(
          req,
          res,
          Either.left(ErrorResponse.fromError(new HttpError.RouteNotFound({ method: req.method, path: req.path })))
        )
      }
      const answer = (failure: ErrorResponse.Failure) => context.respond(req, res, Either.left(failure))
      if (!presented(req)) {
        return answer(
          ErrorResponse.fromError(
            new Unauthorized({ reason: "The operator's channel needs the operator key of this server" })
          )
        )
      }
      const keepPrevious = new URL(req.originalUrl, "http://localhost").searchParams.get("keepPrevious") === "true"
      void readArchive(req, restoreLimitBytes)
        .then(async (archive) => {
          if (archive === undefined) {
            // The rest of the body is not read: the connection closes after the answer.
            res.setHeader("Connection", "close")
            return answer(ErrorResponse.fromError(new HttpError.PayloadTooLarge({ limit: "1 GB" })))
          }
          const restored = await restore(archive, { keepPrevious })
          if (restored._tag === "InvalidBackup")
            return answer(ErrorResponse.single(422, "INVALID_BACKUP", restored.message))
          const { _tag, ...body } = restored
          return context.respond(req, res, Either.right(Reply.json(200, body)))
        })
        // The server's failure (500, its cause logged with the fingerprint), never the caller's.
        .catch((error) =>
          answer(ErrorResponse.internal(error instanceof Error ? (error.stack ?? error.message) : String(error)))
        )
    })
  }

  app.post(
    "/operator/run",
    serve(
      (body, req) =>
        Effect.gen(function* () {
          const request = yield* Input.body(RunRequest, body)
          const operation = Catalog.byId.get(request.operation)
          if (operation === undefined || operation.guard === "session" || operation.guard === "public") {
            return yield* ValidationFailed.single("operation", "is not an operation the operator runs")
          }
          // An operation's input as any struct of fields, as the routes decode it.
          const input = yield* Input.body(
            operation.input as unknown as Schema.Schema<object, Readonly<Record<string, unknown>>>,
            request.input ?? {}
          )
          const client = { userAgent: req.get("user-agent"), ip: req.ip }
          const caller =
            operation.guard === "organization"
              ? request.organizationId === undefined
                ? yield* ValidationFailed.single("organizationId", "is required: the operation acts in an organization")
                : { access: { actor: Actor.operator, organizationId: request.organizationId }, client }
              : { actor: Actor.operator, client }
          const output = yield* Operation.runAny(operation, caller as Operation.Caller<Operation.Guard>, input).pipe(
            Effect.provideService(PublicUrl.Base, request.publicUrl ?? options.publicUrl)
          )
          return Reply.json(200, { output: output ?? null })
        }) as Effect.Effect<Reply.Reply, ErrorResponse.KnownError, Route.UseCases>
    )
  )
}
