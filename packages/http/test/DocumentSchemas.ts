/**
 * Checks a response against the schema the OpenAPI document names for it (by method, path template
 * and status), so that the published document is held to what the server really answers: a status
 * the document does not list for the operation fails the check.
 */
import { Ajv2020 } from "ajv/dist/2020.js"
import addFormats from "ajv-formats"
import { App, OpenApi } from "../src/index.js"

const pointer = (segment: string) => encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"))

export const make = (document: Record<string, unknown> = OpenApi.make(App.routes(App.defaultPublicUrl))) => {
  const ajv = new Ajv2020({ allErrors: true, strict: false })
  addFormats.default(ajv)
  ajv.addSchema({ ...document, $id: "roster" })
  const templates = Object.keys(document.paths as object).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`)
  }))
  return {
    /** Throws unless `body` matches the documented schema of this response; true when one was documented. */
    assert: (method: string, pathname: string, status: number, body: unknown): boolean => {
      const found = templates.find(({ pattern }) => pattern.test(pathname))
      if (found === undefined) throw new Error(`${method} ${pathname} is not in the OpenAPI document`)
      const operation = (document.paths as any)[found.template][method.toLowerCase()]
      if (operation === undefined) throw new Error(`${method} ${found.template} is not in the OpenAPI document`)
      const documented = operation.responses[String(status)]
      if (documented === undefined) throw new Error(`${method} ${found.template} documents no ${status}`)
      const media = Object.keys(documented.content ?? {})[0]
      if (media === undefined) return false
      const path = [
        "paths",
        found.template,
        method.toLowerCase(),
        "responses",
        String(status),
        "content",
        media,
        "schema"
      ]
      const validate = ajv.getSchema(`roster#/${path.map(pointer).join("/")}`)
      if (validate === undefined) throw new Error(`No schema at ${path.join("/")}`)
      if (!validate(body)) {
        throw new Error(
          `${method} ${pathname} ${status} does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body, null, 2)}`
        )
      }
      return true
    }
  }
}
