import { describe, expect, it } from "vitest";
import { targetPolicy } from "../names";
import { DEFAULT_LABELS } from "../settings";
import { sweepCandidates } from "./candidates";
import { sweepCommentBody } from "./messages";

describe("sweepCandidates: only <prefix>_pr_<N> that pass the target rules", () => {
  const policy = targetPolicy({
    prefix: "syrf",
    productionDatabase: "syrf_prod",
    protectedDatabases: ["syrf_pr_13"],
  });
  const listed = [
    "admin",
    "local",
    "config",
    "syrf_prod",
    "syrf_snapshot",
    "syrf_pr_7",
    "syrf_pr_12",
    "syrf_pr_13",
    "syrf_pr_7_backup",
    "syrf_pr_07",
    "syrf_pr_0",
    "syrf_pr_",
    "syrf_pr_-1",
    "syrf_pr_1e3",
    "syrf_pr_١٢",
    "syrf_pr_2147483648",
    "syrf_pr_99999999999999999999",
    "SYRF_pr_8",
    "syrf_pr_9\nsyrf_pr_10",
    "syrf_pr_5|x",
    "other_pr_1",
    "syrfx_pr_3",
  ];

  it("takes the PR databases, numerically ordered, and ignores everything else", () => {
    const { candidates, ignored } = sweepCandidates(listed, "syrf", policy);
    expect(candidates).toEqual([
      { database: "syrf_pr_7", number: 7 },
      { database: "syrf_pr_12", number: 12 },
    ]);
    const why = Object.fromEntries(ignored.map((i) => [i.database, i.why]));
    expect(why.syrf_pr_13).toMatch(/protected \(listed in protected-databases\)/);
    expect(why.syrf_snapshot).toMatch(/protected \(the snapshot database\)/);
    expect(why.syrf_prod).toMatch(/protected \(the production database\)/);
    for (const name of [
      "syrf_pr_7_backup",
      "syrf_pr_07",
      "syrf_pr_0",
      "syrf_pr_",
      "syrf_pr_-1",
      "syrf_pr_1e3",
      "syrf_pr_١٢",
    ])
      expect(why[name], name).toMatch(/not named syrf_pr_<number>/);
    expect(why.syrf_pr_2147483648).toMatch(/cannot be a GitHub pull request number/);
    expect(why.syrf_pr_99999999999999999999).toMatch(/cannot be a GitHub pull request number/);
    expect(why["syrf_pr_9\nsyrf_pr_10"]).toMatch(/not named/);
    expect(why["syrf_pr_5|x"]).toMatch(/not named/);
    for (const name of ["admin", "local", "config", "other_pr_1", "syrfx_pr_3", "SYRF_pr_8"])
      expect(why).not.toHaveProperty(name);
  });

  it("narrower allowed-targets narrow the candidates too", () => {
    const narrow = targetPolicy({ prefix: "syrf", allowedTargets: ["syrf_pr_1[0-9]"] });
    expect(sweepCandidates(listed, "syrf", narrow).candidates.map((c) => c.database)).toEqual([
      "syrf_pr_12",
      "syrf_pr_13",
    ]);
  });
});

describe("the sweep's comments", () => {
  const ctx = {
    database: "syrf_pr_7",
    names: DEFAULT_LABELS,
    state: "closed" as const,
    closedAt: new Date("2026-11-01T10:00:00Z"),
    expiresAt: new Date("2026-12-01T10:00:00Z"),
    keepClosedDays: 30,
    now: new Date("2026-11-26T10:00:00Z"),
  };

  it("db-expiring: how to keep it longer (reopen, keep-closed-days) and how to delete it now (remove the lock)", () => {
    const body = sweepCommentBody("db-expiring", ctx);
    expect(body).toMatch(/on or after \*\*2026-12-01 10:00 UTC\*\* \(in 5 days\)/);
    expect(body).toMatch(/\*\*To keep it longer:\*\* reopen this pull request .* raise `keep-closed-days`/);
    expect(body).toMatch(/\*\*To delete it now:\*\* remove `persist-db`/);
  });

  it.each(["db-expiring", "db-expired", "db-dropped"] as const)(
    "%s never advises removing the lock to keep the data",
    (kind) => {
      for (const state of ["open", "closed", "merged"] as const) {
        const body = sweepCommentBody(kind, { ...ctx, state });
        const keepAdvice = body.split("\n\n").filter((p) => /keep/i.test(p) && /remove/i.test(p));
        for (const p of keepAdvice) expect(p).not.toMatch(/To keep[^.]*remove `persist-db`/);
      }
    },
  );

  it("db-expired says how to get a database again and how to keep them longer", () => {
    const body = sweepCommentBody("db-expired", ctx);
    expect(body).toMatch(/more than 30 days ago .* deleted its locked database `syrf_pr_7`/);
    expect(body).toMatch(/reopen this pull request with `preview`/);
    expect(body).toMatch(/raise `keep-closed-days`/);
  });
});
