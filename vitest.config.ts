import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "actions/*/src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    env: { PR_SNAPSHOTS_RETRY_BASE_MS: "20" },
  },
});
