import { silentLog } from "@pr-snapshots/core/log";
import { acquireWriterLease, readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { targetPolicy } from "@pr-snapshots/core/names";
import { describe, expect, it } from "vitest";
import { gitCheckout } from "../support/git-workspace";
import { dbHash } from "../support/mongod";
import { type RunActionOptions, runAction, startAction } from "../support/run-action";
import { seedProduction } from "../support/sample-data";
import { mongoAndGitHub, produceTestSnapshot } from "../support/suite";

/**
 * restore-snapshot's `refresh: new-snapshot` (config `restore.refresh`): a restore is skipped
 * while the PR database completely holds the latest snapshot's generation, and happens again
 * after a new generation or an unfinished restore. Bundled action as a process, real mongod.
 */
const suite = mongoAndGitHub();

async function produce(prefix: string) {
  return produceTestSnapshot(suite.client, prefix);
}

let nextRun = 770_000;
const restore = (
  prefix: string,
  pr: number,
  inputs: Record<string, string | number> = {},
  o: RunActionOptions = {},
) =>
  runAction("restore-snapshot", {
    apiUrl: suite.gh.url,
    eventName: "workflow_dispatch",
    runId: nextRun++,
    ...o,
    inputs: {
      "github-token": suite.gh.defaultToken,
      "mongodb-uri": suite.uri,
      "config-sha": "none",
      "db-prefix": prefix,
      "pr-number": pr,
      "poll-interval-seconds": 1,
      "wait-timeout-seconds": 60,
      ...inputs,
    },
  });

/** What the preview application writes into its database between syncs. */
const previewWrite = (database: string) =>
  suite.client
    .db(database)
    .collection("previewNotes")
    .insertOne({ _id: "written-by-the-preview" as never, n: 1 });
const hasPreviewWrite = async (database: string) =>
  (await suite.client
    .db(database)
    .collection("previewNotes")
    .countDocuments({ _id: "written-by-the-preview" as never })) === 1;

describe("restore-snapshot refresh: new-snapshot", () => {
  it("skips while the database holds the latest generation, keeps the preview's writes, and restores after a new one", async () => {
    await seedProduction(suite.client, "rfa_prod");
    const first = await produce("rfa");
    suite.gh.addPullRequest({ number: 3 });
    const prod = await dbHash(suite.client, "rfa_prod");

    const initial = await restore("rfa", 3, { refresh: "new-snapshot" });
    expect(initial.code, initial.stdout).toBe(0);
    expect(initial.outputs.skipped).toBe("false");
    expect(initial.stdout).toMatch(/refresh: new-snapshot: the database has no restore record/);
    expect(suite.gh.commentsOn(3)).toHaveLength(1);

    await previewWrite("rfa_pr_3");
    const held = await dbHash(suite.client, "rfa_pr_3");
    const push = await restore("rfa", 3, { refresh: "new-snapshot" });
    expect(push.code, push.stdout).toBe(0);
    expect(push.outputs).toMatchObject({
      skipped: "true",
      database: "rfa_pr_3",
      generation: first.generation,
      "snapshot-timestamp": first.timestamp.toISOString(),
      collections: "11",
      "comment-url": "",
    });
    expect(push.stdout).toContain(
      `Skipped the restore (refresh: new-snapshot): the database already holds generation ${first.generation}, the latest complete snapshot`,
    );
    expect(push.summary).toMatch(/### pr-snapshots: restore skipped[\s\S]*`rfa_pr_3` was not changed/);
    expect(await dbHash(suite.client, "rfa_pr_3")).toEqual(held);
    expect(await hasPreviewWrite("rfa_pr_3")).toBe(true);
    expect(suite.gh.commentsOn(3)).toHaveLength(1);

    const dry = await restore("rfa", 3, { refresh: "new-snapshot", "dry-run": "true" });
    expect(dry.outputs.skipped).toBe("true");
    expect(dry.stdout).toMatch(/Dry run: would skip the restore/);

    // The default still restores on every sync.
    const everySync = await restore("rfa", 3, { comment: "false" });
    expect(everySync.outputs.skipped).toBe("false");
    expect(await hasPreviewWrite("rfa_pr_3")).toBe(false);
    await previewWrite("rfa_pr_3");

    const second = await produce("rfa");
    const afterNew = await restore("rfa", 3, { refresh: "new-snapshot" });
    expect(afterNew.code, afterNew.stdout).toBe(0);
    expect(afterNew.outputs).toMatchObject({ skipped: "false", generation: second.generation });
    expect(afterNew.stdout).toContain(
      `refresh: new-snapshot: a newer snapshot was published (the database holds generation ${first.generation}): restoring generation ${second.generation}`,
    );
    expect(afterNew.summary).toMatch(/Refresh `new-snapshot`: a newer snapshot was published/);
    expect(await hasPreviewWrite("rfa_pr_3")).toBe(false);
    expect((await readPrMetadata(suite.client, "rfa_pr_3"))?.generation).toBe(second.generation);
    expect(await dbHash(suite.client, "rfa_prod")).toEqual(prod);
  });

  it("restores after an unfinished restore of the same generation", async () => {
    await seedProduction(suite.client, "rfb_prod");
    await produce("rfb");
    expect((await restore("rfb", 4, { comment: "false" })).code).toBe(0);
    // What a killed restore leaves behind: the record marked first, never completed.
    await suite.client
      .db("rfb_pr_4")
      .collection("snapshot_metadata")
      .updateOne({ _id: "latest" as never }, { $set: { status: "restoring" } });
    await suite.client.db("rfb_pr_4").collection("pmProject").deleteMany({});

    const r = await restore("rfb", 4, { refresh: "new-snapshot", comment: "false" });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.skipped).toBe("false");
    expect(r.stdout).toMatch(/an earlier restore into the database did not finish: restoring generation/);
    expect((await readPrMetadata(suite.client, "rfb_pr_4"))?.status).toBe("complete");
    expect(await suite.client.db("rfb_pr_4").collection("pmProject").countDocuments()).toBeGreaterThan(0);
  });

  it("decides under the one-writer lease: a restore that completes while this run waits is not repeated", async () => {
    await seedProduction(suite.client, "rfc_prod");
    await produce("rfc");
    expect((await restore("rfc", 5, { comment: "false" })).code).toBe(0);
    const metadata = suite.client.db("rfc_pr_5").collection("snapshot_metadata");
    await metadata.updateOne({ _id: "latest" as never }, { $set: { status: "restoring" } });
    // Another run is writing the database (as a restore in progress would).
    const other = await acquireWriterLease({
      client: suite.client,
      database: "rfc_pr_5",
      policy: targetPolicy({ prefix: "rfc" }),
      log: silentLog,
      what: "restore",
      waitMs: 0,
      ttlMs: 60_000,
    });
    const waiting = startAction("restore-snapshot", {
      apiUrl: suite.gh.url,
      eventName: "workflow_dispatch",
      inputs: {
        "mongodb-uri": suite.uri,
        "config-sha": "none",
        "db-prefix": "rfc",
        "pr-number": 5,
        refresh: "new-snapshot",
        comment: "false",
        "wait-timeout-seconds": 60,
      },
    });
    const deadline = Date.now() + 30_000;
    while (!/is being written by/.test(waiting.stdout()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(waiting.stdout()).toMatch(/Database rfc_pr_5 is being written by/);
    // The other run finishes its restore of the same generation and lets go.
    await metadata.updateOne({ _id: "latest" as never }, { $set: { status: "complete" } });
    await previewWrite("rfc_pr_5");
    await other.release();

    const r = await waiting.done;
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.skipped).toBe("true");
    expect(await hasPreviewWrite("rfc_pr_5")).toBe(true);
  });

  it("is read from restore.refresh in the config file; a wrong input value fails before connecting", async () => {
    await seedProduction(suite.client, "rfd_prod");
    await produce("rfd");
    expect((await restore("rfd", 6, { comment: "false" })).code).toBe(0);
    // A checkout at GITHUB_SHA: the only workspace whose config file is trusted outside PR events.
    const checkout = gitCheckout({ ".github/pr-snapshots.yml": "restore:\n  refresh: new-snapshot\n" });
    const fromConfig = await restore(
      "rfd",
      6,
      { "config-sha": "", comment: "false" },
      { workspace: checkout.dir, sha: checkout.sha },
    );
    expect(fromConfig.code, fromConfig.stdout).toBe(0);
    expect(fromConfig.outputs.skipped).toBe("true");

    const wrong = await restore("rfd", 6, {
      refresh: "weekly",
      "mongodb-uri": "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=5000",
    });
    expect(wrong.code).toBe(1);
    expect(wrong.errors.join("\n")).toBe(
      'Input "refresh" must be one of "every-sync", "new-snapshot", "full", got "weekly".',
    );
    expect(wrong.durationMs).toBeLessThan(2_000);
  });
});
