/**
 * What every package's vitest.config.ts shares. Workspace packages resolve through their
 * "@roster/source" export condition to their TypeScript sources (as `tsc` does, see
 * tsconfig.base.json), so tests never need a build and never run a stale `dist/`.
 */
import { defaultServerConditions } from "vite"

// A list given to Vite replaces its defaults: keep them after ours ("module" left out, as vitest does).
const conditions = ["@roster/source", ...defaultServerConditions.filter((condition) => condition !== "module")]

/** Spread into `defineConfig({ ... })`: `resolve` for Vite's resolver, `ssr` for the test workers. */
export const sourceResolution = {
  resolve: { conditions },
  ssr: { resolve: { conditions } }
}
