import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each `roster` invocation is a process that opens the embedded database (seconds each; the
    // first, on an empty data directory, runs initdb). Times stretch threefold on a busy two-core
    // machine (turbo runs every suite at once), hence the margin.
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
