import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "actions/*/src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    // GitHub's workflow parser imports its JSON schemas without import attributes; let Vite load them.
    server: {
      deps: { inline: [/@actions\/workflow-parser/, /@actions\/languageservice/, /@actions\/expressions/] },
    },
  },
});
