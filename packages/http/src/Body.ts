/**
 * Reading a request's JSON body, after the caller has been authenticated and authorized: nobody
 * unknown can make the server buffer a megabyte, and a malformed body never hides a 401 or a 403.
 */
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

const isJson = (req: express.Request): boolean => req.is(["application/json", "application/*+json"]) !== false

const invalid = (message: string) => ValidationFailed.single("body", message)

interface ParserError {
  readonly type?: unknown
  readonly charset?: unknown
  readonly encoding?: unknown
}

export const make = (options: { readonly limit: string; readonly limitText: string }): Reader => {
  // Strict JSON is off so that `null` or `"text"` reach the schema, which says "must be a JSON object".
  const parse = express.json({ limit: options.limit, strict: false, type: () => true })
  return (req, res) => {
    if (!hasBody(req)) return Effect.succeed(absent)
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
          default:
            return resume(Effect.die(error))
        }
      })
    })
  }
}
