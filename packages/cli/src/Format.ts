/**
 * `--output table|json|csv|yaml` (`--json` is `--output json`): the same answer — the API's body —
 * as a person's table, JSON, CSV (one row per item of a list, nested fields as `profile.status`,
 * several values joined with `;`) or YAML. With `--all`, every page is written as it arrives:
 * JSON as one array, CSV under one header, YAML as one sequence (a table waits for every row).
 */
import { stringify as csv } from "csv-stringify/sync"
import { stringify as yaml } from "yaml"

export const formats = ["table", "json", "csv", "yaml"] as const
export type Format = (typeof formats)[number]

/** The items a CSV's rows are: a list's, a page's `content`, or the one thing answered. */
export const itemsOf = (answer: unknown): ReadonlyArray<unknown> => {
  if (Array.isArray(answer)) return answer
  if (typeof answer === "object" && answer !== null && Array.isArray((answer as { content?: unknown }).content)) {
    return (answer as { content: ReadonlyArray<unknown> }).content
  }
  return answer === undefined ? [] : [answer]
}

/** One item as a CSV row: nested fields by their dotted path, several values joined with `;`. */
const flatten = (value: unknown, prefix = "", into: Record<string, string> = {}): Record<string, string> => {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix === "" ? key : `${prefix}.${key}`, into)
    return into
  }
  into[prefix === "" ? "value" : prefix] =
    value === null || value === undefined
      ? ""
      : Array.isArray(value)
        ? value.map((item) => (typeof item === "object" ? JSON.stringify(item) : String(item))).join(";")
        : String(value)
  return into
}

/** Writes one answer, or a list page by page, in a format. */
export interface Writer {
  /** Some items of a list that `--all` reads page by page. */
  readonly items: (items: ReadonlyArray<unknown>) => string
  /** After the last page. */
  readonly end: () => string
}

/** The whole answer at once (not `table`, which views draw). */
export const whole = (format: Exclude<Format, "table">, answer: unknown): string => {
  switch (format) {
    case "json":
      return `${JSON.stringify(answer, null, 2)}\n`
    case "yaml":
      return yaml(answer ?? null)
    case "csv": {
      const rows = itemsOf(answer).map((item) => flatten(item))
      return rows.length === 0 ? "" : csv(rows, { header: true, columns: columnsOf(rows) })
    }
  }
}

/** Pages of items as they arrive, as one document (not `table`). */
export const streaming = (format: Exclude<Format, "table">): Writer => {
  let first = true
  let columns: ReadonlyArray<string> | undefined
  switch (format) {
    case "json":
      return {
        items: (items) =>
          items
            .map((item) => {
              const text = `${first ? "[\n" : ",\n"}${indent(JSON.stringify(item, null, 2))}`
              first = false
              return text
            })
            .join(""),
        end: () => (first ? "[]\n" : "\n]\n")
      }
    case "yaml":
      return {
        items: (items) => {
          if (items.length === 0) return ""
          first = false
          return yaml(items)
        },
        end: () => (first ? "[]\n" : "")
      }
    case "csv":
      return {
        items: (items) => {
          const rows = items.map((item) => flatten(item))
          if (rows.length === 0) return ""
          const header = columns === undefined
          columns ??= columnsOf(rows)
          return csv(rows, { header, columns: [...columns] })
        },
        end: () => ""
      }
  }
}

const columnsOf = (rows: ReadonlyArray<Record<string, string>>) => [...new Set(rows.flatMap(Object.keys))]

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n")
