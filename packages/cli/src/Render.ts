/**
 * Text for people: tables drawn with cli-table3, coloured only when asked, and as wide as the
 * terminal at most: the widest columns give way first, and what does not fit is cut with `…`
 * (`--wide`, or output that is not a terminal, draws every cell whole).
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

/** `width`: the terminal's columns, which tables fit in; none, every cell whole. */
export const make = (color: boolean, width?: number): Renderer => {
  const colors = picocolors.createColors(color)
  const style = { head: [], border: [] }
  const cell = (value: Cell): string => (value === null || value === undefined || value === "" ? none : String(value))
  return {
    table: (head, rows) => {
      const cells = rows.map((row) => row.map(cell))
      const widths = width === undefined ? undefined : fit([head, ...cells], width)
      const table = new Table({
        head: head.map((name) => colors.cyan(name)),
        style,
        ...(widths === undefined ? {} : { colWidths: widths })
      })
      for (const row of cells) table.push(row)
      return table.toString()
    },
    record: (entries) => {
      const cells = entries.map(([key, value]) => [key, cell(value)])
      const widths = width === undefined ? undefined : fit(cells, width)
      const table = new Table({ style, ...(widths === undefined ? {} : { colWidths: widths }) })
      for (const [key, value] of cells) table.push({ [colors.cyan(key!)]: value! })
      return table.toString()
    }
  }
}

/** The narrowest a column is cut to: a few characters and the `…`. */
const narrowest = 8

/** How many columns a line takes on a terminal (code points; wide characters are rare here). */
const lengthOf = (text: string) => [...text].length

/**
 * The width of each column (padding included, as cli-table3 counts) so that the table, borders
 * included, takes at most `width` columns; undefined when it fits as it is. The widest column
 * gives way first, down to `narrowest` (or its own width when that is less).
 */
export const fit = (rows: ReadonlyArray<ReadonlyArray<string>>, width: number): Array<number> | undefined => {
  const count = Math.max(0, ...rows.map((row) => row.length))
  const natural = Array.from(
    { length: count },
    (_, column) => Math.max(1, ...rows.flatMap((row) => (row[column] ?? "").split("\n").map(lengthOf))) + 2 // padding
  )
  // Every column has a border on its left, and the last one on its right too.
  const room = width - (count + 1)
  if (natural.reduce((sum, each) => sum + each, 0) <= room) return undefined
  const widths = [...natural]
  while (widths.reduce((sum, each) => sum + each, 0) > room) {
    const widest = widths.indexOf(Math.max(...widths))
    if (widths[widest]! <= narrowest + 2) break
    widths[widest] = widths[widest]! - 1
  }
  return widths
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
