/**
 * The folders of `src` show the architecture: kernel ← model ← ports ← memory; api (the shapes) over model;
 * operations over all of them; testing over the ports.
 * A folder may import another only one way round, so that a cycle between folders cannot creep in,
 * and the domain imports `effect` and nothing else. `testing/` (the ports' contract, published as
 * `@roster/domain/testing`) sits above them all: it may import any folder and vitest, and nothing
 * imports it.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const src = fileURLToPath(new URL("../src", import.meta.url))

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith(".ts") ? [full] : []
  })

const specifiers = (file: string): ReadonlyArray<string> =>
  Array.from(fs.readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g), (match) => match[1]!)

const folderOf = (file: string) => path.relative(src, path.dirname(file)) || "."

/** The test kit's folder: only it may import a test runner. */
const testing = "testing"
const isTestRunner = (specifier: string) => ["@effect/vitest", "vitest"].includes(specifier)
const isEffect = (specifier: string) => specifier === "effect" || specifier.startsWith("effect/")

/** Every folder → the folders it imports from (type-only imports included: they couple as much). */
const folderGraph = () => {
  const graph = new Map<string, Set<string>>()
  for (const file of sourceFiles(src)) {
    const from = folderOf(file)
    const edges = graph.get(from) ?? new Set<string>()
    graph.set(from, edges)
    for (const specifier of specifiers(file)) {
      if (!specifier.startsWith(".")) continue
      const to = folderOf(path.resolve(path.dirname(file), specifier))
      if (to !== from) edges.add(to)
    }
  }
  return graph
}

/** The cycles of a graph, each as the path that closes it. */
const cycles = (graph: Map<string, Set<string>>): ReadonlyArray<ReadonlyArray<string>> => {
  const found: Array<ReadonlyArray<string>> = []
  const done = new Set<string>()
  const visit = (node: string, trail: ReadonlyArray<string>) => {
    const at = trail.indexOf(node)
    if (at !== -1) return void found.push([...trail.slice(at), node])
    if (done.has(node)) return
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node])
    done.add(node)
  }
  for (const node of graph.keys()) visit(node, [])
  return found
}

describe("the domain's layout", () => {
  it("has no cycle between folders", () => {
    expect(cycles(folderGraph())).toEqual([])
  })

  it("finds a cycle when there is one (self-check)", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["a"])]
    ])
    expect(cycles(graph).length).toBeGreaterThan(0)
  })

  it("imports effect and nothing else; testing/ imports vitest too", () => {
    const outside = sourceFiles(src).flatMap((file) =>
      specifiers(file)
        .filter((specifier) => !specifier.startsWith(".") && !isEffect(specifier))
        .filter((specifier) => !(isTestRunner(specifier) && folderOf(file).split(path.sep)[0] === testing))
        .map((specifier) => `${path.relative(src, file)}: ${specifier}`)
    )
    expect(outside).toEqual([])
  })

  it("has nothing import testing/: it is an entry of its own", () => {
    const importers = [...folderGraph()]
      .filter(
        ([from, to]) => from.split(path.sep)[0] !== testing && [...to].some((t) => t.split(path.sep)[0] === testing)
      )
      .map(([from]) => from)
    expect(importers).toEqual([])
  })
})
