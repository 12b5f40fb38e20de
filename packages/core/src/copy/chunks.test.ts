import { type Document, MongoClient, ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { silentLog } from "../log";
import { readCollectionSpec } from "../mongo/specs";
import { targetPolicy } from "../names";
import { type ChunkPosition, type CopyEnv, copyCollection } from "./engine";

/**
 * Bounded chunks (a server's time cap, a throttle): a large collection is copied as `_id`-range
 * chunks, every document exactly once, byte for byte, with the betweenChunks hook awaited between
 * two chunks, on one deployment ($merge) and across two (stream).
 */
let one: MongoClient;
let other: MongoClient;
beforeAll(async () => {
  one = new MongoClient(inject("mongoStandaloneUri"));
  other = new MongoClient(inject("mongoReplSetUri"));
  await Promise.all([one.connect(), other.connect()]);
  const source = one.db("ch_src");
  await source.dropDatabase();
  const ids: unknown[] = [
    ...Array.from({ length: 300 }, (_, i) => i),
    ...Array.from({ length: 100 }, (_, i) => `k${i}`),
    ...Array.from({ length: 100 }, (_, i) => new ObjectId(i.toString(16).padStart(24, "0"))),
    null,
  ];
  await source.collection("mixed").insertMany(
    ids.map((_id, i) => ({ _id, i, pad: "p".repeat(200) }) as Document),
    { forceServerObjectId: true },
  );
  await source.collection("mixed").createIndex({ i: 1 });
});
afterAll(async () => {
  await one?.close();
  await other?.close();
});

async function hash(client: MongoClient, db: string): Promise<string | undefined> {
  return (await client.db(db).command({ dbHash: 1, collections: ["mixed"] })).collections?.mixed;
}

function env(target: MongoClient, between: (at: ChunkPosition) => Promise<void>): CopyEnv {
  return {
    source: one,
    target,
    sameDeployment: target === one,
    policy: targetPolicy({ prefix: "ch", allowedTargets: ["ch_.*"] }),
    log: silentLog,
    tag: "chunks-test",
    timeseriesOut: false,
    cores: 2,
    concurrency: 4,
    method: "auto",
    rangeThresholdBytes: 1024 ** 3,
    chunkBytes: 16 * 1024,
    betweenChunks: between,
  };
}

describe("bounded chunks", () => {
  it.each([
    ["one deployment ($merge)", "same", /^chunks ×\d+$/],
    [
      "two deployments (stream)",
      "other",
      /^stream, \d+ chunks \(cross-cluster\)$|^stream \(cross-cluster\), \d+ chunks$/,
    ],
  ] as const)("%s: every document once, byte for byte, the hook between chunks", async (_, where, label) => {
    const target = where === "same" ? one : other;
    const db = `ch_dst_${where}`;
    await target.db(db).dropDatabase();
    const calls: ChunkPosition[] = [];
    const spec = await readCollectionSpec(one.db("ch_src"), "mixed");
    if (!spec) throw new Error("no source");
    const r = await copyCollection(
      env(target, async (at) => {
        calls.push(at);
      }),
      {
        source: { db: "ch_src", collection: "mixed" },
        target: { db, collection: "mixed" },
        spec,
        bytes: 501 * 230,
        documents: 501,
        expectedCount: 501,
      },
    );
    expect(r.method).toMatch(label);
    const chunks = calls[0]?.chunks ?? 0;
    expect(chunks).toBeGreaterThanOrEqual(5);
    // Between chunks, then once more before the secondary indexes are built after the last chunk.
    expect(calls.map((c) => c.chunk)).toEqual(Array.from({ length: chunks }, (_, i) => i + 1));
    expect(calls.every((c) => c.collection === "mixed")).toBe(true);
    expect(await hash(target, db)).toBe(await hash(one, "ch_src"));
  });

  it("a hook that throws stops the copy like a failed chunk", async () => {
    await one.db("ch_dst_stop").dropDatabase();
    const spec = await readCollectionSpec(one.db("ch_src"), "mixed");
    if (!spec) throw new Error("no source");
    await expect(
      copyCollection(
        env(one, async (at) => {
          if (at.chunk === 2) throw new Error("paused for good");
        }),
        {
          source: { db: "ch_src", collection: "mixed" },
          target: { db: "ch_dst_stop", collection: "mixed" },
          spec,
          bytes: 501 * 230,
          documents: 501,
        },
      ),
    ).rejects.toThrow("paused for good");
  });
});
