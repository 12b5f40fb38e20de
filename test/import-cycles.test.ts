import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findCycles, importGraph, sourceFiles } from "../scripts/import-cycles";
import { repoRoot } from "./support/mongod";

describe("import graph of the TypeScript sources", () => {
  const graph = importGraph(repoRoot);

  it("covers every package, action, test and script, and resolves the workspace alias", () => {
    const files = [...graph.keys()];
    expect(files.length).toBeGreaterThan(80);
    for (const f of [
      "packages/core/src/names.ts",
      "packages/cli/src/cli.ts",
      "actions/enforce-lock/src/run.ts",
      "test/support/github-stand-in.ts",
      "scripts/readme-blocks.ts",
    ])
      expect(files).toContain(f);
    expect(files.some((f) => f.includes("/dist/") || f.includes("node_modules"))).toBe(false);
    // `@pr-snapshots/core/names` and a dynamic import() are both edges.
    expect(graph.get("actions/enforce-lock/src/inputs.ts")).toContain("packages/core/src/names.ts");
    expect(graph.get("actions/trigger-producer/src/run.ts")).toContain(
      "actions/trigger-producer/src/direct.ts",
    );
  });

  it("has no cycles", () => {
    expect(findCycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });

  it("finds a cycle through a type-only import, a re-export and a dynamic import (negative control)", () => {
    const root = mkdtempSync(path.join(tmpdir(), "cycles-"));
    mkdirSync(path.join(root, "packages/core/src"), { recursive: true });
    mkdirSync(path.join(root, "actions/x/src"), { recursive: true });
    const write = (file: string, text: string) => writeFileSync(path.join(root, file), text);
    write("actions/x/src/run.ts", 'const m = await import(/* webpackChunkName: "d" */ "./direct");\n');
    write("actions/x/src/direct.ts", 'export type { T } from "./types";\n');
    write("actions/x/src/types.ts", 'import type { Outputs } from "./run";\n// import "./main"\n');
    write(
      "actions/x/src/main.ts",
      'import { a } from "@pr-snapshots/core/a";\nconst s = "import \'./run\'";\n',
    );
    write("packages/core/src/a.ts", 'import "./b";\n');
    write("packages/core/src/b.ts", 'export * from "./a";\n');
    const cycles = findCycles(importGraph(root, sourceFiles(root)));
    expect(cycles).toEqual([
      [
        "actions/x/src/direct.ts",
        "actions/x/src/types.ts",
        "actions/x/src/run.ts",
        "actions/x/src/direct.ts",
      ],
      ["packages/core/src/a.ts", "packages/core/src/b.ts", "packages/core/src/a.ts"],
    ]);
  });
});
