import { silentLog } from "@pr-snapshots/core/log";
import { acquireWriterLease, readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { targetPolicy } from "@pr-snapshots/core/names";
import { describe, expect, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { dbHash } from "../support/mongod";
import { type ActionRun, startAction } from "../support/run-action";
import { SAMPLE_COLLECTIONS, seedProduction } from "../support/sample-data";
import { mongoAndGitHub, produceTestSnapshot } from "../support/suite";

/**
 * CONTRACT §9: at most one restore, reset or drop writes a PR database at a time. Every run here
 * is a bundled action started as a real process, all against one real mongod.
 */
const suite = mongoAndGitHub();

async function snapshotOf(prefix: string, scale: number) {
  await seedProduction(suite.client, `${prefix}_prod`, { scale, abstractWords: 200 });
  await produceTestSnapshot(suite.client, prefix);
  return dbHash(suite.client, `${prefix}_prod`);
}

const restoreInputs = (prefix: string, pr: number) => ({
  "github-token": suite.gh.defaultToken,
  "mongodb-uri": suite.uri,
  "db-prefix": prefix,
  "pr-number": pr,
  comment: false,
  concurrency: 2,
  "wait-timeout-seconds": 120,
  "poll-interval-seconds": 1,
});

const startRestore = (prefix: string, pr: number, extra: Record<string, string | number> = {}) =>
  startAction("restore-snapshot", {
    apiUrl: suite.gh.url,
    eventName: "workflow_dispatch",
    inputs: { ...restoreInputs(prefix, pr), ...extra },
    timeoutMs: 180_000,
  });

async function waitFor(text: RegExp, output: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!text.test(output())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${text} in:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function expectCompleteCopy(prefix: string, pr: number, prod: Awaited<ReturnType<typeof snapshotOf>>) {
  const hashes = await dbHash(suite.client, `${prefix}_pr_${pr}`);
  for (const name of SAMPLE_COLLECTIONS) expect(hashes.collections[name], name).toBe(prod.collections[name]);
  expect((await readPrMetadata(suite.client, `${prefix}_pr_${pr}`))?.status).toBe("complete");
}

describe("one writer per PR database", () => {
  it.each([2, 3])(
    "%i restores of one PR started at the same moment end with one complete, verified copy",
    async (n) => {
      const prefix = `ow${n}`;
      const prod = await snapshotOf(prefix, 8);
      const runs = Array.from({ length: n }, () => startRestore(prefix, 4));
      const results: ActionRun[] = await Promise.all(runs.map((r) => r.done));
      const ok = results.filter((r) => r.code === 0);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      // Nobody failed because of another run: each waited its turn and then did its own work.
      for (const r of results) expect(r.code, r.stdout).toBe(0);
      const waited = results.filter((r) =>
        /Database ow\d_pr_4 is being written by pr-snapshots in .*workflow run \d+ attempt 1 \(restore, since /.test(
          r.stdout,
        ),
      );
      expect(waited.length).toBeGreaterThanOrEqual(1);
      await expectCompleteCopy(prefix, 4, prod);
    },
  );

  it("a drop that arrives during a restore waits for it, then drops: the later one wins", async () => {
    await snapshotOf("owd", 30);
    suite.gh.addPullRequest({ number: 9, state: "closed", labels: ["preview"] });
    const restore = startRestore("owd", 9);
    await waitFor(/Snapshot of owd_prod taken/, restore.stdout);
    const drop = startAction("enforce-lock", {
      apiUrl: suite.gh.url,
      event: pullRequestEvent({ action: "closed", number: 9, labels: ["preview"] }),
      inputs: {
        "github-token": suite.gh.defaultToken,
        "mongodb-uri": suite.uri,
        "db-prefix": "owd",
        "wait-timeout-seconds": 120,
      },
      timeoutMs: 180_000,
    });
    const [r, d] = await Promise.all([restore.done, drop.done]);
    expect(r.code, r.stdout).toBe(0);
    expect(d.code, d.stdout).toBe(0);
    expect(d.stdout).toMatch(/Database owd_pr_9 is being written by .* \(restore, since/);
    expect(d.outputs["db-action"]).toBe("drop");
    const names = (await suite.client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map(
      (x) => x.name,
    );
    expect(names).not.toContain("owd_pr_9");
  });

  it("a restore that arrives during a drop waits for it, then restores", async () => {
    const prod = await snapshotOf("owr", 2);
    const policy = targetPolicy({ prefix: "owr" });
    // The test plays the drop: it holds the lease as a drop would, then drops the database.
    const lease = await acquireWriterLease({
      client: suite.client,
      database: "owr_pr_3",
      policy,
      log: silentLog,
      what: "drop",
      waitMs: 0,
      owner: "a test playing a drop",
    });
    const restore = startRestore("owr", 3);
    await waitFor(/is being written by a test playing a drop \(drop, since/, restore.stdout);
    lease.stopHeartbeat();
    await suite.client.db("owr_pr_3").dropDatabase();
    const r = await restore.done;
    expect(r.code, r.stdout).toBe(0);
    await expectCompleteCopy("owr", 3, prod);
  });

  it("a holder killed with SIGKILL releases the lease by expiry; the next run stops its leftover copies and converges", async () => {
    const prod = await snapshotOf("owk", 40);
    const first = startRestore("owk", 11, { concurrency: 1, "lease-seconds": 3 });
    await waitFor(/✓ pm\w+:/, first.stdout);
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.code).not.toBe(0);
    expect((await readPrMetadata(suite.client, "owk_pr_11"))?.status).toBe("restoring");

    const started = Date.now();
    const second = await startRestore("owk", 11, { "lease-seconds": 3 }).done;
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toMatch(
      /Database owk_pr_11 is being written by .*\(restore, since .*; its lease expires at/,
    );
    expect(second.stdout).toMatch(/Database owk_pr_11 is free now: this run holds the lease/);
    expect(Date.now() - started).toBeLessThan(60_000);
    await expectCompleteCopy("owk", 11, prod);
    const leftovers = Object.keys((await dbHash(suite.client, "owk_pr_11")).collections).filter((n) =>
      n.startsWith("tmp."),
    );
    expect(leftovers).toEqual([]);
  });

  it("a run that cannot get the lease in time fails, says who holds it, and changes nothing", async () => {
    await snapshotOf("owt", 1);
    const policy = targetPolicy({ prefix: "owt" });
    const lease = await acquireWriterLease({
      client: suite.client,
      database: "owt_pr_5",
      policy,
      log: silentLog,
      what: "restore",
      waitMs: 0,
      owner: "another workflow run",
    });
    try {
      const before = await dbHash(suite.client, "owt_pr_5");
      const r = await startRestore("owt", 5, { "wait-timeout-seconds": 2 }).done;
      expect(r.code).toBe(1);
      expect(r.errors.join("\n")).toMatch(
        /Database owt_pr_5 is still being written by another workflow run \(restore, since .*\) after waiting \ds\. Nothing was changed/,
      );
      expect(await dbHash(suite.client, "owt_pr_5")).toEqual(before);
    } finally {
      await lease.release();
    }
  });
});
