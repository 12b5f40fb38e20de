import { describe, expect, it } from "vitest";
import { TargetRefusedError } from "./errors";
import {
  assertPrefix,
  assertWritableTarget,
  illegalDatabaseName,
  prDatabaseName,
  protectMore,
  targetPolicy,
} from "./names";

const policy = targetPolicy({ prefix: "x", productionDatabase: "x_prod", protectedDatabases: ["x_staging"] });

function refusal(name: string, p = policy): TargetRefusedError {
  try {
    assertWritableTarget(name, p);
  } catch (error) {
    if (error instanceof TargetRefusedError) return error;
    throw error;
  }
  throw new Error(`${name} was accepted`);
}

describe("database names (CONTRACT §1)", () => {
  it("derives <prefix>_pr_<N>", () => {
    expect(prDatabaseName("shop", 42)).toBe("shop_pr_42");
    expect(() => prDatabaseName("shop", 0)).toThrow(/positive integer/);
    expect(() => prDatabaseName("shop", 1.5)).toThrow(/positive integer/);
    expect(() => prDatabaseName("Shop", 1)).toThrow(/prefix "Shop"/);
  });

  it("validates prefixes", () => {
    for (const ok of ["a", "shop", "my-app_2", "a1234567890123456789"]) expect(assertPrefix(ok)).toBe(ok);
    for (const bad of ["", "1app", "App", "a12345678901234567890", "my.app", "my app", "_x"]) {
      expect(() => assertPrefix(bad)).toThrow(/not valid/);
    }
  });

  it("accepts PR databases", () => {
    expect(assertWritableTarget("x_pr_7", policy)).toBe("x_pr_7");
    expect(assertWritableTarget("x_pr_123456", policy)).toBe("x_pr_123456");
  });

  it.each([
    ["admin", "protected"],
    ["local", "protected"],
    ["config", "protected"],
    ["x_prod", "protected"],
    ["x_snapshot", "protected"],
    ["x_staging", "protected"],
    ["x_pr_0", "pattern"],
    ["x_pr_012", "pattern"],
    ["x_pr_12a", "pattern"],
    ["y_pr_1", "pattern"],
    ["x_pr_", "pattern"],
    ["x_pr_1.a", "name"],
    ["x_pr_$1", "name"],
    ["x pr 1", "name"],
    ["x/pr", "name"],
    ["", "name"],
    [`x_pr_${"1".repeat(60)}`, "name"],
  ])("refuses %j (%s rule) naming the database", (name, rule) => {
    const e = refusal(name);
    expect(e.rule).toBe(rule);
    expect(e.message).toContain(`"${name}"`);
    expect(e.message).toMatch(/Nothing was changed/);
  });

  it("protection cannot be overridden by allowed-targets", () => {
    const p = targetPolicy({ prefix: "x", allowedTargets: [".*"], protectedDatabases: ["x_staging"] });
    expect(assertWritableTarget("anything", p)).toBe("anything");
    expect(refusal("admin", p).rule).toBe("protected");
    expect(refusal("x_snapshot", p).rule).toBe("protected");
    expect(refusal("x_staging", p).rule).toBe("protected");
  });

  it("allowed-targets patterns must match the whole name", () => {
    const p = targetPolicy({ prefix: "x", allowedTargets: ["x_staging"] });
    expect(assertWritableTarget("x_staging", p)).toBe("x_staging");
    expect(refusal("x_staging2", p).rule).toBe("pattern");
    expect(refusal("ax_staging", p).rule).toBe("pattern");
    expect(() => targetPolicy({ prefix: "x", allowedTargets: ["(unclosed"] })).toThrow(
      /not a valid regular expression/,
    );
  });

  it("can be widened with the production database named in snapshot metadata", () => {
    const p = protectMore(targetPolicy({ prefix: "x", allowedTargets: ["x_.*"] }), {
      x_live: "the production database",
    });
    expect(refusal("x_live", p).message).toMatch(/production database/);
  });

  it("knows MongoDB's name rules", () => {
    expect(illegalDatabaseName("ok_name")).toBeUndefined();
    expect(illegalDatabaseName("a".repeat(63))).toBeUndefined();
    expect(illegalDatabaseName("a".repeat(64))).toMatch(/64 bytes/);
    expect(illegalDatabaseName("é".repeat(32))).toMatch(/64 bytes/);
    expect(illegalDatabaseName("a\0b")).toMatch(/NUL/);
    for (const ch of ["/", "\\", ".", '"', "$", "*", "<", ">", ":", "|", "?"])
      expect(illegalDatabaseName(`a${ch}b`)).toBeDefined();
  });
});
