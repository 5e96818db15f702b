/**
 * Checks every answer of the org-user-admin surface against its OpenAPI document (the vendored
 * reference, as served): the path and method are the document's, the status is one it lists for
 * that operation (or one of the deviations below, each stated in docs/DESIGN.md), and the body
 * matches the schema it names — exactly: no property the document does not declare, and every one
 * the surface always sends present. Every failure is an `ErrorRespDto` whose `error_code` starts
 * with its status, with Roster's code, problems and fingerprint in `payload`.
 */
import { Ajv } from "ajv"
import { expect } from "vitest"
import document from "../contract/org-user-admin.openapi.json" with { type: "json" }
import type * as HttpClient from "./HttpClient.js"

/** The properties the surface always sends, by schema (the document makes none required). */
const alwaysPresent: Readonly<Record<string, ReadonlyArray<string>>> = {
  ErrorRespDto: ["error_code", "error_message", "error_description", "payload"],
  CreateUserRespDto: ["user_id"],
  MagicLinkRespDto: ["url"],
  PaginatedItemGetUserRespDto: ["items", "has_more"],
  GetUserRespDto: ["id", "email"]
}

/**
 * Statuses the surface answers that the document does not list for the operation: 422 where the
 * operation refuses what it was asked (the list's malformed `offset`, `size` or `q`; the lifecycle
 * refusing a delete, disable or enable). Any path answers 405 to a method it lacks, any body over
 * 1 MB is 413.
 */
export const deviations: Readonly<Record<string, ReadonlyArray<number>>> = {
  "GET /v1/org/{orgId}/user": [422],
  "POST /v1/org/{orgId}/user/{userId}/delete": [422],
  "POST /v1/org/{orgId}/user/{userId}/disable": [422],
  "POST /v1/org/{orgId}/user/{userId}/enable": [422]
}

const anywhere = [405, 413]

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const exact = (schemas: Record<string, any>): Record<string, any> =>
  Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [
      name,
      { ...schema, additionalProperties: false, required: [...(schema.required ?? []), ...(alwaysPresent[name] ?? [])] }
    ])
  )

const paths = document.paths as Record<string, Record<string, any>>

const templates = Object.keys(paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`)
}))

/** The document's path template for `pathname`, if it has one. */
export const templateOf = (pathname: string): string | undefined =>
  templates.find(({ pattern }) => pattern.test(pathname))?.template

export const make = () => {
  const ajv = new Ajv({ allErrors: true, strict: false })
  ajv.addSchema({ $id: "org-user-admin", components: { schemas: exact(document.components.schemas) } })
  const validate = (name: string, body: unknown, where: string) => {
    const check = ajv.getSchema(`org-user-admin#/components/schemas/${name}`)
    if (check === undefined) throw new Error(`No schema ${name}`)
    if (!check(body)) {
      throw new Error(
        `${where} does not match ${name}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(body, null, 2)}`
      )
    }
  }

  const expectError = (where: string, status: number, reply: HttpClient.Reply, method: string) => {
    // HEAD has no body to check.
    if (method === "HEAD") return
    expect(reply.headers.get("content-type"), where).toBe("application/json")
    validate("ErrorRespDto", reply.json, where)
    const { error_code, payload } = reply.json
    expect(Math.floor(error_code / 100), `${where}: error_code ${error_code}`).toBe(status)
    expect(payload, where).toEqual({
      code: expect.any(String),
      errors: expect.arrayContaining([{ code: expect.any(String), message: expect.any(String) }]),
      fingerprint: expect.stringMatching(uuid)
    })
    expect(Object.keys(payload).sort(), where).toEqual(["code", "errors", "fingerprint"])
    if (status === 401) expect(reply.headers.get("www-authenticate"), where).toBe('Bearer realm="roster"')
  }

  return {
    /** Throws unless this answer of the surface is one its document allows, as stated above. */
    assert: (method: string, pathname: string, reply: HttpClient.Reply): void => {
      const where = `${method} ${pathname} ${reply.status}`
      const template = templateOf(pathname)
      // HEAD is the GET without its body.
      const operation =
        template === undefined ? undefined : paths[template]![method === "HEAD" ? "get" : method.toLowerCase()]
      if (operation === undefined) {
        // No such path (404), or not with this method (405; OPTIONS lists the methods).
        if (method === "OPTIONS" && template !== undefined) {
          expect(reply.status, where).toBe(204)
          return
        }
        expect(reply.status, where).toBe(template === undefined ? 404 : 405)
        expectError(where, reply.status, reply, method)
        return
      }
      const documented = operation.responses[String(reply.status)]
      if (documented === undefined) {
        const allowed = [...anywhere, ...(deviations[`${method} ${template}`] ?? [])]
        expect(allowed, `${where}: the document lists ${Object.keys(operation.responses).join(", ")}`).toContain(
          reply.status
        )
        expectError(where, reply.status, reply, method)
        return
      }
      if (reply.status >= 400) {
        expectError(where, reply.status, reply, method)
        return
      }
      if (method === "HEAD") return
      const media = documented.content?.["application/json"]
      if (media === undefined) {
        expect(reply.text, where).toBe("")
        return
      }
      expect(reply.headers.get("content-type"), where).toBe("application/json")
      validate(String(media.schema.$ref).split("/").at(-1)!, reply.json, where)
    }
  }
}
