/**
 * A client that sends a large body in chunks and reads the answer only once the whole body is sent,
 * as simple clients do. With `answeredAfter`, it sends that many chunks, waits for the answer to
 * arrive (unread), then sends the rest: the server has answered while the client was still sending.
 */
import * as Http from "node:http"

export interface Options {
  readonly url: string
  readonly method?: string
  readonly headers?: Http.OutgoingHttpHeaders
  readonly agent?: Http.Agent
  readonly bytes: number
  readonly chunkBytes?: number
  readonly answeredAfter?: number
}

export interface Answer {
  readonly status: number
  readonly headers: Http.IncomingHttpHeaders
  readonly text: string
}

export const send = async (options: Options): Promise<Answer> => {
  const chunk = Buffer.alloc(options.chunkBytes ?? 64 * 1024, "x")
  const chunks = Math.ceil(options.bytes / chunk.length)
  const request = Http.request(options.url, {
    method: options.method ?? "POST",
    headers: options.headers,
    ...(options.agent === undefined ? {} : { agent: options.agent })
  })
  const failed = new Promise<never>((_, reject) => request.on("error", reject))
  const answered = new Promise<Http.IncomingMessage>((resolve) =>
    request.on("response", (response) => {
      // Left unread until the whole body is sent.
      response.pause()
      resolve(response)
    })
  )
  const write = async (count: number) => {
    for (let i = 0; i < count; i++) {
      await Promise.race([
        failed,
        new Promise<void>((done, fail) => request.write(chunk, (error) => (error ? fail(error) : done())))
      ])
    }
  }
  const first = options.answeredAfter ?? chunks
  await write(first)
  if (options.answeredAfter !== undefined) await Promise.race([answered, failed])
  await write(chunks - first)
  await Promise.race([failed, new Promise<void>((done) => request.end(done))])
  const response = await Promise.race([answered, failed])
  let text = ""
  response.setEncoding("utf8")
  for await (const part of response) text += part
  return { status: response.statusCode!, headers: response.headers, text }
}
