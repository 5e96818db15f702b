/**
 * The RFC 8288 `Link` header of a list's answer that has a next page (`next` in its body): the
 * request's own query with `cursor` set to it, and `page` and `offset` left out (a cursor is given
 * alone). A relative reference (`<?…>`), resolved against the request's URL by the caller: this
 * server's path, whatever front end or prefix it sits behind.
 */
export const of = (output: unknown, search: URLSearchParams): Readonly<Record<string, string>> | undefined => {
  if (typeof output !== "object" || output === null || !("next" in output) || typeof output.next !== "string") {
    return undefined
  }
  const query = new URLSearchParams(search)
  query.delete("page")
  query.delete("offset")
  query.set("cursor", output.next)
  return { Link: `<?${query.toString()}>; rel="next"` }
}
