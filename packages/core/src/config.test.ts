import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assertConfigPath, loadConfig } from "./config";
import { parseConfig } from "./config-schema";
import { UserError } from "./errors";
import { consoleLog } from "./log";

const FULL = `
dbPrefix: shop
labels:
  preview: preview
  snapshot: use-snapshot
  lock: persist-db
snapshotDatabase: shop_snapshot
sourceDatabase: shop_prod
collections:
  include: [orders, customers]
  exclude: ["tmp_*", resumePoints]
allowedTargets: ["shop_pr_[1-9][0-9]*", "shop_staging"]
protectedDatabases: [shop_archive]
comment:
  namespace: "pr-{number}"
  urls:
    - name: Web
      url: "https://pr-{number}.shop.example"
restore:
  concurrency: 4
  waitTimeoutSeconds: 360
  pollIntervalSeconds: 30
`;

function errorOf(text: string): string {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error("accepted");
}

describe("config file (CONTRACT §2)", () => {
  it("accepts every documented key", () => {
    const c = parseConfig(FULL);
    expect(c.dbPrefix).toBe("shop");
    expect(c.collections?.exclude).toEqual(["tmp_*", "resumePoints"]);
    expect(c.comment?.urls?.[0]).toEqual({ name: "Web", url: "https://pr-{number}.shop.example" });
    expect(c.restore?.waitTimeoutSeconds).toBe(360);
  });

  it("an empty file is an empty config", () => {
    expect(parseConfig("")).toEqual({});
    expect(parseConfig("# nothing\n")).toEqual({});
  });

  it("names an unknown key, also nested", () => {
    expect(errorOf("dbprefix: shop\n")).toMatch(/unknown key "dbprefix" in the top level/);
    expect(errorOf("labels:\n  locked: keep\n")).toMatch(/unknown key "labels.locked" in "labels"/);
    expect(errorOf("comment:\n  urls:\n    - name: a\n      link: b\n")).toMatch(
      /unknown key "comment.urls.0.link"/,
    );
  });

  it("names a key with the wrong type", () => {
    expect(errorOf("restore:\n  concurrency: '4'\n")).toMatch(
      /"restore.concurrency" must be a number, got string "4"/,
    );
    expect(errorOf("collections:\n  include: orders\n")).toMatch(
      /"collections.include" must be a list, got string "orders"/,
    );
    expect(errorOf("labels: preview\n")).toMatch(/"labels" must be a mapping/);
  });

  it("checks values", () => {
    expect(errorOf("dbPrefix: Shop\n")).toMatch(/"dbPrefix".*must match/);
    expect(errorOf("protectedDatabases: ['a.b']\n")).toMatch(
      /"protectedDatabases.0".*not a valid MongoDB database name/,
    );
    expect(errorOf("allowedTargets: ['(x']\n")).toMatch(/"allowedTargets.0".*not a valid regular expression/);
    expect(errorOf("restore:\n  concurrency: 0\n")).toMatch(/"restore.concurrency"/);
  });

  it("reports YAML syntax errors with a position", () => {
    expect(errorOf("labels:\n  preview: [a\n")).toMatch(/not valid YAML at line \d+/);
    expect(errorOf("a: 1\na: 2\n")).toMatch(/not valid YAML/);
  });

  it("the command line: the default file is optional, an explicit one is not, and it says which it read", async () => {
    const ws = mkdtempSync(path.join(tmpdir(), "cfg-"));
    const lines: string[] = [];
    const log = consoleLog({ write: (l) => lines.push(l) });
    expect(await loadConfig(undefined, ws, log)).toMatchObject({ config: {}, source: { how: "none" } });
    expect(lines).toEqual([
      `No config file at .github/pr-snapshots.yml in ${ws}: only options, environment variables and defaults apply.`,
    ]);
    await expect(loadConfig("ci/snapshots.yml", ws, log)).rejects.toThrow(
      /"ci\/snapshots.yml" \(--config or PR_SNAPSHOTS_CONFIG\) does not exist/,
    );
    mkdirSync(path.join(ws, ".github"));
    writeFileSync(path.join(ws, ".github/pr-snapshots.yml"), "dbPrefix: shop\n");
    expect(await loadConfig(undefined, ws, log)).toMatchObject({
      config: { dbPrefix: "shop" },
      source: { path: ".github/pr-snapshots.yml", how: "disk" },
    });
    expect(lines.at(-1)).toBe(`Config: read ${path.join(ws, ".github/pr-snapshots.yml")}.`);
  });

  it("a config input is a relative path inside the repository", () => {
    expect(assertConfigPath("ci/snapshots.yml", "x")).toBe("ci/snapshots.yml");
    expect(assertConfigPath("./ci/snapshots.yml", "x")).toBe("ci/snapshots.yml");
    for (const bad of [
      "/etc/passwd",
      "../other/x.yml",
      "ci/../../x.yml",
      "ci//x.yml",
      "ci\\x.yml",
      "ci/./x.yml",
    ]) {
      expect(() => assertConfigPath(bad, 'Input "config"'), bad).toThrow(
        /Input "config" must be a relative path inside the repository/,
      );
    }
  });
});
