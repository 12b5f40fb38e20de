import { TEMPORARY_PREFIX } from "@pr-snapshots/core/copy/swap";
import { readRecordedFingerprints } from "@pr-snapshots/core/differential/fingerprint";
import { consoleLog } from "@pr-snapshots/core/log";
import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { targetPolicy } from "@pr-snapshots/core/names";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { type RestoreRequest, restoreSnapshot } from "@pr-snapshots/core/snapshot/restore";
import { BSON, type Document, MongoClient } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { failureOf } from "../support/assert";
import { AtlasProxy } from "../support/atlas-proxy";
import { seedDifferential, stateOf } from "../support/differential";
import { pullRequestEvent } from "../support/events";
import { dbHash } from "../support/mongod";
import { type RunActionOptions, runAction, startAction } from "../support/run-action";
import { SAMPLE_COLLECTIONS, seedProduction } from "../support/sample-data";
import { mongoAndGitHub, produceTestSnapshot } from "../support/suite";

/**
 * Differential restore (CONTRACT §11) as users meet it: the bundled action's outputs, summary and
 * comment; a restore killed half-way; and a preview application that keeps writing throughout.
 */

const suite = mongoAndGitHub();
beforeEach(() => {
  suite.gh.restore();
  suite.gh.clearRequests();
});

const restore = (inputs: Record<string, string | number | boolean>, extra: RunActionOptions = {}) =>
  runAction("restore-snapshot", {
    apiUrl: suite.gh.url,
    ...extra,
    inputs: {
      "github-token": suite.gh.defaultToken,
      "mongodb-uri": suite.uri,
      "poll-interval-seconds": 1,
      "wait-timeout-seconds": 5,
      ...inputs,
    },
  });

const temporaries = async (client: MongoClient, db: string) =>
  (await client.db(db).listCollections({}, { nameOnly: true }).toArray())
    .map((c) => String(c.name))
    .filter((n) => n.startsWith(TEMPORARY_PREFIX));

describe("restore-snapshot, differential (bundled action as a process)", () => {
  it("outputs, the summary's check column and the db-restored comment say what was kept and what copied", async () => {
    await seedProduction(suite.client, "dfa_prod", { scale: 1 });
    await produceTestSnapshot(suite.client, "dfa");
    suite.gh.addPullRequest({ number: 4, labels: ["preview", "use-snapshot"] });
    const event = pullRequestEvent({ action: "synchronize", number: 4 });

    const first = await restore({ "db-prefix": "dfa" }, { event, runId: 1 });
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs).toMatchObject({
      collections: "11",
      "kept-collections": "0",
      "copied-collections": "11",
    });
    const all = Number(first.outputs["copied-bytes"]);
    expect(all).toBeGreaterThan(0);

    // The preview edits one document of one collection; the next push restores again.
    await suite.client
      .db("dfa_pr_4")
      .collection<{ _id: string }>("pmProject")
      .updateOne({}, { $set: { name: "edited by the preview" } });
    const second = await restore({ "db-prefix": "dfa" }, { event, runId: 2 });
    expect(second.code, second.stdout).toBe(0);
    expect(second.outputs).toMatchObject({
      collections: "11",
      "kept-collections": "10",
      "copied-collections": "1",
    });
    const copied = Number(second.outputs["copied-bytes"]);
    expect(copied).toBeGreaterThan(0);
    expect(copied).toBeLessThan(all / 5);
    // A standalone server has no change streams: said once, then dbHash decides.
    expect(second.stdout).toMatch(
      /Comparing 11 collection\(s\) by dbHash \(this is a standalone server, which has no change streams\)/,
    );
    expect(second.summary).toMatch(/\| collection \| documents \| indexes \| seconds \| method \| check \|/);
    expect(second.summary).toMatch(
      /\| pmStudy \| \d+ \| 4 \| 0\.00 \| kept \(identical\) \| dbHash: same documents \(dbHash\) \([\d.]+ s\) \|/,
    );
    expect(second.summary).toMatch(
      /\| pmProject \| \d+ \| \d+ \| [\d.]+ \| \$out \| dbHash: documents differ \(dbHash\) \([\d.]+ s\) \|/,
    );
    expect(second.summary).toMatch(
      /Collections: 1 copied \([\d.]+ KiB\), 10 kept as they were \(identical to the snapshot\)/,
    );
    const comments = suite.gh.commentsOn(4);
    expect(comments.at(-1)?.body).toMatch(
      /1 copied \([\d.]+ KiB\), 10 kept as they were \(identical to the snapshot\)/,
    );

    // Nothing the preview wrote survives: the database is the snapshot again.
    const prod = await dbHash(suite.client, "dfa_prod");
    const pr = await dbHash(suite.client, "dfa_pr_4");
    for (const name of SAMPLE_COLLECTIONS) expect(pr.collections[name], name).toBe(prod.collections[name]);

    // refresh: full copies everything again, as before this feature.
    const full = await restore({ "db-prefix": "dfa", refresh: "full", comment: false }, { event, runId: 3 });
    expect(full.code, full.stdout).toBe(0);
    expect(full.outputs).toMatchObject({ "kept-collections": "0", "copied-collections": "11" });
    expect(full.summary).toMatch(/\| pmStudy \| \d+ \| 4 \| [\d.]+ \| \$out \| refresh: full \(0\.00 s\) \|/);
  });

  it("a differential restore killed half-way leaves the database marked restoring; the next one drops its unfinished copy and converges", async () => {
    await seedProduction(suite.client, "dfk_prod", { scale: 40, abstractWords: 400 });
    await produceTestSnapshot(suite.client, "dfk");
    const inputs = {
      "db-prefix": "dfk",
      "pr-number": 12,
      concurrency: 1,
      comment: false,
      // The killed run's lease must expire before the next run may write: keep that short here.
      "lease-seconds": 3,
    };
    expect((await restore(inputs)).code).toBe(0);
    // The preview changes the largest collection: the next restore copies it, and is killed meanwhile.
    await suite.client
      .db("dfk_pr_12")
      .collection<{ _id: string }>("pmStudy")
      .updateOne({}, { $set: { title: "edited" } });
    const killed = startAction("restore-snapshot", {
      apiUrl: suite.gh.url,
      inputs: { ...inputs, "github-token": suite.gh.defaultToken, "mongodb-uri": suite.uri },
    });
    const deadline = Date.now() + 60_000;
    while ((await temporaries(suite.client, "dfk_pr_12")).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    killed.child.kill("SIGKILL");
    expect((await killed.done).code).not.toBe(0);
    expect((await readPrMetadata(suite.client, "dfk_pr_12"))?.status).toBe("restoring");

    const next = await restore(inputs);
    expect(next.code, next.stdout).toBe(0);
    expect(next.stdout).toMatch(/Dropped 1 unfinished copy of an earlier restore\./);
    expect(await temporaries(suite.client, "dfk_pr_12")).toEqual([]);
    expect((await readPrMetadata(suite.client, "dfk_pr_12"))?.status).toBe("complete");
    const prod = await dbHash(suite.client, "dfk_prod");
    const pr = await dbHash(suite.client, "dfk_pr_12");
    for (const name of SAMPLE_COLLECTIONS) expect(pr.collections[name], name).toBe(prod.collections[name]);
  });
});

describe("the preview application keeps writing during a restore (replica set)", () => {
  let client: MongoClient;
  const prefix = "dfw";
  const run = (target: string, extra: Partial<RestoreRequest> = {}, c: MongoClient = client) =>
    restoreSnapshot({
      client: c,
      log: consoleLog({ write: () => {} }),
      snapshotDatabase: `${prefix}_snapshot`,
      target,
      policy: targetPolicy({ prefix }),
      waitTimeoutMs: 2_000,
      pollIntervalMs: 200,
      concurrency: 2,
      dryRun: false,
      allowPrivilegedCredentials: true,
      ...extra,
    });

  beforeAll(async () => {
    client = new MongoClient(inject("mongoReplSetUri"));
    await client.connect();
    await seedDifferential(client, `${prefix}_prod`, { orders: 3_000 });
    await produceTestSnapshot(client, prefix);
  });
  afterAll(async () => {
    for (const db of ["prod", "snapshot", "pr_1", "pr_2"])
      await client
        ?.db(`${prefix}_${db}`)
        .dropDatabase()
        .catch(() => {});
    await client?.close();
  });

  /**
   * The application: inserts into orders, and drops, re-creates and fills notes, in a loop, on
   * its own connection, until stopped. What it writes runs into validators and unique indexes
   * sometimes; that is its business.
   */
  function application(database: string) {
    const app = new MongoClient(inject("mongoReplSetUri"));
    let stop = false;
    let writes = 0;
    let wrote: () => void = () => {};
    const writing = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    const done = (async () => {
      await app.connect();
      const db = app.db(database);
      for (let i = 0; !stop; i++) {
        await db
          .collection<Document>("orders")
          .insertOne({ ref: `app-${i}`, app: true })
          .catch(() => {});
        await db
          .collection("notes")
          .drop()
          .catch(() => false);
        await db
          .collection<Document>("notes")
          .insertOne({ title: `app ${i}`, app: true })
          .catch(() => {});
        writes++;
        wrote();
      }
      await app.close();
    })();
    return {
      /** Resolves once the application has written both collections (it keeps writing until stopped). */
      writing,
      async stop() {
        stop = true;
        await done;
        return writes;
      },
    };
  }

  const canonical = (docs: Document[]) =>
    BSON.EJSON.stringify(
      [...docs].sort((a, b) => BSON.EJSON.stringify(a._id).localeCompare(BSON.EJSON.stringify(b._id))),
      { relaxed: false },
    );

  /**
   * The documents a swapped-in collection held at the moment of its swap, from the oplog: the
   * collection keeps its UUID through `$out`'s rename and the swap, and until the swap only the
   * restore wrote it (under its temporary name, which the application cannot know). So the inserts
   * into that UUID up to the swap's rename are exactly what the collection held when it took the name.
   * (MongoDB 6.0 cannot read a re-created collection at an earlier cluster time, so a snapshot read
   * cannot tell.)
   */
  async function documentsAtSwap(
    database: string,
    collection: string,
    uuid: BSON.Binary,
  ): Promise<Document[]> {
    const oplog = client.db("local").collection("oplog.rs");
    const swap = await oplog.findOne({
      op: "c",
      ns: `${database}.$cmd`,
      "o.to": `${database}.${collection}`,
      ui: uuid,
    });
    if (!swap) throw new Error(`no swap of ${collection} in the oplog`);
    const entries = await oplog
      .find({ ts: { $lte: swap.ts }, $or: [{ ui: uuid }, { "o.applyOps.ui": uuid }] })
      .toArray();
    const writes = entries.flatMap((e) =>
      e.op === "c" && Array.isArray(e.o?.applyOps) ? e.o.applyOps : [e],
    );
    const mine = writes.filter(
      (w: Document) => w.ui && Buffer.from(w.ui.buffer).equals(Buffer.from(uuid.buffer)),
    );
    // Only inserts: a copy never updates or deletes.
    expect(mine.filter((w: Document) => ["u", "d"].includes(w.op))).toEqual([]);
    return mine.filter((w: Document) => w.op === "i").map((w: Document) => w.o as Document);
  }

  it("the restore succeeds, and every collection holds exactly the snapshot's documents as of its swap", async () => {
    const meta = await readSnapshotMetadata(client.db(`${prefix}_snapshot`));
    const physical = meta?.physical ?? {};
    for (const target of [`${prefix}_pr_1`, `${prefix}_pr_1`]) {
      // First into an empty database (everything copied), then again (the two written collections copied).
      const app = application(target);
      let report: Awaited<ReturnType<typeof run>>;
      try {
        await app.writing;
        report = await run(target);
      } finally {
        expect(await app.stop()).toBeGreaterThan(0);
      }
      expect(report.collections.map((c) => c.name).sort()).toEqual([
        "customers",
        "events",
        "metrics",
        "notes",
        "orders",
      ]);
      expect(report.keptCollections + report.copiedCollections).toBe(5);
      const record = readRecordedFingerprints((await readPrMetadata(client, target))?.fingerprints);
      for (const c of report.collections) {
        // Untouched by the application: compared with a full restore below.
        if (c.method === "kept (identical)" || c.name === "metrics") continue;
        const uuid = record[c.name]?.uuid;
        expect(uuid, c.name).toBeDefined();
        const snapshot = await client
          .db(`${prefix}_snapshot`)
          .collection(physical[c.name] ?? c.name)
          .find({})
          .toArray();
        expect(canonical(await documentsAtSwap(target, c.name, uuid as BSON.Binary)), c.name).toBe(
          canonical(snapshot),
        );
      }
      // The application writes orders and notes: those were copied, whatever the proofs.
      expect(report.collections.filter((c) => c.method !== "kept (identical)").map((c) => c.name)).toEqual(
        expect.arrayContaining(["notes", "orders"]),
      );
      // What it did not touch is the snapshot's now, and orders kept its indexes and options.
      const state = await stateOf(client, target);
      await run(`${prefix}_pr_2`, { refresh: "full" });
      const reference = await stateOf(client, `${prefix}_pr_2`);
      const pick = (s: Document, names: string[]) =>
        (s.collections as Document[]).filter((c) => names.includes(String(c.name)));
      expect(pick(state, ["customers", "events", "metrics"])).toEqual(
        pick(reference, ["customers", "events", "metrics"]),
      );
      const indexesOf = (s: Document, name: string) =>
        (s.collections as Document[]).find((c) => c.name === name)?.indexes;
      expect(indexesOf(state, "orders")).toBe(indexesOf(reference, "orders"));
    }
  });

  it("a swap that cannot win fails after bounded retries, saying that the application is writing and what to do", async () => {
    const host = inject("mongoReplSetUri")
      .replace(/^mongodb:\/\//, "")
      .split("/")[0] as string;
    // What mongod answers while an index build the application started holds the collection.
    const proxy = await AtlasProxy.start({
      backend: host,
      profile: "none",
      intercept: (c) =>
        c.renameCollection === `${prefix}_pr_2.orders` || String(c.to ?? "") === `${prefix}_pr_2.orders`
          ? {
              ok: 0,
              errmsg: `cannot perform operation: an index build is currently running for collection ${prefix}_pr_2.orders`,
              code: 12587,
              codeName: "BackgroundOperationInProgressForNamespace",
            }
          : undefined,
    });
    const viaProxy = new MongoClient(proxy.uri());
    try {
      await viaProxy.connect();
      await client.db(`${prefix}_pr_2`).collection<Document>("orders").insertOne({ ref: "app", app: true });
      const error = await failureOf(run(`${prefix}_pr_2`, {}, viaProxy));
      expect(error.message).toMatch(
        /Could not swap the restored copy of dfw_pr_2\.orders into place after 5 attempts: the application connected to dfw_pr_2 keeps changing that collection \(last error: cannot perform operation: an index build is currently running.*\)\. The database is marked as restoring, not complete\. Stop the preview application or scale it down/,
      );
      expect(proxy.answered.get("renameCollection")).toBe(5);
      expect((await readPrMetadata(client, `${prefix}_pr_2`))?.status).toBe("restoring");
      expect(await temporaries(client, `${prefix}_pr_2`)).toEqual([]);
    } finally {
      await viaProxy.close();
      await proxy.stop();
    }
  });
});
