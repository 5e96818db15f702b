/**
 * Where handed-out links (magic links, email verification) point: the front end's address, an
 * http(s) URL without a query or a fragment (the link appends a path and `#token=…`).
 */
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
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

/**
 * The public URL links are made on, as the application is configured (the server's, or the CLI's
 * `--public-url`): operations that hand out a link read it here, so that they answer the whole URL
 * whichever surface runs them. Provide it with `layer`.
 */
export class Base extends Context.Tag("@roster/domain/PublicUrl")<Base, string>() {}

export const layer = (publicUrl: string): Layer.Layer<Base> => Layer.succeed(Base, publicUrl)
