import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/mongod";

describe("scripts/pin-refs.sh (release step)", () => {
  it("points every action and reusable-workflow reference at the release ref, and nothing else", () => {
    const copy = mkdtempSync(path.join(tmpdir(), "pin-"));
    for (const dir of ["scripts", ".github", "examples"])
      cpSync(path.join(repoRoot, dir), path.join(copy, dir), { recursive: true });
    execFileSync("bash", [path.join(copy, "scripts/pin-refs.sh"), "v2.0.1"]);
    const preview = readFileSync(path.join(copy, ".github/workflows/pr-preview.yml"), "utf8");
    const refs = [...preview.matchAll(/pr-snapshots\/pr-snapshots\/[^@\s]+@(\S+)/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(refs)).toEqual(new Set(["v2.0.1"]));
    expect(readFileSync(path.join(copy, "examples/typical/preview.yml"), "utf8")).toContain(
      "pr-preview.yml@v2.0.1",
    );
    expect(readFileSync(path.join(copy, ".github/workflows/ci.yml"), "utf8")).toContain(
      "actions/checkout@v4",
    );
    expect(() =>
      execFileSync("bash", [path.join(copy, "scripts/pin-refs.sh"), "v1; rm -rf /"], { stdio: "pipe" }),
    ).toThrow();
  });
});
