/**
 * One operation under load: autocannon at a fixed concurrency for a fixed time, each request made by
 * `next` (so that reads spread over many members and writes alternate), after a short warm-up.
 */
import autocannon from "autocannon"

export interface Call {
  readonly method: "GET" | "PUT" | "POST"
  /** Path and query string. */
  readonly path: string
  readonly body?: unknown
  /** Another organization's token than the run's (writes spread over organizations). */
  readonly token?: string
}

export type Phase = "warmup" | "measured"

export interface Measured {
  readonly requestsPerSecond: number
  readonly p99Ms: number
  readonly requests: number
  /** Answers other than 2xx, and connection errors and timeouts: a run with any is flagged. */
  readonly failures: number
}

export interface Options {
  readonly connections: number
  readonly seconds: number
  readonly warmupSeconds: number
}

const run = (url: string, token: string, next: () => Call, connections: number, seconds: number) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        requests: [
          {
            setupRequest: (request) => {
              const call = next()
              return {
                ...request,
                method: call.method,
                path: call.path,
                headers: {
                  authorization: call.token ?? token,
                  ...(call.body === undefined ? {} : { "content-type": "application/json" })
                },
                ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) })
              }
            }
          }
        ]
      },
      (error, result) => (error ? reject(error) : resolve(result))
    )
  })

/**
 * `calls("warmup")` first, then `calls("measured")`: writes warm up on members of their own, since
 * the requests in flight when a run stops are cut, and a change lost that way would leave its member
 * out of step with the calls that follow.
 */
export const measure = async (
  url: string,
  token: string,
  calls: (phase: Phase) => () => Call,
  options: Options
): Promise<Measured> => {
  if (options.warmupSeconds > 0) await run(url, token, calls("warmup"), options.connections, options.warmupSeconds)
  const result = await run(url, token, calls("measured"), options.connections, options.seconds)
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts
  }
}
