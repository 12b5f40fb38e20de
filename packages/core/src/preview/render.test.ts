import { describe, expect, it } from "vitest";
import { DEFAULT_LABELS } from "../settings";
import { expandTemplate, parseUrlLines, renderPreviewComment } from "./render";

const base = {
  number: 42,
  headSha: "0123456789abcdef0123456789abcdef01234567",
  database: "shop_pr_42",
  snapshotDatabase: "shop_snapshot",
  namespace: "pr-{number}",
  urls: parseUrlLines([
    "Web=https://pr-{number}.shop.example",
    "API=https://api.pr-{number}.shop.example/{sha}",
  ]),
  useSnapshot: true,
  locked: false,
  snapshotTimestamp: new Date("2026-11-22T03:00:12Z"),
  labels: DEFAULT_LABELS,
};

describe("preview comment", () => {
  it("shows the environment, the snapshot's timestamp and the URLs", () => {
    const body = renderPreviewComment(base);
    expect(body).toContain("| Namespace | `pr-42` |");
    expect(body).toContain("| Database | `shop_pr_42` |");
    expect(body).toContain("taken **2026-11-22 03:00 UTC**");
    expect(body).toContain("| Commit | `0123456` |");
    expect(body).toContain("- **Web**: https://pr-42.shop.example");
    expect(body).toContain(
      "- **API**: https://api.pr-42.shop.example/0123456789abcdef0123456789abcdef01234567",
    );
    expect(body).toMatch(/Remove `use-snapshot` to switch to seed data/);
  });

  it("says 'Not yet available' without a snapshot, and explains seed data and the lock", () => {
    expect(renderPreviewComment({ ...base, snapshotTimestamp: undefined })).toMatch(
      /Not yet available[\s\S]*snapshot-on-demand/,
    );
    const seed = renderPreviewComment({ ...base, useSnapshot: false });
    expect(seed).toContain("🌱 Seed data");
    expect(seed).toMatch(/Add `use-snapshot` to use a copy of production data/);
    const locked = renderPreviewComment({ ...base, locked: true });
    expect(locked).toMatch(
      /locked by `persist-db`[\s\S]*remove `persist-db` first[\s\S]*On a closed PR, removing `persist-db` deletes the database/,
    );
  });

  it("uses the configured label names", () => {
    const body = renderPreviewComment({
      ...base,
      locked: true,
      labels: { preview: "env", snapshot: "prod-data", lock: "keep-db" },
    });
    expect(body).toContain("`keep-db`");
    expect(body).not.toContain("persist-db");
  });

  it("rejects unknown placeholders and malformed URL lines", () => {
    expect(() =>
      expandTemplate("pr-{num}", { number: 1, sha: "x", database: "d" }, "The namespace template"),
    ).toThrow(
      'The namespace template "pr-{num}" uses {num}; only {number}, {sha} and {database} are available.',
    );
    expect(() => parseUrlLines(["https://no-name.example"])).toThrow(/must look like Name=https/);
  });
});
