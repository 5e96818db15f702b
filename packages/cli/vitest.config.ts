import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The whole workspace's suites run at once on two cores: leave room for a slow moment.
    testTimeout: 20_000,
    hookTimeout: 120_000
  }
})
