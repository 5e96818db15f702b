import { defineConfig } from "vitest/config"
import { sourceResolution } from "../../vitest.shared.js"

export default defineConfig({
  ...sourceResolution,
  test: {
    include: ["test/**/*.test.ts"],
    // The suites run the built apps: build them first (a cached no-op when nothing changed).
    globalSetup: ["../server/test/BuiltApps.ts"],
    // Each `roster` invocation is a process that opens the embedded database (seconds each; the
    // first, on an empty data directory, runs initdb). Times stretch threefold on a busy two-core
    // machine (turbo runs every suite at once), hence the margin.
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
