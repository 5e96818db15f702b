import { defineConfig } from "vitest/config"
import { sourceResolution } from "../../vitest.shared.js"

export default defineConfig({
  ...sourceResolution,
  test: {
    include: ["test/**/*.test.ts"],
    // Opening PGlite takes about a second (a fresh cluster several); a server suite adds round trips.
    testTimeout: 30_000,
    hookTimeout: 120_000
  }
})
