import { BSON, type Document, MongoClient, Timestamp } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { failureOf } from "../../../../test/support/assert";
import { type RunningMongo, startMongo } from "../../../../test/support/mongod";
import { producerRoles } from "../../../../test/support/permission-model";
import {
  seedShop as seedShopIn,
  shopChange as shopChangeIn,
  shopViolations as shopViolationsIn,
} from "../../../../test/support/shop";
import { produceTestSnapshot } from "../../../../test/support/suite";
import { parseConfig } from "../config-schema";
import { copyCollection, copyEnvironment } from "../copy/engine";
import { RefusedError, UserError } from "../errors";
import { consoleLog } from "../log";
import { maskingKey } from "../masking/key";
import { compilePolicy, type Policy } from "../masking/policy";
import { maskingStages, SALT_VARIABLE } from "../masking/stages";
import { compileSubsets } from "../masking/subset";
import { startMaskingCheck } from "../masking/verify";
import { snapshotSession } from "../mongo/cluster-time";
import { readCollectionSpec } from "../mongo/specs";
import { startTracking } from "./catch-up";
import { readSnapshotMetadata, type SnapshotMetadata } from "./metadata";
import { type ProduceReport, type ProduceRequest, producerPolicy } from "./producer";

/**
 * Point-in-time snapshots (CONTRACT §13) on a real replica set (the shared one-member set: change
 * streams and snapshot reads work there as on three members). Production is written while the
 * producer runs, both by a concurrent workload and, deterministically, between two collections'
 * copies (onCollectionCopied): the snapshot must be production as of its recorded cluster time.
 */

const lines: string[] = [];
const log = consoleLog({ write: (l) => lines.push(l) });
const SALT = "a-salt-for-point-in-time-0123456789";
let rs: MongoClient;
let standalone: MongoClient;

beforeAll(async () => {
  rs = new MongoClient(inject("mongoReplSetUri"));
  standalone = new MongoClient(inject("mongoStandaloneUri"));
  await Promise.all([rs.connect(), standalone.connect()]);
});
afterAll(async () => {
  await rs?.close();
  await standalone?.close();
});

const produce = (prefix: string, extra: Partial<ProduceRequest> = {}) =>
  produceTestSnapshot(rs, prefix, { log, retain: 1, concurrency: 1, maxShrinkPercent: 100, ...extra });

const policyOf = (yaml: string): Policy => {
  const p = compilePolicy(parseConfig(yaml));
  if (!p) throw new Error("no policy");
  return p;
};

async function latest(prefix: string): Promise<SnapshotMetadata> {
  const meta = await readSnapshotMetadata(rs.db(`${prefix}_snapshot`));
  if (!meta) throw new Error("no snapshot");
  return meta;
}

/** A collection of the published snapshot, sorted by _id, as canonical Extended JSON (types included). */
async function snapshotDocs(prefix: string, name: string): Promise<string[]> {
  const meta = await latest(prefix);
  const physical = meta.physical?.[name] ?? name;
  return canonical(await rs.db(`${prefix}_snapshot`).collection(physical).find().sort({ _id: 1 }).toArray());
}

/** Production's documents as of a cluster time, through the same stages the copy uses. */
async function productionAt(
  prefix: string,
  name: string,
  at: Timestamp,
  stages: Document[] = [],
  variables?: Document,
) {
  const session = snapshotSession(rs, at);
  try {
    return canonical(
      await rs
        .db(`${prefix}_prod`)
        .collection(name)
        .aggregate([...stages, { $sort: { _id: 1 } }], { session, ...(variables ? { let: variables } : {}) })
        .toArray(),
    );
  } finally {
    await session.endSession();
  }
}

const canonical = (docs: Document[]) => docs.map((d) => BSON.EJSON.stringify(d, { relaxed: false }));

type AnyId = { _id?: number | string } & Document;

const seedShop = (prefix: string) => seedShopIn(rs, `${prefix}_prod`);
/** Deterministic: each change touches the first order or account at or after 0. */
const shopChange = (prefix: string, kind: number) => shopChangeIn(rs, `${prefix}_prod`, kind, 0, () => 0);
async function shopViolations(prefix: string): Promise<string[]> {
  const meta = await latest(prefix);
  return shopViolationsIn(rs, `${prefix}_snapshot`, (n) => meta.physical?.[n] ?? n);
}

/** Between the copies of customers and orders: a new customer with an order, a deleted order, a move. */
const betweenCopies = (prefix: string) => async (name: string) => {
  if (name !== "customers") return;
  for (let k = 0; k < 8; k++) await shopChange(prefix, k);
};

describe("point in time on a replica set", () => {
  it("under a concurrent workload the snapshot keeps every invariant and equals production as of its cluster time", async () => {
    const prefix = "pit_shop";
    await seedShop(prefix);
    let stop = false;
    let writes = 0;
    const workload = (async () => {
      for (let k = 0; !stop; k++) {
        await shopChange(prefix, k);
        writes++;
      }
    })();
    let report: ProduceReport;
    try {
      report = await produce(prefix, { onCollectionCopied: betweenCopies(prefix) });
    } finally {
      stop = true;
      await workload;
    }
    expect(writes).toBeGreaterThan(0);
    const meta = await latest(prefix);
    expect(meta.consistency).toBe("point-in-time");
    expect(meta.consistentAt).toBeInstanceOf(Timestamp);
    expect(meta.consistentAtDate).toBeInstanceOf(Date);
    expect((meta.consistentAtDate as Date).getTime()).toBe((meta.consistentAt as Timestamp).t * 1000);
    expect(report.consistency.consistency).toBe("point-in-time");
    const catchUp = report.consistency.catchUp;
    expect(catchUp?.documents).toBeGreaterThan(0);
    expect(catchUp?.passes.at(-1)?.kind).toBe("point-in-time");
    expect(await shopViolations(prefix)).toEqual([]);
    for (const name of ["customers", "orders", "counters", "accountsA", "accountsB"])
      expect(await snapshotDocs(prefix, name), name).toEqual(
        await productionAt(prefix, name, meta.consistentAt as Timestamp),
      );
    // The counts recorded are the caught-up ones.
    expect(meta.counts?.orders).toBe((await snapshotDocs(prefix, "orders")).length);
  });

  it("without the catch-up (per-collection) the same writes between two copies break the invariants", async () => {
    const prefix = "pit_shop_off";
    await seedShop(prefix);
    const report = await produce(prefix, {
      consistency: "per-collection",
      onCollectionCopied: betweenCopies(prefix),
    });
    expect(report.consistency).toEqual({
      consistency: "per-collection",
      reason: "consistency is set to per-collection",
    });
    const meta = await latest(prefix);
    expect(meta.consistency).toBe("per-collection");
    expect(meta.consistentAt).toBeUndefined();
    const violations = await shopViolations(prefix);
    expect(violations.some((v) => v.includes("missing customer"))).toBe(true);
  });

  it("reflects deletes, masked-field updates, and documents entering or leaving a subset (directly or through a reference)", async () => {
    const prefix = "pit_rules";
    const db = rs.db(`${prefix}_prod`);
    await db.dropDatabase();
    await db.collection<AnyId>("people").insertMany([
      { _id: 1, email: "ann@example.com", active: true },
      { _id: 2, email: "bob@example.com", active: true },
      { _id: 3, email: "cid@example.com", active: false },
      { _id: 4, email: "dee@example.com", active: true },
    ]);
    await db.collection<AnyId>("projects").insertMany([
      { _id: "J1", kept: false },
      { _id: "J2", kept: true },
      { _id: "J3", kept: true },
    ]);
    await db.collection<AnyId>("tasks").insertMany([
      { _id: 1, projectId: "J1" },
      { _id: 2, projectId: "J1" },
      { _id: 3, projectId: "J2" },
      { _id: 4, projectId: "J3" },
      { _id: 5, projectId: "J3" },
    ]);
    const dataPolicy = policyOf(
      [
        "masking:",
        "  rules:",
        "    people: { email: email }",
        "subset:",
        "  people: { filter: { active: true } }",
        "  projects: { filter: { kept: true } }",
        "  tasks: { references: [{ field: projectId, collection: projects }] }",
      ].join("\n"),
    );
    const before = await produce(prefix, { dataPolicy, salt: SALT });
    expect(before.consistency.consistency).toBe("point-in-time");
    const maskedBefore = JSON.parse((await snapshotDocs(prefix, "people"))[0] as string).email;
    let copied = 0;
    await produce(prefix, {
      dataPolicy,
      salt: SALT,
      onCollectionCopied: async () => {
        // After the last copy: only the catch-up can bring these changes into the snapshot.
        if (++copied < 3) return;
        await db
          .collection<AnyId>("people")
          .updateOne({ _id: 1 }, { $set: { email: "ann.new@example.com" } });
        await db.collection<AnyId>("people").deleteOne({ _id: 2 });
        await db.collection<AnyId>("people").updateOne({ _id: 3 }, { $set: { active: true } });
        await db.collection<AnyId>("people").updateOne({ _id: 4 }, { $set: { active: false } });
        await db.collection<AnyId>("projects").updateOne({ _id: "J1" }, { $set: { kept: true } }); // tasks 1, 2 enter
        await db.collection<AnyId>("projects").updateOne({ _id: "J2" }, { $set: { kept: false } }); // task 3 leaves
        await db.collection<AnyId>("tasks").updateOne({ _id: 5 }, { $set: { projectId: "J2" } }); // task 5 leaves
      },
    });
    const meta = await latest(prefix);
    expect(meta.consistency).toBe("point-in-time");
    expect((meta.masking as { verified?: boolean }).verified).toBe(true);
    const people = (await snapshotDocs(prefix, "people")).map((d) => JSON.parse(d));
    expect(people.map((p) => p._id.$numberInt)).toEqual(["1", "3"]);
    const ann = people[0].email as string;
    expect(ann).not.toBe("ann.new@example.com");
    expect(ann).not.toBe(maskedBefore); // the masked value of the new address
    const tasks = (await snapshotDocs(prefix, "tasks")).map((d) => JSON.parse(d)._id.$numberInt);
    expect(tasks).toEqual(["1", "2", "4"]);
    // Exactly production as of the recorded time, through the same stages.
    const at = meta.consistentAt as Timestamp;
    const subsets = await compileSubsets(dataPolicy, db, ["people", "projects", "tasks"]);
    for (const name of ["people", "projects", "tasks"])
      expect(await snapshotDocs(prefix, name), name).toEqual(
        await productionAt(
          prefix,
          name,
          at,
          [...(subsets.stages.get(name) ?? []), ...maskingStages(dataPolicy.rules[name])],
          // The server gets the policy's key, never the salt (masking/key.ts).
          { [SALT_VARIABLE]: maskingKey(SALT, dataPolicy.hash) },
        ),
      );
    expect(meta.subset).toEqual({ people: 2, projects: 2, tasks: 3 });
  });

  it("a masked _id: the catch-up replaces and deletes the masked documents, never leaving two versions", async () => {
    const prefix = "pit_maskedid";
    const db = rs.db(`${prefix}_prod`);
    await db.dropDatabase();
    await db
      .collection<AnyId>("members")
      .insertMany(Array.from({ length: 6 }, (_, i) => ({ _id: `m${i}`, email: `m${i}@example.com`, n: i })));
    const dataPolicy = policyOf("masking:\n  rules:\n    members: { _id: hash, email: email }\n");
    await produce(prefix, {
      dataPolicy,
      salt: SALT,
      onCollectionCopied: async () => {
        await db
          .collection<AnyId>("members")
          .updateOne({ _id: "m1" }, { $set: { n: 100, email: "new@example.com" } });
        await db.collection<AnyId>("members").deleteOne({ _id: "m2" });
        await db.collection<AnyId>("members").insertOne({ _id: "m9", email: "m9@example.com", n: 9 });
      },
    });
    const meta = await latest(prefix);
    expect(meta.consistency).toBe("point-in-time");
    expect((meta.masking as { verified?: boolean }).verified).toBe(true);
    expect(meta.counts?.members).toBe(6);
    expect(await snapshotDocs(prefix, "members")).toEqual(
      await productionAt(
        prefix,
        "members",
        meta.consistentAt as Timestamp,
        maskingStages(dataPolicy.rules.members),
        { [SALT_VARIABLE]: maskingKey(SALT, dataPolicy.hash) },
      ),
    );
  });

  it("a collection dropped in production during the copy fails the run clearly; the previous snapshot stays the latest", async () => {
    const prefix = "pit_drop";
    await seedShop(prefix);
    await produce(prefix);
    const previous = await latest(prefix);
    const error = await failureOf(
      produce(prefix, {
        onCollectionCopied: async (name) => {
          if (name === "accountsA") await rs.db(`${prefix}_prod`).collection<AnyId>("accountsA").drop();
        },
      }),
    );
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.message).toMatch(
      /In production, accountsA was dropped at .* while the snapshot was being taken/,
    );
    expect(error.message).toContain("the previous snapshot stays in use");
    const after = await latest(prefix);
    expect(after.generation).toBe(previous.generation);
    expect(after.status).toBe("complete");
  });

  it("an index created during the copy: the collection is copied again and the snapshot has the index", async () => {
    const prefix = "pit_index";
    await seedShop(prefix);
    const report = await produce(prefix, {
      onCollectionCopied: async (name) => {
        if (name === "orders")
          await rs.db(`${prefix}_prod`).collection<AnyId>("orders").createIndex({ customerId: 1 });
      },
    });
    expect(report.consistency.catchUp?.restarted).toEqual(["orders"]);
    const meta = await latest(prefix);
    const spec = await readCollectionSpec(rs.db(`${prefix}_snapshot`), meta.physical?.orders ?? "");
    expect(spec?.indexes.map((i) => i.name)).toContain("customerId_1");
    expect(meta.consistency).toBe("point-in-time");
  });

  it("time-series collections are copied again as of the consistent time; a capped one that changed makes the snapshot per-collection, or fails point-in-time", async () => {
    const prefix = "pit_special";
    const db = rs.db(`${prefix}_prod`);
    await db.dropDatabase();
    await db.createCollection("metrics", { timeseries: { timeField: "t", metaField: "m" } });
    await db.createCollection("log", { capped: true, size: 100_000 });
    await db
      .collection<AnyId>("metrics")
      .insertMany(Array.from({ length: 5 }, (_, i) => ({ t: new Date(i * 1000), m: i })));
    await db.collection<AnyId>("log").insertOne({ _id: 1, line: "started" });
    await db.collection<AnyId>("plain").insertOne({ _id: 1 });
    const writeTimeseries = async (name: string) => {
      if (name === "plain") await db.collection<AnyId>("metrics").insertOne({ t: new Date(9_000), m: 9 });
    };
    await produce(prefix, { onCollectionCopied: writeTimeseries });
    let meta = await latest(prefix);
    expect(meta.consistency).toBe("point-in-time");
    expect(meta.counts?.metrics).toBe(6);

    lines.length = 0;
    const writeCapped = async (name: string) => {
      if (name === "plain") await db.collection<AnyId>("log").insertOne({ line: "more" });
    };
    const report = await produce(prefix, { onCollectionCopied: writeCapped });
    expect(report.consistency.consistency).toBe("per-collection");
    expect(report.consistency.reason).toContain("capped collection log changed");
    meta = await latest(prefix);
    expect(meta.consistency).toBe("per-collection");
    expect(lines.join("\n")).toContain("This snapshot is per-collection");

    const error = await failureOf(
      produce(prefix, { consistency: "point-in-time", onCollectionCopied: writeCapped }),
    );
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.message).toMatch(/^consistency: point-in-time, but the capped collection log changed/);
    expect((await latest(prefix)).generation).toBe(meta.generation);
  });

  it("a pass that can no longer read as of its time is followed by a pass over the latest data, then by a point in time", async () => {
    const prefix = "pit_window";
    await seedShop(prefix);
    const report = await produce(prefix, {
      onCollectionCopied: betweenCopies(prefix),
      // The first pass reads as of a time before production's collections existed: as if the window had passed.
      catchUpTimeOfPass: (n, now) => (n === 1 ? new Timestamp({ t: now.t - 3_600, i: 1 }) : now),
    });
    const passes = report.consistency.catchUp?.passes ?? [];
    expect(passes.map((p) => [p.kind, Boolean(p.missed)])).toEqual([
      ["point-in-time", true],
      ["latest", false],
      ["point-in-time", false],
    ]);
    expect(await shopViolations(prefix)).toEqual([]);
    const meta = await latest(prefix);
    for (const name of ["customers", "orders", "counters"])
      expect(await snapshotDocs(prefix, name), name).toEqual(
        await productionAt(prefix, name, meta.consistentAt as Timestamp),
      );
  });
});

describe("the catch-up's masking proof", () => {
  it("covers the documents the catch-up wrote: a caught-up production value is found", async () => {
    const prod = "pit_proof_prod";
    const snap = "pit_proof_snapshot";
    await rs.db(prod).dropDatabase();
    await rs.db(snap).dropDatabase();
    await rs
      .db(prod)
      .collection<AnyId>("people")
      .insertMany([
        { _id: 1, email: "ann@example.com" },
        { _id: 2, email: "bob@example.com" },
      ]);
    const policy = policyOf("masking:\n  rules:\n    people: { email: email }\n");
    const spec = await readCollectionSpec(rs.db(prod), "people");
    if (!spec) throw new Error("no spec");
    const env = await copyEnvironment({
      source: rs,
      target: rs,
      sameDeployment: true,
      policy: producerPolicy(snap, prod),
      log,
      tag: "pit-proof",
      concurrency: 2,
    });
    const variables = { [SALT_VARIABLE]: SALT };
    const target = { db: snap, collection: "g1.people" };
    const { tracker } = await startTracking({
      client: rs,
      database: prod,
      collections: [spec],
      views: [],
      log,
      required: true,
    });
    if (!tracker) throw new Error("no tracker");
    const check = startMaskingCheck({
      policy,
      source: rs.db(prod),
      snapshot: rs.db(snap),
      generation: "g1",
      collections: ["people"],
      sameDeployment: true,
      comment: "pit-proof",
    });
    try {
      await copyCollection(env, {
        source: { db: prod, collection: "people" },
        target,
        spec,
        bytes: 0,
        documents: 2,
        pipeline: maskingStages(policy.rules.people),
        variables,
      });
      expect((await check.verify({ name: "people", physical: target.collection })).problems).toEqual([]);
      await rs
        .db(prod)
        .collection<AnyId>("people")
        .updateOne({ _id: 2 }, { $set: { email: "bob.new@example.com" } });
      const report = await tracker.catchUp({
        env,
        log,
        snapshot: rs.db(snap),
        copies: [{ spec, physical: target.collection }],
        // A catch-up that forgets the masking stages: the proof must see what it wrote.
        pipelineFor: () => [],
        variablesFor: () => variables,
        subsetStages: new Map(),
        subsetRules: {},
        maskingRules: policy.rules,
        copyAgain: () => Promise.reject(new Error("not expected")),
        masking: { check, collections: new Set(["people"]) },
      });
      expect(report.consistency).toBe("point-in-time");
      expect(report.changed).toEqual({ people: 1 });
      expect(report.verifications.flatMap((v) => v.problems)).toEqual([
        "people: 1 distinct masked value(s) of email equal a production value of the same path",
      ]);
    } finally {
      await tracker.close();
      await check.dispose();
    }
  });
});

describe("least privilege", () => {
  let mongo: RunningMongo;
  beforeAll(async () => {
    mongo = await startMongo({ kind: "replset", auth: true });
  });
  afterAll(async () => mongo?.stop());

  it("read on production is all the change stream, the snapshot reads and the masked _ids need", async () => {
    const admin = new MongoClient(mongo.uri);
    await admin.connect();
    try {
      await admin
        .db("lp_prod")
        .collection<AnyId>("members")
        .insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: `m${i}`, email: `m${i}@example.com` })));
      const uri = await mongo.createUser({
        user: "lp-producer",
        pwd: "lp-producer-pw",
        roles: producerRoles("lp_prod", "lp_snapshot"),
      });
      const producer = new MongoClient(uri);
      await producer.connect();
      try {
        const report = await produceTestSnapshot(producer, "lp", {
          log,
          allowPrivilegedCredentials: false,
          consistency: "point-in-time",
          dataPolicy: policyOf("masking:\n  rules:\n    members: { _id: hash, email: email }\n"),
          salt: SALT,
          onCollectionCopied: async () => {
            await admin.db("lp_prod").collection<AnyId>("members").deleteOne({ _id: "m1" });
            await admin
              .db("lp_prod")
              .collection<AnyId>("members")
              .updateOne({ _id: "m2" }, { $set: { email: "x@example.com" } });
          },
        });
        expect(report.consistency.consistency).toBe("point-in-time");
        expect(report.consistency.catchUp?.documents).toBe(2);
        expect((await readSnapshotMetadata(admin.db("lp_snapshot")))?.counts).toEqual({ members: 4 });
      } finally {
        await producer.close();
      }
    } finally {
      await admin.close();
    }
  });
});

describe("standalone servers", () => {
  it("auto: per-collection, said once in the log; point-in-time: refused before anything is written", async () => {
    const prefix = "pit_single";
    await standalone.db(`${prefix}_prod`).dropDatabase();
    await standalone.db(`${prefix}_snapshot`).dropDatabase();
    await standalone.db(`${prefix}_prod`).collection<AnyId>("c").insertOne({ _id: 1 });
    lines.length = 0;
    const report = await produceTestSnapshot(standalone, prefix, { log });
    expect(report.consistency.consistency).toBe("per-collection");
    expect(
      lines.filter((l) => l.includes("standalone")),
      lines.join("\n"),
    ).toHaveLength(1);
    expect((await readSnapshotMetadata(standalone.db(`${prefix}_snapshot`)))?.consistency).toBe(
      "per-collection",
    );

    await standalone.db(`${prefix}_snapshot`).dropDatabase();
    const error = await failureOf(
      produceTestSnapshot(standalone, prefix, { log, consistency: "point-in-time" }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("consistency: point-in-time needs a replica set or a sharded cluster");
    const dbs = await standalone.db("admin").admin().listDatabases({ nameOnly: true });
    expect(dbs.databases.map((d) => d.name)).not.toContain(`${prefix}_snapshot`);
  });
});
