/**
 * Reading a request's JSON body, after the caller has been authenticated and authorized: nobody
 * unknown can make the server buffer a megabyte, and a malformed body never hides a 401 or a 403.
 */
import { isUtf8 } from "node:buffer"
import { ValidationFailed } from "@roster/domain"
import * as Effect from "effect/Effect"
import express from "express"
import * as HttpError from "./HttpError.js"

/** The body as sent: absent, or parsed JSON of any shape (the route's schema decides what it accepts). */
export type Body = { readonly _tag: "Absent" } | { readonly _tag: "Json"; readonly value: unknown }

export type Reader = (
  req: express.Request,
  res: express.Response
) => Effect.Effect<Body, ValidationFailed | PayloadTooLarge>

type PayloadTooLarge = HttpError.PayloadTooLarge

const absent: Body = { _tag: "Absent" }

/** Whether the request carries body bytes at all; an explicit `Content-Length: 0` does not. */
const hasBody = (req: express.Request): boolean =>
  req.headers["transfer-encoding"] !== undefined ||
  (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0")

/** Whether body bytes are still on their way: an answer now leaves them unread. */
export const pending = (req: express.Request): boolean => !req.complete && hasBody(req)

const isJson = (req: express.Request): boolean => req.is(["application/json", "application/*+json"]) !== false

const invalid = (message: string) => ValidationFailed.single("body", message)

interface ParserError {
  readonly type?: unknown
  readonly charset?: unknown
  readonly encoding?: unknown
}

/** Thrown by the parser's `verify` hook for bytes that are not UTF-8 (which it would decode leniently). */
const notUtf8 = Object.assign(new Error("not UTF-8"), { status: 400 })

export const make = (options: {
  readonly limit: string
  readonly limitBytes: number
  readonly limitText: string
}): Reader => {
  // Strict JSON is off so that `null` or `"text"` reach the schema, which says "must be a JSON object".
  const parse = express.json({
    limit: options.limit,
    strict: false,
    type: () => true,
    // The bytes as received (after any Content-Encoding): JSON is UTF-8, and mangled text must not be stored.
    verify: (_req, _res, buffer) => {
      if (!isUtf8(buffer)) throw notUtf8
    }
  })
  return (req, res) => {
    if (!hasBody(req)) return Effect.succeed(absent)
    // Too large is too large, whatever its type: say so first.
    if (Number(req.headers["content-length"] ?? 0) > options.limitBytes) {
      return Effect.fail(new HttpError.PayloadTooLarge({ limit: options.limitText }))
    }
    if (!isJson(req)) {
      return Effect.fail(invalid("must be JSON: send it with Content-Type: application/json"))
    }
    return Effect.async<Body, ValidationFailed | PayloadTooLarge>((resume) => {
      parse(req, res, (error?: unknown) => {
        if (error === undefined || error === null) {
          resume(Effect.succeed({ _tag: "Json", value: req.body }))
          return
        }
        const { type, charset, encoding } = error as ParserError
        switch (type) {
          case "entity.too.large":
            return resume(Effect.fail(new HttpError.PayloadTooLarge({ limit: options.limitText })))
          case "entity.parse.failed":
            return resume(Effect.fail(invalid("is not valid JSON")))
          case "charset.unsupported":
            return resume(Effect.fail(invalid(`must be UTF-8 JSON; the charset ${String(charset)} is not supported`)))
          case "encoding.unsupported":
            return resume(
              Effect.fail(
                invalid(`Content-Encoding ${String(encoding)} is not supported; send gzip, deflate, br or none`)
              )
            )
          case "request.aborted":
          case "request.size.invalid":
            return resume(Effect.fail(invalid("was not received completely")))
          case "entity.verify.failed":
            return resume(Effect.fail(invalid("must be UTF-8: the bytes sent are not")))
          default:
            // A body that does not decompress: zlib and brotli errors carry no parser type.
            if (req.headers["content-encoding"] !== undefined) {
              return resume(
                Effect.fail(
                  invalid(`could not be decoded as Content-Encoding ${String(req.headers["content-encoding"])}`)
                )
              )
            }
            return resume(Effect.die(error))
        }
      })
    })
  }
}
