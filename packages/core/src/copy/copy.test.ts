import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import fc from "fast-check";
import {
  Binary,
  BSON,
  BSONRegExp,
  BSONSymbol,
  Code,
  Decimal128,
  type Document,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  MongoClient,
  ObjectId,
  Timestamp,
  UUID,
} from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dbHash } from "../../../../test/support/mongod";
import { seedProduction } from "../../../../test/support/sample-data";
import { consoleLog } from "../log";
import { readCollectionSpec } from "../mongo/specs";
import { targetPolicy } from "../names";
import { type CopyEnv, copyCollection } from "./engine";
import { chooseMethod, type MethodFacts, rangesFor } from "./methods";
import { formatDuration, formatProgress, Progress } from "./progress";
import { rangeMatch, rangesFromSortedSample, splitById } from "./ranges";
import { documentSequenceClass, insertRaw } from "./raw-insert";
import { copyComment, stopStaleCopies } from "./stale";
import { EXACT_BSON, streamCopy } from "./stream";

const require = createRequire(import.meta.url);

/** Documents whose _id is any BSON value, as the tests insert them. */
type AnyIdDoc = { _id: unknown; [field: string]: unknown };

const lines: string[] = [];
const log = consoleLog({ write: (l) => lines.push(l) });
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

/** Every BSON type a copy could get wrong, in values and in field names. */
function everyType(): Document[] {
  const oid = new ObjectId("65a1b2c3d4e5f60718293a4b");
  return [
    {
      _id: new Int32(1),
      i32: new Int32(5),
      i64small: Long.fromNumber(5),
      i64large: Long.fromString("9223372036854775807"),
      i64neg: Long.fromString("-9007199254740993"),
      doubleInteger: new Double(5),
      negativeZero: new Double(-0),
      nan: new Double(Number.NaN),
      inf: new Double(Number.POSITIVE_INFINITY),
      ninf: new Double(Number.NEGATIVE_INFINITY),
      decimal: Decimal128.fromString("1.10"),
      decimalNegZero: Decimal128.fromString("-0.00"),
      bin0: new Binary(Buffer.from("generic bytes"), 0),
      bin4: new UUID("0f8fad5b-d9cb-469f-a165-70867728950e").toBinary(),
      bin128: new Binary(Buffer.from([1, 2, 3]), 128),
      oid,
      ts: new Timestamp({ t: 1_700_000_000, i: 7 }),
      min: new MinKey(),
      max: new MaxKey(),
      regex: new BSONRegExp("^a.b$", "imsux"),
      code: new Code("function () { return 1; }"),
      symbol: new BSONSymbol("a symbol"),
      nothing: null,
      before1970: new Date(Date.UTC(1900, 0, 1)),
      farFuture: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
      nested: { $dollar: 1, "dot.ted": 2, deep: [{ x: new Int32(1) }, Long.fromNumber(2), new Double(3)] },
    },
    { _id: new Int32(2), $top: "a $-prefixed top-level field", "dotted.name": true },
    { _id: Long.fromNumber(3), kind: "Int64 _id" },
    { _id: new Double(4.5), kind: "Double _id" },
    { _id: "a string id", kind: "string _id" },
    { _id: "$looksLikeAFieldPath", kind: "an _id that an expression would misread" },
    { _id: oid, kind: "ObjectId _id" },
    { _id: { compound: 1, key: "x" }, kind: "document _id" },
    { _id: new Date(0), kind: "date _id" },
    { _id: true, kind: "boolean _id" },
    ...Array.from({ length: 40 }, (_, i) => ({
      _id: i % 3 === 0 ? `s-${i}` : i % 3 === 1 ? new Int32(100 + i) : new ObjectId(),
      i,
    })),
  ];
}

async function seed(client: MongoClient, db: string, coll: string, docs: Document[], options: Document = {}) {
  await client.db(db).dropDatabase();
  await client.db(db).createCollection(coll, options);
  // forceServerObjectId: the driver would give the null _id a fresh ObjectId.
  await client.db(db).collection(coll).insertMany(docs, { forceServerObjectId: true });
}

function env(
  source: MongoClient,
  target: MongoClient,
  method: CopyEnv["method"],
  extra: Partial<CopyEnv> = {},
): CopyEnv {
  return {
    source,
    target,
    sameDeployment: source === target,
    policy: targetPolicy({ prefix: "cp", allowedTargets: ["cp_.*"] }),
    log,
    tag: "test",
    timeseriesOut: false,
    cores: 8,
    concurrency: 4,
    method,
    rangeThresholdBytes: 0,
    minRangeBytes: 1,
    ...extra,
  };
}

async function copy(
  e: CopyEnv,
  from: { db: string; collection: string },
  to: { db: string; collection: string },
  extra: Document = {},
) {
  const spec = await readCollectionSpec(e.source.db(from.db), from.collection);
  if (!spec) throw new Error(`no ${from.db}.${from.collection}`);
  const stats = await e.source.db(from.db).command({ dbStats: 1 });
  return copyCollection(e, {
    source: from,
    target: to,
    spec: { ...spec, name: to.collection },
    bytes: Number(stats.dataSize),
    documents: await e.source.db(from.db).collection(from.collection).countDocuments(),
    ...extra,
  });
}

async function hashOf(client: MongoClient, db: string, coll: string): Promise<string | undefined> {
  return (await dbHash(client, db)).collections[coll];
}

describe("copy engine: byte-identical by every method", () => {
  const cases: [string, CopyEnv["method"], "same" | "other", RegExp][] = [
    ["$out", "out", "same", /^\$out$/],
    ["parallel ranges", "ranges", "same", /^ranges ×\d+$/],
    ["stream on one deployment", "stream", "same", /^stream ×\d+$/],
    ["stream between two deployments", "auto", "other", /^stream ×\d+ \(cross-cluster\)$/],
  ];

  it.each(cases)(
    "%s: every BSON type, $-prefixed and dotted names, mixed _id types",
    async (_, method, where, label) => {
      const db = `cp_types_${method}_${where}`;
      await seed(one, `${db}_src`, "all", everyType());
      const target = where === "same" ? one : other;
      await target.db(`${db}_dst`).dropDatabase();
      const r = await copy(
        env(one, target, method),
        { db: `${db}_src`, collection: "all" },
        { db: `${db}_dst`, collection: "all" },
      );
      expect(r.method).toMatch(label);
      expect(r.documents).toBe(everyType().length);
      expect(await hashOf(target, `${db}_dst`, "all")).toBe(await hashOf(one, `${db}_src`, "all"));
    },
  );

  it.each(cases)("%s: a document of almost 16 MB and a null _id", async (_, method, where) => {
    const db = `cp_big_${method}_${where}`;
    const big = "x".repeat(16 * 1024 * 1024 - 2_000);
    await seed(one, `${db}_src`, "big", [
      { _id: null, note: "the one document whose _id is null" },
      { _id: 1, big },
      ...Array.from({ length: 30 }, (_, i) => ({ _id: 10 + i, small: i })),
    ]);
    const target = where === "same" ? one : other;
    await target.db(`${db}_dst`).dropDatabase();
    const r = await copy(
      env(one, target, method),
      { db: `${db}_src`, collection: "big" },
      { db: `${db}_dst`, collection: "big" },
    );
    expect(r.documents).toBe(32);
    expect(await hashOf(target, `${db}_dst`, "big")).toBe(await hashOf(one, `${db}_src`, "big"));
    expect(
      await target
        .db(`${db}_dst`)
        .collection("big")
        .countDocuments({ _id: null } as Document),
    ).toBe(1);
  });

  it("capped collections: same documents in the same natural order, on one deployment and across two", async () => {
    const docs = Array.from({ length: 300 }, (_, i) => ({ i, l: Long.fromNumber(i), d: new Double(i) }));
    await seed(one, "cp_capped_src", "events", docs, { capped: true, size: 16_384, max: 200 });
    for (const target of [one, other]) {
      await target.db("cp_capped_dst").dropDatabase();
      const r = await copy(
        env(one, target, "auto"),
        { db: "cp_capped_src", collection: "events" },
        { db: "cp_capped_dst", collection: "events" },
      );
      expect(r.method).toMatch(/^stream \(capped/);
      expect(await hashOf(target, "cp_capped_dst", "events")).toBe(
        await hashOf(one, "cp_capped_src", "events"),
      );
      const order = await target
        .db("cp_capped_dst")
        .collection("events")
        .find()
        .sort({ $natural: 1 })
        .toArray();
      expect(order.map((d) => d.i)).toEqual(
        (await one.db("cp_capped_src").collection("events").find().sort({ $natural: 1 }).toArray()).map(
          (d) => d.i,
        ),
      );
    }
  });

  it("time-series below 7.0.3: the same documents with the same BSON types, on one deployment and across two", async () => {
    const docs = Array.from({ length: 120 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 0, 1, 0, i)),
      host: { name: `h${i % 3}` },
      asLong: Long.fromNumber(i),
      asDouble: new Double(i),
      asInt: new Int32(i),
      asDecimal: Decimal128.fromString(`${i}.50`),
    }));
    await seed(one, "cp_ts_src", "metrics", docs, {
      timeseries: { timeField: "at", metaField: "host", granularity: "minutes" },
    });
    // A time-series collection stores measurements column by column and rebuilds each document on
    // read, so the order of top-level fields is the server's, not the writer's: compare values and types.
    const exact = async (client: MongoClient, db: string) =>
      // Measurements need not have an _id (these have none): compare them as a sorted list.
      (await client.db(db).collection("metrics").find({}, EXACT_BSON).toArray())
        .map((d) =>
          BSON.EJSON.stringify(Object.fromEntries(Object.entries(d).sort(([a], [b]) => a.localeCompare(b))), {
            relaxed: false,
          }),
        )
        .sort();
    for (const target of [one, other]) {
      await target.db("cp_ts_dst").dropDatabase();
      const r = await copy(
        env(one, target, "auto"),
        { db: "cp_ts_src", collection: "metrics" },
        { db: "cp_ts_dst", collection: "metrics" },
      );
      expect(r.method).toMatch(/^stream \(time-series/);
      expect((await readCollectionSpec(target.db("cp_ts_dst"), "metrics"))?.type).toBe("timeseries");
      expect(await exact(target, "cp_ts_dst")).toEqual(await exact(one, "cp_ts_src"));
      expect(await exact(target, "cp_ts_dst")).toHaveLength(120);
    }
  });

  it("ranges recreate the indexes first and verify; a collection default collation is respected", async () => {
    await one.db("cp_coll_src").dropDatabase();
    await one.db("cp_coll_src").createCollection("people", { collation: { locale: "en", strength: 2 } });
    await one
      .db("cp_coll_src")
      .collection<AnyIdDoc>("people")
      .insertMany(
        Array.from({ length: 200 }, (_, i) => ({
          _id: `Name-${String(i).padStart(3, "0")}`,
          email: `p${i}@example.org`,
        })),
      );
    await one.db("cp_coll_src").collection("people").createIndex({ email: 1 }, { unique: true });
    await one.db("cp_coll_dst").dropDatabase();
    const r = await copy(
      env(one, one, "ranges"),
      { db: "cp_coll_src", collection: "people" },
      { db: "cp_coll_dst", collection: "people" },
    );
    expect(r.method).toMatch(/^ranges ×/);
    expect(await hashOf(one, "cp_coll_dst", "people")).toBe(await hashOf(one, "cp_coll_src", "people"));
    const spec = await readCollectionSpec(one.db("cp_coll_dst"), "people");
    expect(spec?.options.collation).toMatchObject({ locale: "en", strength: new Int32(2) });
    expect(spec?.indexes.map((i) => i.name)).toEqual(["email_1"]);
  });
});

describe("stale server-side copies", () => {
  it.each(["$out", "$merge"])(
    "a killed client's %s keeps running on the server until stopStaleCopies stops it",
    async (stage) => {
      await seedProduction(one, "cp_stale_src", { scale: 250, abstractWords: 1_500, structure: false });
      const total = await one.db("cp_stale_src").collection("pmStudy").countDocuments();
      await one.db("cp_stale_dst").dropDatabase();
      await one.db("cp_stale_dst").createCollection("pmStudy");
      const comment = copyComment({ db: "cp_stale_dst", collection: "pmStudy" }, "a-killed-run");
      const into =
        stage === "$out"
          ? { $out: { db: "cp_stale_dst", coll: "pmStudy" } }
          : {
              $merge: {
                into: { db: "cp_stale_dst", coll: "pmStudy" },
                on: "_id",
                whenMatched: "fail",
                whenNotMatched: "insert",
              },
            };
      // A separate process, so that SIGKILL leaves the server with an operation nobody waits for.
      const child = spawn(
        process.execPath,
        [
          "-e",
          `const { MongoClient } = require(${JSON.stringify(require.resolve("mongodb"))});
         const c = new MongoClient(${JSON.stringify(inject("mongoStandaloneUri"))});
         c.db("cp_stale_src").collection("pmStudy").aggregate([{ $addFields: { copied: true } }, ${JSON.stringify(into)}], { comment: ${JSON.stringify(comment)} }).toArray();`,
        ],
        { stdio: "ignore" },
      );
      const running = async () =>
        (
          await one
            .db("admin")
            .aggregate([{ $currentOp: {} }, { $match: { "command.comment": comment } }])
            .toArray()
        ).length;
      const deadline = Date.now() + 30_000;
      while ((await running()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      child.kill("SIGKILL");
      const stopped = await stopStaleCopies(one, "cp_stale_dst", log);
      expect(stopped).toBe(1);
      expect(await running()).toBe(0);
      // Stopped part-way: the operation did not get to copy everything.
      const written = await one.db("cp_stale_dst").collection("pmStudy").estimatedDocumentCount();
      expect(written).toBeLessThan(total);
      expect(lines.join("\n")).toContain(`Stopping an unfinished copy from an earlier run: ${comment}`);
    },
  );
});

describe("the stream's two writers", () => {
  it("raw pass-through is available with this driver, and refuses to lose documents silently", async () => {
    expect(documentSequenceClass()).toBeDefined();
    const coll = one.db("cp_raw").collection("dup");
    await coll.drop().catch(() => {});
    const doc = BSON.serialize({ _id: 1, x: new Long(5) });
    await insertRaw(coll, [doc], { ordered: false });
    await expect(
      insertRaw(coll, [doc, BSON.serialize({ _id: 2 })], { ordered: false }),
    ).rejects.toMatchObject({
      code: 11000,
    });
    expect(await coll.countDocuments()).toBe(2);
  });

  it.each([false, true])("decode=%s: every BSON type arrives byte-identical", async (decode) => {
    await seed(one, "cp_writer_src", "all", everyType());
    await other.db(`cp_writer_${decode}`).dropDatabase();
    await other.db(`cp_writer_${decode}`).createCollection("all");
    const result = await streamCopy({
      source: one.db("cp_writer_src").collection("all"),
      target: other.db(`cp_writer_${decode}`).collection("all"),
      pipeline: [],
      ranges: [{}],
      ordered: false,
      comment: "test",
      beforeWrite: () => {},
      decode,
      batchDocuments: 7,
    });
    expect(result.documents).toBe(everyType().length);
    expect(await hashOf(other, `cp_writer_${decode}`, "all")).toBe(await hashOf(one, "cp_writer_src", "all"));
  });
});

describe("splitting by _id", () => {
  const anyId = fc.oneof(
    fc.integer({ min: -1000, max: 1000 }).map((n) => new Int32(n)),
    fc.integer({ min: -1000, max: 1000 }).map((n) => Long.fromNumber(n * 7 + 3)),
    fc.double({ noNaN: true, min: -1e6, max: 1e6 }).map((n) => new Double(n)),
    fc.string({ maxLength: 6 }),
    fc.constant(null).map(() => new ObjectId()),
    fc.date({ min: new Date(-1e12), max: new Date(1e13), noInvalidDate: true }),
    fc.boolean(),
    fc.record({ a: fc.integer({ min: 0, max: 9 }) }),
    fc.constantFrom(new MinKey(), new MaxKey()),
  );

  it("the ranges hold every document exactly once, whatever mix of types the _ids are", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyId, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 2, max: 7 }),
        async (ids, k) => {
          const coll = one.db("cp_split").collection<AnyIdDoc>("ids");
          await coll.drop().catch(() => {});
          // Numerically equal values are one _id to the server: keep the first of each.
          await coll
            .insertMany(
              ids.map((_id, i) => ({ _id, i })),
              { ordered: false, forceServerObjectId: true },
            )
            .catch(() => {});
          const total = await coll.countDocuments();
          const ranges = await splitById(coll, k);
          const seen = new Map<string, number>();
          for (const range of ranges) {
            const match = rangeMatch(range);
            const docs = await coll.aggregate([...(match ? [match] : [])], EXACT_BSON).toArray();
            for (const d of docs) {
              const key = BSON.EJSON.stringify({ k: d._id }, { relaxed: false });
              seen.set(key, (seen.get(key) ?? 0) + 1);
            }
          }
          expect([...seen.values()].every((n) => n === 1)).toBe(true);
          expect(seen.size).toBe(total);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("range bounds use the _id index", async () => {
    const coll = one.db("cp_split").collection<AnyIdDoc>("explain");
    await coll.drop().catch(() => {});
    await coll.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: i % 2 ? `s${i}` : i })));
    const match = rangeMatch({ from: 10, to: "s50" });
    const plan = await coll.aggregate([match ?? {}]).explain("queryPlanner");
    expect(JSON.stringify(plan)).toMatch(/IXSCAN/);
  });

  it("quantiles of the sorted sample, fewer ranges when the sample is small", () => {
    expect(rangesFromSortedSample([1, 2, 3, 4, 5, 6, 7, 8], 4)).toEqual([
      { to: 3 },
      { from: 3, to: 5 },
      { from: 5, to: 7 },
      { from: 7 },
    ]);
    expect(rangesFromSortedSample([1], 4)).toEqual([{}]);
    expect(rangesFromSortedSample([], 4)).toEqual([{}]);
  });
});

describe("choosing the method", () => {
  const facts = (f: Partial<MethodFacts>): MethodFacts => ({
    type: "collection",
    capped: false,
    bytes: 10 * 1024 * 1024,
    sameDeployment: true,
    timeseriesOut: false,
    cores: 16,
    concurrency: 4,
    rangeThresholdBytes: 128 * 1024 * 1024,
    setting: "auto",
    ...f,
  });
  const GiB = 1024 ** 3;

  it("small collections: $out; large ones: ranges from the server's cores; capped and time-series stream", () => {
    expect(chooseMethod(facts({})).label).toBe("$out");
    expect(chooseMethod(facts({ bytes: GiB })).label).toBe("ranges ×8");
    expect(chooseMethod(facts({ bytes: GiB, cores: 4 })).label).toBe("ranges ×2");
    expect(chooseMethod(facts({ bytes: GiB, cores: 2 })).label).toBe("$out");
    expect(chooseMethod(facts({ bytes: GiB, cores: undefined })).label).toBe("ranges ×4");
    expect(chooseMethod(facts({ bytes: GiB, cores: 64 })).label).toBe("ranges ×16");
    expect(chooseMethod(facts({ capped: true, bytes: GiB })).label).toBe("stream (capped)");
    expect(chooseMethod(facts({ type: "timeseries" })).label).toBe("stream (time-series)");
    expect(chooseMethod(facts({ type: "timeseries", timeseriesOut: true })).label).toBe("$out (time-series)");
    expect(chooseMethod(facts({ sameDeployment: false, bytes: GiB })).label).toBe(
      "stream ×4 (cross-cluster)",
    );
    expect(chooseMethod(facts({ sameDeployment: false, type: "timeseries", timeseriesOut: true })).kind).toBe(
      "stream",
    );
    expect(chooseMethod(facts({ setting: "out", bytes: GiB })).label).toBe("$out");
  });

  it("a range carries at least 32 MB", () => {
    expect(rangesFor({ bytes: 100 * 1024 * 1024, cores: 32, concurrency: 4 })).toBe(3);
    expect(chooseMethod(facts({ bytes: 129 * 1024 * 1024 })).label).toBe("ranges ×4");
  });
});

describe("progress", () => {
  it("documents, MB, MB/s, ETA and what is in flight", () => {
    expect(
      formatProgress({
        what: "Restoring shop_pr_7",
        documents: 1_500,
        bytes: 50 * 1_048_576,
        totalDocuments: 3_000,
        totalBytes: 150 * 1_048_576,
        elapsedMs: 10_000,
        inFlight: ["pmStudy (ranges ×2, copying 40%)"],
      }),
    ).toBe(
      "Restoring shop_pr_7: 1,500 of 3,000 documents, 50.0 of 150.0 MB (33%), 5.0 MB/s, ETA 20s; in progress: pmStudy (ranges ×2, copying 40%)",
    );
    expect(formatDuration(3_725_000)).toBe("1h02m");
  });

  it("a stream copy counts as it goes, and the log gets lines at the interval", async () => {
    await seed(
      one,
      "cp_prog_src",
      "docs",
      Array.from({ length: 3_000 }, (_, i) => ({ _id: i, pad: "p".repeat(500) })),
    );
    await other.db("cp_prog_dst").dropDatabase();
    const own: string[] = [];
    const progress = new Progress({
      log: consoleLog({ write: (l) => own.push(l) }),
      totalDocuments: 3_000,
      totalBytes: 3_000 * 530,
      intervalMs: 5,
      what: "Copying",
    }).start();
    await copy(
      env(one, other, "auto", { progress }),
      { db: "cp_prog_src", collection: "docs" },
      { db: "cp_prog_dst", collection: "docs" },
    );
    progress.stop();
    const last = await progress.tick();
    expect(last).toMatch(
      /^Copying: 3,000 of 3,000 documents, [\d.]+ of [\d.]+ MB \(\d+%\), [\d.]+ MB\/s, ETA \w+$/,
    );
    expect(own.length).toBeGreaterThan(1);
  });
});
