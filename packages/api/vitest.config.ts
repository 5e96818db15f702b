import { defineConfig } from "vitest/config"
import { sourceResolution } from "../../vitest.shared.js"

export default defineConfig({
  ...sourceResolution,
  test: {
    include: ["test/**/*.test.ts"],
    // The tests share no global state (every test builds its own layer), so one module graph for
    // all files saves loading effect once per file.
    isolate: false,
    testTimeout: 15_000
  }
})
