import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { GitHubStandIn } from "../support/github-stand-in";
import { dbHash, type RunningMongo, startMongo } from "../support/mongod";
import { runAction, startAction } from "../support/run-action";
import { SAMPLE_COLLECTIONS, seedProduction } from "../support/sample-data";

/**
 * CONTRACT §8 with two real deployments: production on its own mongod (with access control and a
 * read-only user), the snapshot and PR databases on another. The producer streams between them.
 */
let production: RunningMongo;
let prodAdmin: MongoClient;
let previewsUri: string;
let previews: MongoClient;
let readOnlyUri: string;
// The trusted config is read through the contents API (404 here: no config file).
let gh: GitHubStandIn;

beforeAll(async () => {
  gh = await GitHubStandIn.start();
  production = await startMongo({ auth: true });
  prodAdmin = new MongoClient(production.uri);
  await prodAdmin.connect();
  readOnlyUri = await production.createUser({
    user: "snapshot-reader",
    pwd: "read-only-secret",
    roles: [{ role: "read", db: "shop_prod" }],
  });
  previewsUri = inject("mongoStandaloneUri");
  previews = new MongoClient(previewsUri);
  await previews.connect();
});
afterAll(async () => {
  await prodAdmin?.close().catch(() => {});
  await previews?.close();
  await production?.stop().catch(() => {});
  await gh?.stop();
});

const produce = (sourceUri: string, extra: Record<string, string | number | boolean> = {}) => ({
  eventName: "workflow_dispatch",
  apiUrl: gh.url,
  inputs: {
    "github-token": gh.defaultToken,
    "mongodb-uri": previewsUri,
    "source-uri": sourceUri,
    "db-prefix": "shop",
    "source-database": "shop_prod",
    "allow-privileged-credentials": true,
    ...extra,
  },
  timeoutMs: 180_000,
});

describe("production on another deployment (source-uri)", () => {
  it("streams a byte-identical snapshot with a read-only source user; restores need no source-uri", async () => {
    await seedProduction(prodAdmin, "shop_prod", { scale: 3 });
    const before = await dbHash(prodAdmin, "shop_prod");
    const r = await runAction("trigger-producer", produce(readOnlyUri));
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /Source credentials snapshot-reader@admin can only read "shop_prod" on mongodb:\/\/snapshot-reader@127\.0\.0\.1:\d+: least privilege confirmed/,
    );
    expect(r.summary).toMatch(/\| pmStudy \| \d+ \| \d+ \| [\d.]+ \| stream( ×\d)? \(cross-cluster\) \|/);
    expect(r.masked).toEqual(expect.arrayContaining([readOnlyUri, "read-only-secret"]));
    // The bundle passes documents through as raw BSON (the driver's own DocumentSequence is found).
    expect(r.stdout).toMatch(
      /::debug::pmStudy: \d+ documents, \d+ bytes streamed as raw BSON \(byte for byte\)/,
    );
    expect(r.stdout.replace(/::add-mask::.*/g, "")).not.toContain("read-only-secret");

    const meta = await readSnapshotMetadata(previews.db("shop_snapshot"));
    expect(meta?.status).toBe("complete");
    const snap = await dbHash(previews, "shop_snapshot");
    const prod = await dbHash(prodAdmin, "shop_prod");
    for (const name of SAMPLE_COLLECTIONS)
      expect(snap.collections[meta?.physical?.[name] ?? "?"], name).toBe(prod.collections[name]);
    expect(prod).toEqual(before);

    const restored = await runAction("restore-snapshot", {
      eventName: "workflow_dispatch",
      inputs: { "mongodb-uri": previewsUri, "db-prefix": "shop", "pr-number": 12, comment: false },
    });
    expect(restored.code, restored.stdout).toBe(0);
    const pr = await dbHash(previews, "shop_pr_12");
    for (const name of SAMPLE_COLLECTIONS) expect(pr.collections[name], name).toBe(prod.collections[name]);
  });

  it("refuses source credentials that can write production, unless allowed", async () => {
    const writer = await production.createUser({
      user: "prod-writer",
      pwd: "writer-secret",
      roles: [{ role: "readWrite", db: "shop_prod" }],
    });
    const before = await dbHash(previews, "shop_snapshot");
    const r = await runAction("trigger-producer", produce(writer, { "allow-privileged-credentials": false }));
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      /The credentials in source-uri \(prod-writer@admin\) can write the production database "shop_prod".*read role.*allow-privileged-credentials: true/s,
    );
    expect(await dbHash(previews, "shop_snapshot")).toEqual(before);
  });

  it("a source stopped mid-copy gives a clear error; the previous snapshot stays complete and restorable", async () => {
    await seedProduction(prodAdmin, "shop_prod", { scale: 60, abstractWords: 300 });
    const previous = await readSnapshotMetadata(previews.db("shop_snapshot"));
    expect(previous?.status).toBe("complete");
    const run = startAction(
      "trigger-producer",
      produce(`${readOnlyUri}&serverSelectionTimeoutMS=2000`, { concurrency: 1, force: true }),
    );
    const deadline = Date.now() + 60_000;
    while (!/✓ pm\w+:/.test(run.stdout()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    await production.stop();
    const r = await run.done;
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      /Copying shop_prod\.pm\w+ failed because the production deployment \(mongodb:\/\/snapshot-reader@127\.0\.0\.1:\d+\) stopped answering: .*Nothing was published: the previous snapshot stays complete and in use\./s,
    );
    const after = await readSnapshotMetadata(previews.db("shop_snapshot"));
    expect(after?.generation).toBe(previous?.generation);
    expect(after?.status).toBe("complete");
    const restored = await runAction("restore-snapshot", {
      eventName: "workflow_dispatch",
      inputs: { "mongodb-uri": previewsUri, "db-prefix": "shop", "pr-number": 13, comment: false },
    });
    expect(restored.code, restored.stdout).toBe(0);
    expect(restored.outputs.generation).toBe(previous?.generation);
  });
});
