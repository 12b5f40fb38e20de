import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/mongod";

describe("scripts/check-dist.sh", () => {
  it("looks at the files inside every dist/ (its pathspec is not vacuous)", () => {
    const script = readFileSync(path.join(repoRoot, "scripts/check-dist.sh"), "utf8");
    const pathspecs = [...script.matchAll(/'(:\(glob\)[^']+)'/g)].map((m) => m[1] ?? "");
    expect(pathspecs.length).toBeGreaterThan(0);
    const files = execFileSync("git", ["ls-files", "--", ...pathspecs], { cwd: repoRoot, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    for (const action of [
      "detect-labels",
      "enforce-lock",
      "restore-snapshot",
      "post-preview-comment",
      "trigger-producer",
    ]) {
      expect(files).toContain(`actions/${action}/dist/index.js`);
    }
    expect(files).toContain("packages/cli/dist/index.js");
    expect(files.some((f) => /\/dist\/\d+\.index\.js$/.test(f))).toBe(true);
  });

  it("lazy chunks have content-derived ids (no webpack ids that change between builds)", () => {
    const files = execFileSync("git", ["ls-files", "--", ":(glob)actions/*/dist/*.index.js"], {
      cwd: repoRoot,
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean);
    for (const f of files) expect(path.basename(f), f).toMatch(/^\d{5}\.index\.js$/);
  });
});
