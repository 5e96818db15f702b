/**
 * Failures of the HTTP layer itself, next to the domain's: no such route, wrong method, body too
 * large, too many requests.
 */
import * as Schema from "effect/Schema"

export class RouteNotFound extends Schema.TaggedError<RouteNotFound>()("RouteNotFound", {
  method: Schema.String,
  path: Schema.String
}) {
  override get message() {
    return `No route ${this.method} ${this.path}`
  }
}

export class MethodNotAllowed extends Schema.TaggedError<MethodNotAllowed>()("MethodNotAllowed", {
  method: Schema.String,
  path: Schema.String,
  allow: Schema.Array(Schema.String)
}) {
  override get message() {
    return `${this.method} is not allowed on ${this.path}; use ${this.allow.join(", ")}`
  }
}

export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", {
  limit: Schema.String
}) {
  override get message() {
    return `The request body is larger than the ${this.limit} limit`
  }
}

/** Too many sign-in requests from one address (`App.Options.signInRateLimit`). */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  retryAfterSeconds: Schema.Int
}) {
  override get message() {
    return `Too many sign-in requests from your address; try again in ${this.retryAfterSeconds} seconds`
  }
}

export type HttpError = RouteNotFound | MethodNotAllowed | PayloadTooLarge | RateLimited
