/**
 * Just enough of the tar format (ustar, 512-byte blocks) to check and trim the archives PGlite
 * makes of its data directory (`dumpDataDir`): each entry's header is read and its checksum
 * verified, and entries can be left out by copying the others' blocks as they are.
 */

const block = 512

export interface Entry {
  /** As stored: PGlite's start with "/", relative to the data directory. */
  readonly name: string
  /** "0" a file, "5" a directory, … */
  readonly type: string
  readonly size: number
  /** Where its header starts; its data follows it. */
  readonly offset: number
  /** Where the next header starts. */
  readonly end: number
}

/** A tar archive that cannot be read: `reason` says where and why. */
export class Malformed extends Error {}

const decoder = new TextDecoder("utf-8", { fatal: false })

const field = (header: Uint8Array, start: number, length: number): string => {
  const bytes = header.subarray(start, start + length)
  const nul = bytes.indexOf(0)
  return decoder.decode(nul === -1 ? bytes : bytes.subarray(0, nul))
}

const octal = (header: Uint8Array, start: number, length: number): number | undefined => {
  const text = field(header, start, length).trim()
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : undefined
}

const isZero = (bytes: Uint8Array): boolean => bytes.every((byte) => byte === 0)

/** Whether `bytes` begin with a tar header (ustar's magic, and its checksum right). */
export const begins = (bytes: Uint8Array): boolean =>
  bytes.length >= block && field(bytes, 257, 5) === "ustar" && checksumOk(bytes.subarray(0, block))

const checksumOk = (header: Uint8Array): boolean => {
  // The checksum counts its own field as eight spaces.
  let sum = 8 * 0x20
  for (let i = 0; i < block; i++) if (i < 148 || i >= 156) sum += header[i]!
  return octal(header, 148, 8) === sum
}

/** Every entry of `tar`, in order. Throws `Malformed` for anything that is not a whole tar archive. */
export const entries = (tar: Uint8Array): ReadonlyArray<Entry> => {
  const found: Array<Entry> = []
  let offset = 0
  for (;;) {
    if (offset + block > tar.length) throw new Malformed(`it ends inside an entry (at byte ${offset})`)
    const header = tar.subarray(offset, offset + block)
    if (isZero(header)) return found
    if (!checksumOk(header)) {
      throw new Malformed(`entry ${found.length + 1} has a header whose checksum is wrong (at byte ${offset})`)
    }
    const size = octal(header, 124, 12)
    if (size === undefined) throw new Malformed(`entry ${found.length + 1} has no size (at byte ${offset})`)
    const end = offset + block + Math.ceil(size / block) * block
    if (end > tar.length) throw new Malformed(`it ends inside an entry (at byte ${offset})`)
    found.push({ name: field(header, 0, 100), type: field(header, 156, 1) || "0", size, offset, end })
    offset = end
  }
}

/** An entry's data. */
export const data = (tar: Uint8Array, entry: Entry): Uint8Array =>
  tar.subarray(entry.offset + block, entry.offset + block + entry.size)

/** `tar` without the entries `leaveOut` names; the others' blocks as they were. */
export const without = (tar: Uint8Array, leaveOut: (entry: Entry) => boolean): Uint8Array => {
  const all = entries(tar)
  const kept = all.filter((entry) => !leaveOut(entry))
  if (kept.length === all.length) return tar
  const length = kept.reduce((total, entry) => total + entry.end - entry.offset, 0) + 2 * block
  const out = new Uint8Array(length)
  let at = 0
  for (const entry of kept) {
    out.set(tar.subarray(entry.offset, entry.end), at)
    at += entry.end - entry.offset
  }
  // The rest is zeros: the two empty blocks that end an archive.
  return out
}
