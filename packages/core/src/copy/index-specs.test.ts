import { BSON, Decimal128, type Document, Double, Int32, Long, MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { consoleLog } from "../log";
import { compareSpecs, readCollectionSpec } from "../mongo/specs";
import { targetPolicy } from "../names";
import { type CopyEnv, copyCollection } from "./engine";
import { EXACT_BSON } from "./stream";

/**
 * Index specs byte-faithful (issue 22): key patterns keep their BSON number types, and so does
 * every other field listIndexes gives, by every copy method. The comparison is of listIndexes'
 * own answer read with promoteValues off, serialized to BSON bytes.
 */

const log = consoleLog({ write: () => {} });
let one: MongoClient;
let other: MongoClient;

beforeAll(async () => {
  one = new MongoClient(inject("mongoStandaloneUri"));
  other = new MongoClient(inject("mongoReplSetUri"));
  await Promise.all([one.connect(), other.connect()]);
});
afterAll(async () => {
  await one?.close();
  await other?.close();
});

/** Index definitions as mongosh, Atlas's sample data and drivers write them: doubles, longs, int32s. */
const INDEXES: Document[] = [
  { key: { email: new Double(1) }, name: "email_1", unique: true },
  { key: { a: new Int32(1), b: new Double(-1), c: Long.fromNumber(1) }, name: "a_b_c" },
  { key: { createdAt: new Double(1) }, name: "ttl", expireAfterSeconds: Long.fromNumber(3600) },
  { key: { loc: "2dsphere" }, name: "loc", "2dsphereIndexVersion": new Int32(3) },
  { key: { pos: "2d" }, name: "pos", bits: new Int32(26), min: new Double(-180), max: new Double(180) },
  {
    key: { title: "text", body: "text" },
    name: "text",
    weights: { title: new Double(10), body: new Int32(2) },
    default_language: "english",
  },
  {
    key: { status: new Double(1) },
    name: "partial",
    partialFilterExpression: { score: { $gt: Decimal128.fromString("1.50") }, n: { $gte: new Double(2) } },
  },
  { key: { h: "hashed" }, name: "hashed" },
  { key: { name: new Double(1) }, name: "name_fr", collation: { locale: "fr", strength: new Int32(1) } },
  { key: { s: new Int32(-1) }, name: "sparse_hidden", sparse: true, hidden: true },
  { key: { "$**": new Double(1) }, name: "wildcard", wildcardProjection: { secret: new Double(0) } },
];

async function seed(db: string, capped: boolean): Promise<void> {
  await one.db(db).dropDatabase();
  await one.db(db).createCollection("c", capped ? { capped: true, size: 1_048_576, max: 1000 } : {});
  await one
    .db(db)
    .collection("c")
    .insertMany(
      Array.from({ length: 50 }, (_, i) => ({
        email: `p${i}@example.com`,
        a: i,
        b: i,
        c: i,
        createdAt: new Date(Date.UTC(2026, 0, 1)),
        loc: { type: "Point", coordinates: [i % 90, i % 45] },
        pos: [i % 90, i % 45],
        title: `t ${i}`,
        body: "b",
        status: i % 3,
        score: i / 10,
        n: i,
        h: i,
        name: `n${i}`,
        s: i,
      })),
    );
  await one
    .db(db)
    .command({ createIndexes: "c", indexes: capped ? INDEXES.filter((i) => i.name !== "ttl") : INDEXES });
}

/** listIndexes as the server answers it, no value promoted, as BSON bytes (sorted by name). */
async function rawIndexes(client: MongoClient, db: string, coll: string): Promise<string[]> {
  const all = await client.db(db).collection(coll).listIndexes(EXACT_BSON).toArray();
  return all
    .sort((x, y) => String(x.name).localeCompare(String(y.name)))
    .map((ix) => Buffer.from(BSON.serialize(ix)).toString("hex"));
}

function env(target: MongoClient, method: CopyEnv["method"]): CopyEnv {
  return {
    source: one,
    target,
    sameDeployment: target === one,
    policy: targetPolicy({ prefix: "ix", allowedTargets: ["ix_.*"] }),
    log,
    tag: "index-specs",
    timeseriesOut: false,
    cores: 8,
    concurrency: 4,
    method,
    rangeThresholdBytes: 0,
    minRangeBytes: 1,
  };
}

describe("index specs are copied byte for byte (listIndexes compared raw, promoteValues off)", () => {
  const cases: [string, CopyEnv["method"], "same" | "other", boolean][] = [
    ["$out", "out", "same", false],
    ["parallel $merge ranges", "ranges", "same", false],
    ["stream on one deployment", "stream", "same", false],
    ["stream between two deployments", "auto", "other", false],
    ["capped (stream)", "auto", "same", true],
  ];
  it.each(cases)("%s", async (_, method, where, capped) => {
    const src = `ix_${method}_${where}_${capped ? "capped" : "plain"}`;
    const dst = `${src}_copy`;
    await seed(src, capped);
    const target = where === "same" ? one : other;
    await target.db(dst).dropDatabase();
    const spec = await readCollectionSpec(one.db(src), "c");
    if (!spec) throw new Error("no source spec");
    // The spec as read keeps the types the server has.
    const email = spec.indexes.find((i) => i.name === "email_1");
    expect((email?.key as Document | undefined)?.email).toBeInstanceOf(Double);
    await copyCollection(env(target, method), {
      source: { db: src, collection: "c" },
      target: { db: dst, collection: "c" },
      spec,
      bytes: 10_000,
      documents: 50,
    });
    const before = await rawIndexes(one, src, "c");
    expect(before.length).toBe((capped ? INDEXES.length - 1 : INDEXES.length) + 1);
    expect(await rawIndexes(target, dst, "c")).toEqual(before);
  });

  it("the copy's own verification sees a key pattern whose number type changed", async () => {
    const db = "ix_verify";
    await one.db(db).dropDatabase();
    await one
      .db(db)
      .command({ createIndexes: "a", indexes: [{ key: { email: new Double(1) }, name: "email_1" }] });
    await one
      .db(db)
      .command({ createIndexes: "b", indexes: [{ key: { email: new Int32(1) }, name: "email_1" }] });
    const a = await readCollectionSpec(one.db(db), "a");
    const b = await readCollectionSpec(one.db(db), "b");
    if (!a || !b) throw new Error("no specs");
    expect(compareSpecs({ ...a, name: "b" }, b)).toEqual(["index definitions differ"]);
  });
});
