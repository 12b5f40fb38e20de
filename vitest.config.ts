import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "actions/*/src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Two files at a time even on 2 cores: most of a file's time is spent waiting on child
    // processes, mongods and lease clocks, not computing; each file uses its own databases.
    maxWorkers: 2,
    testTimeout: 90_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    // GitHub's workflow parser imports its JSON schemas without import attributes; let Vite load them.
    server: {
      deps: { inline: [/@actions\/workflow-parser/, /@actions\/languageservice/, /@actions\/expressions/] },
    },
  },
});
