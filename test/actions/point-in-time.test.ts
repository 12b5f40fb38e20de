import { kindOf } from "@pr-snapshots/core/github/comments";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { MongoClient, type Timestamp } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { gitCheckout } from "../support/git-workspace";
import { GitHubStandIn } from "../support/github-stand-in";
import { runAction } from "../support/run-action";
import { seedProduction } from "../support/sample-data";

/**
 * CONTRACT §13 through the bundled actions, on the shared replica set: trigger-producer's input,
 * outputs and summary, and the consistent-at time in the db-restored and preview comments.
 */

let gh: GitHubStandIn;
let client: MongoClient;
let uri: string;
beforeAll(async () => {
  gh = await GitHubStandIn.start();
  uri = inject("mongoReplSetUri");
  client = new MongoClient(uri);
  await client.connect();
});
afterAll(async () => {
  await client?.close();
  await gh?.stop();
});

const produce = (
  inputs: Record<string, string | number | boolean>,
  checkout?: { dir: string; sha: string },
) =>
  runAction("trigger-producer", {
    eventName: "workflow_dispatch",
    apiUrl: gh.url,
    ...(checkout ? { workspace: checkout.dir, sha: checkout.sha } : {}),
    inputs: {
      "github-token": gh.defaultToken,
      "mongodb-uri": uri,
      "db-prefix": "pta",
      "source-database": "pta_prod",
      "grace-seconds": 0,
      ...inputs,
    },
  });

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

describe("point-in-time snapshots through the actions", () => {
  it("trigger-producer publishes a point-in-time snapshot; db-restored and preview show the time it is consistent at", async () => {
    await client.db("pta_prod").dropDatabase();
    await client.db("pta_snapshot").dropDatabase();
    await seedProduction(client, "pta_prod", { scale: 0.2 });

    const bad = await produce({ consistency: "sometimes" });
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toContain(
      'Input "consistency" must be one of "auto", "point-in-time", "per-collection", got "sometimes"',
    );
    expect(await readSnapshotMetadata(client.db("pta_snapshot"))).toBeUndefined();

    const r = await produce({ consistency: "point-in-time" });
    expect(r.code, r.stdout).toBe(0);
    const meta = await readSnapshotMetadata(client.db("pta_snapshot"));
    if (!meta) throw new Error("no snapshot");
    const at = meta.consistentAtDate as Date;
    expect(meta.consistency).toBe("point-in-time");
    expect(at).toBeInstanceOf(Date);
    expect(at.getTime()).toBe((meta.consistentAt as Timestamp).t * 1000);
    expect(r.outputs.consistency).toBe("point-in-time");
    expect(r.outputs["consistent-at"]).toBe(at.toISOString());
    expect(r.summary).toContain(`**Consistency.** Point in time: every collection as of ${utc(at)}`);
    expect(r.summary).toMatch(/The catch-up read \d+ changed document\(s\) again/);

    gh.addPullRequest({ number: 41, labels: ["preview", "use-snapshot"] });
    const restored = await runAction("restore-snapshot", {
      apiUrl: gh.url,
      event: pullRequestEvent({ action: "labeled", number: 41, label: "use-snapshot" }),
      inputs: {
        "github-token": gh.defaultToken,
        "mongodb-uri": uri,
        "db-prefix": "pta",
        "wait-timeout-seconds": 5,
      },
    });
    expect(restored.code, restored.stdout).toBe(0);
    const comment = gh.commentsOn(41).find((c) => kindOf(c.body) === "db-restored")?.body ?? "";
    expect(comment).toContain(`as it was at **${utc(at)}** (every collection as of that moment)`);
    expect(restored.summary).toContain(`consistent as of ${utc(at)} (point in time)`);

    const preview = await runAction("post-preview-comment", {
      apiUrl: gh.url,
      event: pullRequestEvent({ action: "synchronize", number: 41 }),
      inputs: {
        "github-token": gh.defaultToken,
        "config-sha": "none",
        "db-prefix": "pta",
        "mongodb-uri": uri,
        "use-snapshot": true,
        "persist-db": false,
      },
    });
    expect(preview.code, preview.stdout).toBe(0);
    const body = gh.commentsOn(41).find((c) => kindOf(c.body) === "preview")?.body ?? "";
    expect(body).toContain(`consistent as of **${utc(at)}** (one point in time)`);
  });

  it("producer.consistency in the config file: per-collection, said in the outputs and the summary", async () => {
    // A checkout at the workflow's commit: the file on disk is trusted as that commit's.
    const checkout = gitCheckout({
      ".github/pr-snapshots.yml": "producer:\n  consistency: per-collection\n",
    });
    const r = await produce({ force: true }, checkout);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.consistency).toBe("per-collection");
    expect(r.outputs["consistent-at"]).toBe("");
    expect(r.summary).toContain(
      "**Consistency.** Per-collection: each collection as of its own copy (consistency is set to per-collection).",
    );
    expect((await readSnapshotMetadata(client.db("pta_snapshot")))?.consistency).toBe("per-collection");
  });
});
