import { type Document, MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { failureOf } from "../../../../test/support/assert";
import { dbHash } from "../../../../test/support/mongod";
import {
  authServerForSuite,
  producerRoles,
  pullRequestRoles,
} from "../../../../test/support/permission-model";
import { SAMPLE_COLLECTIONS, SAMPLE_VIEW, seedProduction } from "../../../../test/support/sample-data";
import { produceTestSnapshot } from "../../../../test/support/suite";
import { TargetRefusedError, UserError } from "../errors";
import { consoleLog, type Log } from "../log";
import { readCollectionSpecs } from "../mongo/specs";
import { isBookkeeping, METADATA_COLLECTION, readPrMetadata } from "../mongo/target";
import { targetPolicy } from "../names";
import { generations } from "./generations";
import { readSnapshotMetadata } from "./metadata";
import { type ProduceRequest, produceSnapshot } from "./producer";
import { type RestoreRequest, restoreSnapshot } from "./restore";

const lines: string[] = [];
const log: Log = consoleLog({ write: (l) => lines.push(l) });
let client: MongoClient;

beforeAll(async () => {
  client = new MongoClient(inject("mongoStandaloneUri"));
  await client.connect();
});
afterAll(async () => client?.close());

const produce = (prefix: string, extra: Partial<ProduceRequest> = {}) =>
  produceTestSnapshot(client, prefix, { log, allowPrivilegedCredentials: false, ...extra });

const restore = (prefix: string, target: string, extra: Partial<RestoreRequest> = {}) =>
  restoreSnapshot({
    client,
    log,
    snapshotDatabase: `${prefix}_snapshot`,
    target,
    policy: targetPolicy({ prefix }),
    waitTimeoutMs: 2_000,
    pollIntervalMs: 200,
    concurrency: 4,
    dryRun: false,
    allowPrivilegedCredentials: false,
    ...extra,
  });

function withoutBookkeeping(specs: Awaited<ReturnType<typeof readCollectionSpecs>>) {
  return specs.filter((s) => !isBookkeeping(s.name));
}

describe("producer → restore on a real mongod", () => {
  it("restores 11 collections with equal documents, options, indexes and the view; production untouched", async () => {
    await seedProduction(client, "fid_prod", { scale: 2 });
    const prodBefore = await dbHash(client, "fid_prod");
    const produced = await produce("fid");
    expect(produced.collections.map((c) => c.name).sort()).toEqual([...SAMPLE_COLLECTIONS].sort());
    expect(produced.views).toEqual([SAMPLE_VIEW]);

    const report = await restore("fid", "fid_pr_7");
    expect(report.collections).toHaveLength(11);
    expect(report.snapshotTimestamp).toEqual(produced.timestamp);
    expect(report.documents).toBe(produced.documents);

    // Documents: the server's own per-collection hash of the copy equals the source's.
    const prodAfter = await dbHash(client, "fid_prod");
    const pr = await dbHash(client, "fid_pr_7");
    for (const name of SAMPLE_COLLECTIONS)
      expect(pr.collections[name], name).toBe(prodAfter.collections[name]);
    expect(prodAfter).toEqual(prodBefore);

    // Options and every index, byte for byte as listCollections/listIndexes report them.
    const prodSpecs = await readCollectionSpecs(client.db("fid_prod"));
    const prSpecs = withoutBookkeeping(await readCollectionSpecs(client.db("fid_pr_7")));
    expect(prSpecs.map((s) => [s.name, s.type, s.options, s.indexes])).toEqual(
      prodSpecs.map((s) => [s.name, s.type, s.options, s.indexes]),
    );
    const kinds = prodSpecs.flatMap((s) => s.indexes);
    expect(kinds.some((i) => i.unique)).toBe(true);
    expect(kinds.some((i) => i.partialFilterExpression)).toBe(true);
    expect(kinds.some((i) => i.sparse)).toBe(true);
    expect(kinds.some((i) => i.expireAfterSeconds !== undefined)).toBe(true);
    expect(kinds.some((i) => i.hidden)).toBe(true);
    expect(kinds.some((i) => i.collation)).toBe(true);
    expect(kinds.some((i) => Object.values(i.key as Document).includes("2dsphere"))).toBe(true);
    expect(kinds.some((i) => Object.values(i.key as Document).includes("hashed"))).toBe(true);
    expect(kinds.some((i) => i.weights)).toBe(true);

    // The copies behave like production: unique constraint, validator, collation.
    const prDb = client.db("fid_pr_7");
    const someone = await prDb.collection("pmInvestigator").findOne({});
    await expect(
      prDb.collection("pmInvestigator").insertOne({ email: someone?.email }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(prDb.collection("pmProject").insertOne({ name: "" })).rejects.toMatchObject({ code: 121 });
    const anEmail = await prDb.collection("pmInvestigatorEmail").findOne({});
    expect(
      await prDb
        .collection<{ _id: string }>("pmInvestigatorEmail")
        .countDocuments({ _id: String(anEmail?._id).toUpperCase() }),
    ).toBe(1);
    expect(await prDb.collection(SAMPLE_VIEW).countDocuments()).toBe(
      produced.collections.find((c) => c.name === "pmProject")?.documents,
    );

    const meta = await readPrMetadata(client, "fid_pr_7");
    expect(meta).toMatchObject({
      source: "snapshot",
      status: "complete",
      snapshotTimestamp: produced.timestamp,
    });
    expect(meta?.restoredAt).toBeInstanceOf(Date);
    expect(meta?.counts).toEqual(Object.fromEntries(produced.collections.map((c) => [c.name, c.documents])));

    // A second run on an unchanged snapshot is just as correct; extra collections are removed.
    await prDb.collection("leftover").insertOne({ x: 1 });
    await prDb.collection("pmStudy").deleteMany({});
    const again = await restore("fid", "fid_pr_7");
    expect(again.dropped).toEqual(["leftover"]);
    const { [METADATA_COLLECTION]: _before, ...dataBefore } = pr.collections;
    const { [METADATA_COLLECTION]: _after, ...dataAfter } = (await dbHash(client, "fid_pr_7")).collections;
    expect(dataAfter).toEqual(dataBefore);
  });

  it("dry-run plans and writes nothing", async () => {
    await seedProduction(client, "dry_prod");
    const planned = await produce("dry", { dryRun: true });
    expect(planned.collections).toHaveLength(11);
    expect(await readSnapshotMetadata(client.db("dry_snapshot"))).toBeUndefined();
    await produce("dry");
    const plan = await restore("dry", "dry_pr_3", { dryRun: true });
    expect(plan.dryRun).toBe(true);
    expect(plan.documents).toBeGreaterThan(0);
    const dbs = (await client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map(
      (d) => d.name,
    );
    expect(dbs).not.toContain("dry_pr_3");
  });

  it.each([
    "admin",
    "local",
    "config",
    "tgt_prod",
    "tgt_snapshot",
    "tgt_pr_0",
    "tgt_pr_12a",
    "tgt_pr_1.x",
    "tgt_pr_$1",
    "tgt pr 1",
    `tgt_pr_${"9".repeat(60)}`,
  ])("refuses target %j before any write", async (target) => {
    const error = await failureOf(
      restore("tgt", target, { policy: targetPolicy({ prefix: "tgt", productionDatabase: "tgt_prod" }) }),
    );
    expect(error).toBeInstanceOf(TargetRefusedError);
    expect(error.message).toContain(`"${target}"`);
  });

  it("refuses the production database named by the snapshot metadata, even when allowed-targets would allow it", async () => {
    await seedProduction(client, "nm_live");
    await produceSnapshot({ ...baseProduce(), sourceDatabase: "nm_live", snapshotDatabase: "nm_snapshot" });
    const before = await dbHash(client, "nm_live");
    const error = await failureOf(
      restore("nm", "nm_live", { policy: targetPolicy({ prefix: "nm", allowedTargets: ["nm_.*"] }) }),
    );
    expect(error.message).toMatch(
      /"nm_live": it is protected \(the production database this snapshot was taken from\)/,
    );
    expect(await dbHash(client, "nm_live")).toEqual(before);
  });

  it("waits for a complete snapshot, then explains the three ways out", async () => {
    await client
      .db("wait_snapshot")
      .collection(METADATA_COLLECTION)
      .insertOne({ _id: "latest" as never, status: "writing", timestamp: new Date() });
    const started = Date.now();
    const error = await failureOf(restore("wait", "wait_pr_1", { waitTimeoutMs: 800, pollIntervalMs: 200 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      /No complete snapshot in database "wait_snapshot" after waiting 1s \(status "writing"\)/,
    );
    expect(error.message).toMatch(
      /scheduled weekly snapshot[\s\S]*snapshot-on-demand[\s\S]*remove the "use-snapshot" label/,
    );
    const missing = await failureOf(restore("nosnap", "nosnap_pr_1", { waitTimeoutMs: 0 }));
    expect(missing.message).toMatch(/no snapshot yet/);
    const dbs = (await client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map(
      (d) => d.name,
    );
    expect(dbs).not.toContain("wait_pr_1");
    expect(dbs).not.toContain("nosnap_pr_1");
  });

  it("a restore reads one generation even when a refresh publishes meanwhile", async () => {
    await seedProduction(client, "gen_prod", { scale: 3 });
    const first = await produce("gen", { retain: 1, graceSeconds: 3600 });
    const hashFirst = await dbHash(client, "gen_prod");
    let second: Awaited<ReturnType<typeof produce>> | undefined;
    // After the restore's first collection, production changes and a refresh publishes.
    const report = await restore("gen", "gen_pr_5", {
      concurrency: 1,
      onCollectionCopied: async () => {
        if (second) return;
        await client
          .db("gen_prod")
          .collection("pmStudy")
          .deleteMany({ year: { $lt: 2000 } });
        await client
          .db("gen_prod")
          .collection("pmProject")
          .insertOne({ _id: "late" as never, name: "late", ownerId: "x", createdAt: new Date() });
        second = await produce("gen", { retain: 1, graceSeconds: 3600, force: true });
      },
    });
    expect(second?.generation).toBeDefined();
    expect(second?.generation).not.toBe(first.generation);
    expect((await readSnapshotMetadata(client.db("gen_snapshot")))?.generation).toBe(second?.generation);
    expect(report.generation).toBe(first.generation);
    const pr = await dbHash(client, "gen_pr_5");
    for (const name of SAMPLE_COLLECTIONS)
      expect(pr.collections[name], name).toBe(hashFirst.collections[name]);
    // The next restore picks up the new generation.
    const next = await restore("gen", "gen_pr_5");
    expect(next.generation).toBe(second?.generation);
    expect(
      await client.db("gen_pr_5").collection<{ _id: string }>("pmProject").countDocuments({ _id: "late" }),
    ).toBe(1);
  });

  it("retention keeps exactly the configured generations", async () => {
    await seedProduction(client, "ret_prod", { scale: 0.5 });
    const runs: Awaited<ReturnType<typeof produce>>[] = [];
    for (let i = 0; i < 4; i++) runs.push(await produce("ret", { retain: 2, graceSeconds: 0 }));
    const gens = await generations(client.db("ret_snapshot"))
      .find({ kind: "generation" })
      .sort({ startedAt: 1 })
      .toArray();
    expect(gens.map((g) => g.generation)).toEqual(runs.slice(1).map((r) => r.generation));
    expect(gens.map((g) => g.status)).toEqual(["retired", "retired", "complete"]);
    const names = (await client.db("ret_snapshot").listCollections().toArray()).map((c) => c.name);
    expect(names.filter((n) => n.startsWith(runs[0]?.generation ?? "?"))).toEqual([]);
    expect(names.filter((n) => n.startsWith(runs[3]?.generation ?? "?"))).toHaveLength(11);
    expect(runs[3]?.deletedGenerations).toEqual([runs[0]?.generation]);
  });

  it("the sanity guard refuses an emptied collection unless forced; the previous snapshot stays", async () => {
    await seedProduction(client, "san_prod");
    const good = await produce("san");
    await client.db("san_prod").collection("pmInvestigator").deleteMany({});
    const error = await failureOf(produce("san"));
    expect(error.message).toMatch(
      /Refusing to publish the new snapshot: pmInvestigator had \d+ documents and is now empty/,
    );
    expect((await readSnapshotMetadata(client.db("san_snapshot")))?.generation).toBe(good.generation);
    const forced = await produce("san", { force: true });
    expect((await readSnapshotMetadata(client.db("san_snapshot")))?.generation).toBe(forced.generation);
  });

  it("copies time-series and capped collections faithfully and says how", async () => {
    const prod = client.db("odd_prod");
    await prod.dropDatabase();
    await prod.createCollection("metrics", {
      timeseries: { timeField: "at", metaField: "host", granularity: "minutes" },
    });
    await prod.collection("metrics").insertMany(
      Array.from({ length: 50 }, (_, i) => ({
        at: new Date(Date.UTC(2026, 0, 1, 0, i)),
        host: `h${i % 3}`,
        v: i,
      })),
    );
    await prod.createCollection("events", { capped: true, size: 1_048_576, max: 1000 });
    await prod.collection("events").insertMany(Array.from({ length: 20 }, (_, i) => ({ i })));
    const produced = await produce("odd");
    const methods = Object.fromEntries(produced.collections.map((c) => [c.name, c.method]));
    expect(methods.metrics).toMatch(/time-series/);
    expect(methods.events).toBe("stream (capped)");
    const report = await restore("odd", "odd_pr_2");
    const specs = Object.fromEntries(
      (await readCollectionSpecs(client.db("odd_pr_2"))).map((s) => [s.name, s]),
    );
    expect(specs.metrics?.type).toBe("timeseries");
    // Options are read with their BSON types (an Int32 here), as the server reports them.
    expect(specs.events?.options.capped).toBe(true);
    expect(Number(specs.events?.options.max)).toBe(1000);
    expect(report.collections.find((c) => c.name === "events")?.documents).toBe(20);
    const firstEvent = await client
      .db("odd_pr_2")
      .collection("events")
      .find()
      .sort({ $natural: 1 })
      .limit(1)
      .next();
    expect(firstEvent?.i).toBe(0);
  });

  it("verification fails when the copy does not match what the snapshot recorded", async () => {
    await seedProduction(client, "ver_prod", { scale: 0.5 });
    await produce("ver");
    await client
      .db("ver_snapshot")
      .collection(METADATA_COLLECTION)
      .updateOne({ _id: "latest" as never }, { $inc: { "counts.pmStudy": 5 } });
    const error = await failureOf(restore("ver", "ver_pr_4"));
    expect(error.message).toMatch(/Verification of ver_pr_4\.pmStudy .* has \d+ documents, expected \d+/);
    expect((await readPrMetadata(client, "ver_pr_4"))?.status).toBe("restoring");
  });
});

describe("the original permission model on an --auth server", () => {
  const server = authServerForSuite();

  it("producer and PR users can do their job and nothing more", async () => {
    await seedProduction(server.admin, "syrf_prod");
    const before = await dbHash(server.admin, "syrf_prod");
    const producerUri = await server.mongo.createUser({
      user: "snapshot-producer",
      pwd: "producer-secret",
      roles: producerRoles("syrf_prod", "syrf_snapshot"),
    });
    const prUri = await server.mongo.createUser({
      user: "syrf-pr-9-user",
      pwd: "pr-secret",
      roles: pullRequestRoles("syrf_snapshot", "syrf_pr_9"),
    });
    const producer = new MongoClient(producerUri);
    const prUser = new MongoClient(prUri);
    try {
      const produced = await produceSnapshot({
        ...baseProduce(),
        client: producer,
        sourceDatabase: "syrf_prod",
        snapshotDatabase: "syrf_snapshot",
      });
      expect(produced.collections).toHaveLength(11);
      const restored = await restoreSnapshot({
        client: prUser,
        log,
        snapshotDatabase: "syrf_snapshot",
        target: "syrf_pr_9",
        policy: targetPolicy({ prefix: "syrf" }),
        waitTimeoutMs: 1000,
        pollIntervalMs: 100,
        concurrency: 4,
        dryRun: false,
        allowPrivilegedCredentials: false,
      });
      expect(restored.documents).toBe(produced.documents);
      expect(lines.join("\n")).toMatch(/syrf-pr-9-user@admin cannot write any protected database/);

      // The same PR credentials cannot write production, the snapshot or another PR's database.
      for (const db of ["syrf_prod", "syrf_snapshot", "syrf_pr_10"]) {
        await expect(
          prUser.db(db).collection("pmProject").insertOne({ hacked: true }),
          db,
        ).rejects.toMatchObject({ code: 13 });
      }
      await expect(
        prUser
          .db("syrf_snapshot")
          .collection("pmProject")
          .aggregate([{ $out: { db: "syrf_prod", coll: "pmProject" } }])
          .toArray(),
      ).rejects.toMatchObject({ code: 13 });
      await expect(producer.db("syrf_prod").collection("pmProject").deleteMany({})).rejects.toMatchObject({
        code: 13,
      });
      expect(await dbHash(server.admin, "syrf_prod")).toEqual(before);

      // Root credentials are refused unless explicitly allowed.
      const refused = await failureOf(restoreSnapshot({ ...baseRestore(server.admin), target: "syrf_pr_9" }));
      expect(refused.message).toMatch(/can write every database.*allow-privileged-credentials: true/s);
      await restoreSnapshot({
        ...baseRestore(server.admin),
        target: "syrf_pr_9",
        allowPrivilegedCredentials: true,
      });
    } finally {
      await producer.close();
      await prUser.close();
    }
  });

  function baseRestore(c: MongoClient): RestoreRequest {
    return {
      client: c,
      log,
      snapshotDatabase: "syrf_snapshot",
      target: "syrf_pr_9",
      policy: targetPolicy({ prefix: "syrf" }),
      waitTimeoutMs: 1000,
      pollIntervalMs: 100,
      concurrency: 4,
      dryRun: false,
      allowPrivilegedCredentials: false,
    };
  }
});

function baseProduce(): ProduceRequest {
  return {
    client,
    log,
    sourceDatabase: "",
    snapshotDatabase: "",
    concurrency: 4,
    retain: 1,
    graceSeconds: 0,
    maxShrinkPercent: 50,
    force: false,
    dryRun: false,
    allowPrivilegedCredentials: false,
  };
}
