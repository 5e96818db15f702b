import { defineConfig } from "vitest/config"
import { sourceResolution } from "../../vitest.shared.js"

export default defineConfig({
  ...sourceResolution,
  test: {
    include: ["test/**/*.test.ts"],
    // The suites run the built apps: build them first (a cached no-op when nothing changed).
    globalSetup: ["./test/BuiltApps.ts"],
    // The tests run the server as a process: a first start on an empty data directory runs initdb
    // (about 7 s on a quiet machine). Times stretch threefold on a busy two-core machine (turbo
    // runs every suite at once), hence the margin.
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
