/** Option parsers shared by the commands. */

/** A repeatable option: `--status ACTIVE --status INACTIVE` → ["ACTIVE", "INACTIVE"]. */
export const collect = (value: string, previous: ReadonlyArray<string> | undefined): ReadonlyArray<string> => [
  ...(previous ?? []),
  value
]
