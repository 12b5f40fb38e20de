import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { generations } from "@pr-snapshots/core/snapshot/generations";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dbHash, repoRoot } from "../support/mongod";
import { runAction, startAction } from "../support/run-action";
import { SAMPLE_COLLECTIONS, seedProduction } from "../support/sample-data";

const entry = path.join(repoRoot, "packages/cli/dist/index.js");
let client: MongoClient;
let uri: string;
beforeAll(async () => {
  uri = inject("mongoStandaloneUri");
  client = new MongoClient(uri);
  await client.connect();
});
afterAll(async () => client?.close());

/** The CLI is a plain node program: argv and environment only, no GitHub Actions variables. */
function cli(args: string[], env: Record<string, string> = {}, cwd?: string) {
  return runAction("cli", {
    entry,
    env: { MONGODB_URI: uri, ...env, GITHUB_ACTIONS: "" },
    argv: args,
    ...(cwd ? { workspace: cwd } : {}),
  });
}

describe("pr-snapshots command line", () => {
  it("documents its commands, options and exit codes", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /Usage: pr-snapshots <command>[\s\S]*produce[\s\S]*restore[\s\S]*MONGODB_URI[\s\S]*Exit codes/,
    );
    const produce = await cli(["produce", "--help"]);
    expect(produce.stdout).toMatch(/--source-database[\s\S]*--max-shrink-percent[\s\S]*--force/);
    expect((await cli([])).code).toBe(2);
  });

  it("rejects bad usage with exit 2 and refuses the URI as a flag", async () => {
    const unknown = await cli(["produce", "--sauce-database", "x"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option\(s\) for produce: --sauce-database/);
    const flag = await cli(["restore", "--mongodb-uri", "mongodb://u:p@h"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/MONGODB_URI environment variable, not as a flag/);
  });

  it("produces and restores, configured by flags and PR_SNAPSHOTS_* variables", async () => {
    await seedProduction(client, "cl_prod");
    const produced = await cli(["produce", "--json", "--source-database", "cl_prod"], {
      PR_SNAPSHOTS_DB_PREFIX: "cl",
      PR_SNAPSHOTS_ALLOW_PRIVILEGED_CREDENTIALS: "true",
    });
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stderr).toMatch(/^No config file at \.github\/pr-snapshots\.yml in \S+: only options/m);
    const report = JSON.parse(produced.stdout);
    expect(report.collections).toHaveLength(11);
    const restored = await cli([
      "restore",
      "--db-prefix",
      "cl",
      "--pr-number",
      "5",
      "--allow-privileged-credentials",
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toMatch(/Restored 11 collections/);
    expect(restored.stderr).not.toContain(uri);
    expect((await readPrMetadata(client, "cl_pr_5"))?.status).toBe("complete");
  });

  it("reads --config from disk in its directory (a Job has no GitHub access) and says which file", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "cli-cwd-"));
    mkdirSync(path.join(cwd, "ci"));
    writeFileSync(path.join(cwd, "ci/snapshots.yml"), "dbPrefix: cy\nprotectedDatabases: [cy_pr_9]\n");
    const r = await cli(["restore", "--config", "ci/snapshots.yml", "--pr-number", "9"], {}, cwd);
    expect(r.stderr).toContain(`Config: read ${path.join(cwd, "ci/snapshots.yml")}.`);
    // dbPrefix and protectedDatabases came from the file
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Refusing to write to database "cy_pr_9".*listed in protected-databases/);
  });

  it("exit 3 for a refused target, exit 4 when no snapshot appears", async () => {
    const refused = await cli(["restore", "--db-prefix", "cx", "--database", "admin"]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/Refusing to write to database "admin"/);
    const none = await cli([
      "restore",
      "--db-prefix",
      "cx",
      "--pr-number",
      "2",
      "--wait-timeout-seconds",
      "1",
      "--poll-interval-seconds",
      "1",
    ]);
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/No complete snapshot in database "cx_snapshot"/);
  });

  it("a producer killed mid-run leaves the previous snapshot complete and restorable; its lease then expires", async () => {
    await seedProduction(client, "ck_prod", { scale: 2 });
    const env = {
      PR_SNAPSHOTS_DB_PREFIX: "ck",
      PR_SNAPSHOTS_SOURCE_DATABASE: "ck_prod",
      PR_SNAPSHOTS_GRACE_SECONDS: "0",
      PR_SNAPSHOTS_ALLOW_PRIVILEGED_CREDENTIALS: "true",
    };
    expect((await cli(["produce"], env)).code).toBe(0);
    const first = await readSnapshotMetadata(client.db("ck_snapshot"));
    const firstHash = await dbHash(client, "ck_prod");

    await seedProduction(client, "ck_prod", { scale: 40, abstractWords: 300, seed: 99 });
    const running = startAction("cli", {
      entry,
      env: { ...env, MONGODB_URI: uri, GITHUB_ACTIONS: "" },
      argv: ["produce", "--concurrency", "1", "--lease-seconds", "5"],
    });
    const deadline = Date.now() + 60_000;
    while (!/✓ pm\w+:/.test(running.stderr()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    running.child.kill("SIGKILL");
    expect((await running.done).code).not.toBe(0);

    const after = await readSnapshotMetadata(client.db("ck_snapshot"));
    expect(after).toMatchObject({ status: "complete", generation: first?.generation });
    const writing = await generations(client.db("ck_snapshot"))
      .find({ kind: "generation", status: "writing" })
      .toArray();
    expect(writing).toHaveLength(1);

    const restored = await cli(["restore", "--pr-number", "1", "--allow-privileged-credentials"], {
      PR_SNAPSHOTS_DB_PREFIX: "ck",
    });
    expect(restored.code, restored.stderr).toBe(0);
    const pr = await dbHash(client, "ck_pr_1");
    for (const name of SAMPLE_COLLECTIONS)
      expect(pr.collections[name], name).toBe(firstHash.collections[name]);

    // The dead run's lease blocks a second producer until it expires; then the next run cleans up.
    const blocked = await cli(["produce"], env);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/Another snapshot producer is running on ck_snapshot/);
    await new Promise((r) => setTimeout(r, 5_500));
    const next = await cli(["produce", "--force"], env);
    expect(next.code, next.stderr).toBe(0);
    const gens = await generations(client.db("ck_snapshot")).find({ kind: "generation" }).toArray();
    expect(gens.map((g) => g.status).sort()).toEqual(["complete", "retired"]);
    expect(next.stderr).toMatch(/Deleted writing snapshot generation/);
  });
});
