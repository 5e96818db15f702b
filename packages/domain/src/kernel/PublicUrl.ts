/**
 * Where handed-out links (magic links, email verification) point: the front end's address, an
 * http(s) URL without a query or a fragment (the link appends a path and `#token=…`).
 */
import * as Schema from "effect/Schema"

export const isPublicUrl = (text: string): boolean => {
  try {
    const url = new URL(text)
    return (url.protocol === "http:" || url.protocol === "https:") && url.search === "" && url.hash === ""
  } catch {
    return false
  }
}

export const PublicUrl = Schema.String.pipe(
  Schema.filter(isPublicUrl, { message: () => "must be an http:// or https:// URL without a query or a fragment" })
)

/** A link to `path` on the front end, the secret in its fragment (never sent to a server, nor in a Referer). */
export const link = (publicUrl: string, path: string, secret: string): string =>
  `${publicUrl.replace(/\/+$/, "")}${path}#token=${secret}`
