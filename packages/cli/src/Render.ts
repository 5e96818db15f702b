/**
 * Text for people: tables drawn with cli-table3, coloured only when asked.
 * Colour is decided by the caller (a TTY, `--color`, `NO_COLOR`), so the table's own
 * colour detection is switched off and headers are coloured with picocolors forced on or off.
 */
import Table from "cli-table3"
import picocolors from "picocolors"

export type Cell = string | number | boolean | null | undefined

export interface Renderer {
  /** Rows under a header. */
  readonly table: (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>) => string
  /** One thing as `key │ value` lines. */
  readonly record: (entries: ReadonlyArray<readonly [string, Cell]>) => string
}

export const make = (color: boolean): Renderer => {
  const colors = picocolors.createColors(color)
  const style = { head: [], border: [] }
  const cell = (value: Cell): string => (value === null || value === undefined || value === "" ? none : String(value))
  return {
    table: (head, rows) => {
      const table = new Table({ head: head.map((name) => colors.cyan(name)), style })
      for (const row of rows) table.push(row.map(cell))
      return table.toString()
    },
    record: (entries) => {
      const table = new Table({ style })
      for (const [key, value] of entries) table.push({ [colors.cyan(key)]: cell(value) })
      return table.toString()
    }
  }
}

/** How an absent value shows. */
export const none = "-"

export const list = (values: ReadonlyArray<string>): string => (values.length === 0 ? none : values.join(", "))

/** Several values in one table cell, one a line, so that tables stay narrow. */
export const lines = (values: ReadonlyArray<string>): string => (values.length === 0 ? none : values.join("\n"))

export const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`

/**
 * "page 1 of 3, 45 users (next: --page 2)": pages count from 1 on the command line (the API's
 * `number`, which `--json` prints, counts from 0). Nothing at all is "0 users"; a page past the end
 * says so, and which is the last.
 */
export const pageLine = (
  page: { readonly number: number; readonly totalPages: number; readonly totalElements: number },
  noun: string
) => {
  const total = plural(page.totalElements, noun)
  if (page.totalElements === 0) return total
  if (page.number >= page.totalPages) {
    return `page ${page.number + 1} is past the last, page ${page.totalPages} (--page ${page.totalPages}), of ${total}`
  }
  const next = page.number + 1 < page.totalPages ? ` (next: --page ${page.number + 2})` : ""
  return `page ${page.number + 1} of ${page.totalPages}, ${total}${next}`
}
