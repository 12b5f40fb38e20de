import { describe, expect, it } from "vitest";
import { UserError } from "../errors";
import { judgeExpectedRun, parseExpectSha, type StaleJobFacts } from "./stale-job";

const A = "a".repeat(40);
const B = "b".repeat(40);
const at = new Date("2026-11-24T10:00:00Z");
const facts = (f: Partial<StaleJobFacts>): StaleJobFacts => ({
  command: "restore",
  expectSha: A,
  database: "shop_pr_7",
  initialized: true,
  ...f,
});

describe("the stale-Job verdict", () => {
  it("skips a restore or reset already applied for this commit, and only that", () => {
    const applied = { _id: "applied" as const, sha: A, command: "restore" as const, at };
    expect(judgeExpectedRun(facts({ applied })).run).toBe("skip");
    expect(judgeExpectedRun(facts({ applied, command: "reset" })).run).toBe("proceed");
    expect(judgeExpectedRun(facts({ applied, expectSha: B })).run).toBe("proceed");
    // A drop is never "already applied": it leaves no database to record it in.
    expect(judgeExpectedRun(facts({ applied: { ...applied, command: "reset" }, command: "drop" })).run).toBe(
      "proceed",
    );
  });

  it("refuses every command on a locked database with data, and says how to unlock", () => {
    const lock = { _id: "lock" as const, locked: true, sha: B, at };
    for (const command of ["restore", "reset", "drop"] as const) {
      const v = judgeExpectedRun(facts({ command, lock }));
      expect(v.run).toBe("refuse");
      expect(v.reason).toMatch(
        new RegExp(`^Refusing to ${command} shop_pr_7: it is locked .*bbbbbbb.*Nothing was changed`),
      );
      expect(v.reason).toMatch(/Remove the lock label/);
    }
  });

  it("fills a locked database that holds no data yet (first deploy), and ignores an unlocked record", () => {
    const lock = { _id: "lock" as const, locked: true, sha: B, at };
    expect(judgeExpectedRun(facts({ lock, initialized: false })).run).toBe("proceed");
    expect(judgeExpectedRun(facts({ lock: { ...lock, locked: false } })).run).toBe("proceed");
  });

  it("a re-run of the last applied Job is a no-op even under the lock (nothing would change)", () => {
    const lock = { _id: "lock" as const, locked: true, sha: B, at };
    const applied = { _id: "applied" as const, sha: A, command: "restore" as const, at };
    expect(judgeExpectedRun(facts({ lock, applied })).run).toBe("skip");
  });

  it("accepts full or abbreviated commit ids only", () => {
    expect(parseExpectSha(` ${A.toUpperCase()} `)).toBe(A);
    expect(parseExpectSha("4f2a9c1")).toBe("4f2a9c1");
    for (const bad of ["", "4f2a9c", "main", "g".repeat(40), "a".repeat(41)])
      expect(() => parseExpectSha(bad), bad).toThrow(UserError);
  });
});
