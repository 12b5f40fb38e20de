import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type Finding, judge, readAllowlist } from "../../scripts/security-lint";
import { repoRoot } from "../support/mongod";

const finding = (over: Partial<Finding> = {}): Finding => ({
  tool: "actionlint",
  rule: "syntax-check",
  file: ".github/workflows/pr-preview.yml",
  line: 121,
  message: 'unexpected key "queue" for "concurrency" section. expected one of "cancel-in-progress", "group"',
  ...over,
});

describe("scripts/security-lint.ts: the allow-list", () => {
  const entries = readAllowlist(readFileSync(path.join(repoRoot, ".ci/security-allowlist.yml"), "utf8"));

  it("every entry names the tool, the rule, the files and gives its reason", () => {
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThanOrEqual(6);
    for (const e of entries) expect(e.reason.length).toBeGreaterThan(80);
  });

  it("allows exactly what an entry names: same tool, rule, file and message part", () => {
    expect(judge([finding()], entries).open).toEqual([]);
    for (const other of [
      finding({ file: ".github/workflows/ci.yml" }),
      finding({ rule: "expression" }),
      finding({ tool: "zizmor" }),
      finding({ message: 'unexpected key "queues" for "concurrency" section' }),
      finding({ tool: "zizmor", rule: "artipacked", file: ".github/workflows/ci.yml", message: "x" }),
    ])
      expect(judge([other], entries).open).toEqual([other]);
  });

  it("an entry that matches nothing is reported, so the list cannot outlive its reason", () => {
    const { unused } = judge([finding()], entries);
    expect(unused.length).toBe(entries.length - 1);
  });

  it("refuses an entry without a reason or without files", () => {
    expect(() => readAllowlist("- tool: zizmor\n  rule: artipacked\n  file: a.yml\n")).toThrow(/reason/);
    expect(() =>
      readAllowlist("- tool: zizmor\n  rule: artipacked\n  reason: a reason long enough to be a sentence\n"),
    ).toThrow(/file/);
    expect(() => readAllowlist("tool: zizmor\n")).toThrow(/list/);
  });
});
