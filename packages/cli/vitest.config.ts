import { defineConfig } from "vitest/config"
import { sourceResolution } from "../../vitest.shared.js"

export default defineConfig({
  ...sourceResolution,
  test: {
    include: ["test/**/*.test.ts"],
    // The whole workspace's suites run at once on two cores: leave room for a slow moment.
    testTimeout: 20_000,
    hookTimeout: 120_000
  }
})
