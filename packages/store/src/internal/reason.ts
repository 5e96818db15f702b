/**
 * Turns what a driver threw into one line a person can act on. `SqlError`s wrap the driver's
 * error, and Node reports a refused connection to `localhost` as an `AggregateError` with an
 * empty message (one error per address), so both are unwrapped.
 */
export const describe = (error: unknown): string => {
  const seen = new Set<unknown>()
  let current: unknown = error
  while (isRecord(current) && !seen.has(current)) {
    seen.add(current)
    const message = typeof current.message === "string" ? current.message.trim() : ""
    // Prefer the innermost driver message over SqlError's generic "Failed to execute statement".
    if (current._tag === "SqlError" && current.cause !== undefined) {
      current = current.cause
      continue
    }
    if (message !== "") return message
    if (Array.isArray(current.errors) && current.errors.length > 0) {
      const inner = current.errors.map(describe).filter((_) => _ !== "")
      if (inner.length > 0) return [...new Set(inner)].join("; ")
    }
    if (typeof current.code === "string") return current.code
    if (current.cause === undefined) break
    current = current.cause
  }
  return typeof error === "string" && error !== "" ? error : "unknown error"
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null
