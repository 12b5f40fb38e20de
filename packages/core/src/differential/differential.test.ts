import fc from "fast-check";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AtlasProxy, atlasRefusal, HISTORY_LOST, isChangeStream } from "../../../../test/support/atlas-proxy";
import {
  type AppWrite,
  applyAppWrite,
  DIFF_COLLECTIONS,
  seedDifferential,
  stateOf,
} from "../../../../test/support/differential";
import { produceTestSnapshot } from "../../../../test/support/suite";
import { TEMPORARY_PREFIX } from "../copy/swap";
import { consoleLog, type Log } from "../log";
import { readPrMetadata } from "../mongo/target";
import { targetPolicy } from "../names";
import { readSnapshotMetadata } from "../snapshot/metadata";
import type { RefreshPolicy } from "../snapshot/refresh";
import { type RestoreReport, type RestoreRequest, restoreSnapshot } from "../snapshot/restore";
import { readRecordedFingerprints } from "./fingerprint";

/**
 * Differential restore (issue 25, CONTRACT §11) against real mongods: a standalone server (no
 * change streams: every proof is dbHash) and a replica set (the change stream first).
 */

const TOPOLOGIES = [
  { kind: "standalone", uri: () => inject("mongoStandaloneUri") },
  { kind: "replica set", uri: () => inject("mongoReplSetUri") },
] as const;

function logged(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  return { log: consoleLog({ write: (l) => lines.push(l) }), lines };
}

const methodOf = (r: RestoreReport) => Object.fromEntries(r.collections.map((c) => [c.name, c.method]));
const proofOf = (r: RestoreReport) => Object.fromEntries(r.collections.map((c) => [c.name, c.check?.proof]));
const keptNames = (r: RestoreReport) =>
  r.collections
    .filter((c) => c.method === "kept (identical)")
    .map((c) => c.name)
    .sort();

describe.each(TOPOLOGIES)("differential restore on a $kind", ({ kind, uri }) => {
  let client: MongoClient;
  const replset = kind === "replica set";
  const prefix = replset ? "dfr" : "dfs";
  const restore = (
    target: string,
    refresh: RefreshPolicy = "every-sync",
    extra: Partial<RestoreRequest> = {},
    c: MongoClient = client,
  ) => {
    const { log, lines } = logged();
    return restoreSnapshot({
      client: c,
      log,
      snapshotDatabase: `${prefix}_snapshot`,
      target,
      policy: targetPolicy({ prefix }),
      waitTimeoutMs: 2_000,
      pollIntervalMs: 200,
      concurrency: 3,
      dryRun: false,
      allowPrivilegedCredentials: true,
      refresh,
      ...extra,
    }).then((report) => ({ report, lines }));
  };

  beforeAll(async () => {
    client = new MongoClient(uri());
    await client.connect();
    await seedDifferential(client, `${prefix}_prod`);
    await produceTestSnapshot(client, prefix);
    // The reference: what a full drop-and-restore of this snapshot gives.
    await restore(`${prefix}_pr_900`, "full");
  });
  afterAll(async () => {
    for (const db of ["prod", "snapshot", "pr_900", "pr_1", "pr_2", "pr_3", "pr_4", "pr_5"])
      await client
        ?.db(`${prefix}_${db}`)
        .dropDatabase()
        .catch(() => {});
    await client?.close();
  });

  it("the producer records a fingerprint per collection; an untouched database is kept, not copied", async () => {
    const meta = await readSnapshotMetadata(client.db(`${prefix}_snapshot`));
    const published = meta?.fingerprints as Record<string, { hash?: string }>;
    expect(Object.keys(published).sort()).toEqual([...DIFF_COLLECTIONS].sort());
    // dbHash only where it proves something: not capped (insertion order), not time-series (buckets).
    expect(published.orders?.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(published.customers?.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(published.events?.hash).toBeUndefined();
    expect(published.metrics?.hash).toBeUndefined();

    const target = `${prefix}_pr_1`;
    const first = await restore(target);
    expect(first.report.keptCollections).toBe(0);
    expect(first.report.copiedCollections).toBe(5);
    expect(proofOf(first.report).orders).toBe("none"); // nothing there yet
    const record = readRecordedFingerprints((await readPrMetadata(client, target))?.fingerprints);
    expect(Object.keys(record).sort()).toEqual([...DIFF_COLLECTIONS].sort());
    if (replset) expect(record.orders?.since).toBeDefined();
    else expect(record.orders?.since).toBeUndefined();

    const second = await restore(target);
    // Time-series is always copied; capped only kept on the change stream (same source, no event).
    expect(keptNames(second.report)).toEqual(
      replset ? ["customers", "events", "notes", "orders"] : ["customers", "notes", "orders"],
    );
    expect(second.report.copiedBytes).toBeLessThan(first.report.copiedBytes);
    const way = replset ? "change stream" : "dbHash";
    expect(proofOf(second.report).orders).toBe(way);
    expect(second.report.collections.find((c) => c.name === "orders")?.check?.seconds).toBeGreaterThanOrEqual(
      0,
    );
    if (replset)
      expect(second.lines.join("\n")).toMatch(
        /Change stream on dfr_pr_1 since the last restore .* 4 of 4 unchanged/,
      );
    else
      expect(second.lines.join("\n")).toMatch(
        /Comparing 3 collection\(s\) by dbHash \(this is a standalone server, which has no change streams\): it holds a shared lock on dfs_pr_1 while it runs, so the preview application's writes wait\./,
      );
    expect(await stateOf(client, target)).toEqual(await stateOf(client, `${prefix}_pr_900`));
  });

  it("property: after any application writes, a differential restore ends exactly where a full restore does", async () => {
    const target = `${prefix}_pr_2`;
    await restore(target);
    const reference = await stateOf(client, `${prefix}_pr_900`);
    const collection = fc.constantFrom(...DIFF_COLLECTIONS);
    const n = fc.integer({ min: 0, max: 50 });
    const of = (ops: AppWrite["op"][], c: fc.Arbitrary<string> = collection) =>
      fc.record({ op: fc.constantFrom(...ops), c, n }) as fc.Arbitrary<AppWrite>;
    // Weighted towards what only a proof can catch: same count, same specs, other documents.
    const write = fc.oneof(
      { arbitrary: of(["update", "touch", "recreate", "insert", "delete"]), weight: 5 },
      {
        arbitrary: of(["createIndex", "dropIndex", "validator", "hideIndex", "drop", "renameOnto"]),
        weight: 3,
      },
      { arbitrary: of(["newCollection", "view", "dropView"]), weight: 1 },
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 0, maxLength: 4 }), async (writes) => {
        runs++;
        for (const w of writes) await applyAppWrite(client, target, w);
        const { report } = await restore(target);
        expect(await stateOf(client, target)).toEqual(reference);
        // Nothing untouched was copied: every collection none of the writes named is kept (time-series aside).
        const named = new Set(writes.map((w) => w.c));
        for (const c of ["orders", "customers", "notes"])
          if (!named.has(c) && !writes.some((w) => w.op === "renameOnto" && w.c === c))
            expect(methodOf(report)[c], `${c} after ${JSON.stringify(writes)}`).toBe("kept (identical)");
      }),
      { numRuns: 20, seed: replset ? 2511 : 2512, endOnFailure: true },
    );
    expect(runs).toBe(20);
  });

  it("a restore after a new generation copies only the collections that differ between generations", async () => {
    const target = `${prefix}_pr_3`;
    await restore(target);
    const prod = client.db(`${prefix}_prod`);
    await prod.collection<{ _id: number }>("orders").updateOne({ _id: 3 }, { $set: { customer: "changed" } });
    const before = (await readSnapshotMetadata(client.db(`${prefix}_snapshot`)))?.generation;
    await produceTestSnapshot(client, prefix);
    const after = await readSnapshotMetadata(client.db(`${prefix}_snapshot`));
    expect(after?.generation).not.toBe(before);
    try {
      const { report } = await restore(target, "new-snapshot");
      expect(report.skipped).toBe(false);
      const copied = report.collections.filter((c) => c.method !== "kept (identical)").map((c) => c.name);
      // metrics: time-series, always copied; events: capped, kept only when its source is the same collection.
      expect(copied.sort()).toEqual(["events", "metrics", "orders"]);
      expect(report.collections.find((c) => c.name === "orders")?.check?.reason).toMatch(
        replset
          ? /unchanged since the last restore, but the new snapshot's differs/
          : /documents differ \(dbHash\)/,
      );
      // The end state is the new snapshot's, as a full restore of it gives.
      await restore(`${prefix}_pr_4`, "full");
      expect(await stateOf(client, target)).toEqual(await stateOf(client, `${prefix}_pr_4`));
    } finally {
      // Back to the first snapshot's content for the other tests (a third generation with the same data).
      await prod.collection<{ _id: number }>("orders").updateOne({ _id: 3 }, { $set: { customer: "c3" } });
      await produceTestSnapshot(client, prefix);
      await restore(`${prefix}_pr_900`, "full");
    }
  });

  it("a restore that fails half-way leaves the database marked restoring; the next one trusts no record and converges", async () => {
    const target = `${prefix}_pr_5`;
    await restore(target);
    await applyAppWrite(client, target, { op: "update", c: "orders", n: 7 });
    await applyAppWrite(client, target, { op: "insert", c: "notes", n: 8 });
    const failing = restore(target, "every-sync", {
      onCollectionCopied: () => {
        throw new Error("killed half-way");
      },
    });
    await expect(failing).rejects.toThrow(/killed half-way/);
    expect((await readPrMetadata(client, target))?.status).toBe("restoring");
    // No copy is left under a temporary name.
    const names = (await client.db(target).listCollections({}, { nameOnly: true }).toArray()).map(
      (c) => c.name,
    );
    expect(names.filter((n) => n.startsWith(TEMPORARY_PREFIX))).toEqual([]);
    const { report, lines } = await restore(target);
    // Without a complete record the change stream cannot speak: only dbHash keeps.
    for (const c of report.collections)
      if (c.method === "kept (identical)") expect(c.check?.proof, c.name).toBe("dbHash");
    // No record, so no change stream is even tried; the one line says which way was used.
    expect(lines.join("\n")).not.toMatch(/Change stream/);
    expect(lines.join("\n")).toMatch(
      /Comparing \d+ collection\(s\) by dbHash \(no complete record of the last restore\)/,
    );
    expect(await stateOf(client, target)).toEqual(await stateOf(client, `${prefix}_pr_900`));
  });
});

describe("proofs the server refuses or cannot give (a proxy answers as the server would)", () => {
  let direct: MongoClient;
  let proxy: AtlasProxy;
  let viaProxy: MongoClient;
  const prefix = "dfp";
  const restore = (refresh: RefreshPolicy = "every-sync") => {
    const { log, lines } = logged();
    return restoreSnapshot({
      client: viaProxy,
      log,
      snapshotDatabase: `${prefix}_snapshot`,
      target: `${prefix}_pr_1`,
      policy: targetPolicy({ prefix }),
      waitTimeoutMs: 2_000,
      pollIntervalMs: 200,
      concurrency: 3,
      dryRun: false,
      allowPrivilegedCredentials: true,
      refresh,
    }).then((report) => ({ report, lines }));
  };

  beforeAll(async () => {
    const uri = inject("mongoReplSetUri");
    direct = new MongoClient(uri);
    await direct.connect();
    await seedDifferential(direct, `${prefix}_prod`, { orders: 60 });
    await produceTestSnapshot(direct, prefix);
    const host = uri.replace(/^mongodb:\/\//, "").split("/")[0] as string;
    proxy = await AtlasProxy.start({ backend: host, profile: "none" });
    viaProxy = new MongoClient(proxy.uri());
    await viaProxy.connect();
  });
  afterAll(async () => {
    for (const db of ["prod", "snapshot", "pr_1"])
      await direct
        ?.db(`${prefix}_${db}`)
        .dropDatabase()
        .catch(() => {});
    await viaProxy?.close();
    await proxy?.stop();
    await direct?.close();
  });

  it("a change stream gap (ChangeStreamHistoryLost) falls back to dbHash, and says so", async () => {
    await restore();
    proxy.setIntercept((c) => (isChangeStream(c) ? HISTORY_LOST : undefined));
    try {
      const { report, lines } = await restore();
      expect(proxy.answered.get("aggregate")).toBeGreaterThanOrEqual(1);
      expect(lines.join("\n")).toMatch(
        /Change stream: the oplog no longer reaches back to the last restore \(ChangeStreamHistoryLost\); comparing by dbHash instead\./,
      );
      expect(keptNames(report)).toEqual(["customers", "notes", "orders"]);
      for (const name of ["customers", "notes", "orders"]) expect(proofOf(report)[name]).toBe("dbHash");
    } finally {
      proxy.setIntercept(() => undefined);
    }
  });

  it("dbHash refused (as on Atlas's shared tiers): one warning; the change stream still keeps, a changed collection is copied", async () => {
    await restore();
    await direct
      .db(`${prefix}_pr_1`)
      .collection<{ _id: number }>("orders")
      .updateOne({ _id: 1 }, { $set: { x: 1 } });
    proxy.setIntercept((c) => (c.dbHash !== undefined ? atlasRefusal("dbHash") : undefined));
    try {
      const { report, lines } = await restore();
      expect(keptNames(report)).toEqual(["customers", "events", "notes"]);
      expect(methodOf(report).orders).not.toBe("kept (identical)");
      // And with neither proof, nothing is kept.
      proxy.setIntercept((c) =>
        c.dbHash !== undefined ? atlasRefusal("dbHash") : isChangeStream(c) ? HISTORY_LOST : undefined,
      );
      const none = await restore();
      expect(none.report.keptCollections).toBe(0);
      const warnings = none.lines.filter((l) => l.startsWith("warning: This server refused dbHash"));
      expect(warnings).toHaveLength(1);
      expect(none.report.collections.find((c) => c.name === "orders")?.check?.reason).toMatch(
        /no proof: .*unavailable/,
      );
      expect(lines.join("\n")).not.toMatch(/refused dbHash/);
    } finally {
      proxy.setIntercept(() => undefined);
    }
  });
});
