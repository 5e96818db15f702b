/**
 * Every request has an id: the client's `X-Request-Id` when it is one (1–128 characters of
 * `A–Z a–z 0–9 . _ : -`, so that it can go into a log line or a header as it is), else a new UUID;
 * a value that is not one is replaced, never echoed. The id goes back in the response's
 * `X-Request-Id`, into every log line of the request and into Roster's error bodies (`requestId`),
 * so that a client's report, a proxy's log and the server's log can be matched.
 */
import { randomUuid } from "@roster/domain"
import type express from "express"

export const header = "X-Request-Id"

const valid = /^[A-Za-z0-9._:-]{1,128}$/

/** The id a request with `given` (its `X-Request-Id`, if any) goes by. */
export const of = (given: string | undefined): string =>
  given !== undefined && valid.test(given) ? given : randomUuid()

const key = Symbol("requestId")

type Tagged = express.Request & { [key]?: string }

/** Gives the request its id and sets the response's header: mount it first. */
export const middleware: express.RequestHandler = (req, res, next) => {
  const id = of(req.get(header))
  ;(req as Tagged)[key] = id
  res.setHeader(header, id)
  next()
}

/** The id `middleware` gave `req` (a new one if it did not run). */
export const get = (req: express.Request): string => ((req as Tagged)[key] ??= of(undefined))
