import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderPreviewComment } from "../preview/render";
import { DEFAULT_LABELS } from "../settings";
import { readDatabaseSize } from "./size";

let client: MongoClient;
beforeAll(async () => {
  client = new MongoClient(inject("mongoStandaloneUri"));
  await client.connect();
});
afterAll(async () => client?.close());

describe("readDatabaseSize (dbStats on a real mongod)", () => {
  it("reads data, storage and index sizes; a missing database has no collections", async () => {
    expect(await readDatabaseSize(client, "sz_missing_1")).toMatchObject({ collections: 0, dataSize: 0 });
    const db = client.db("sz_pr_1");
    await db
      .collection("a")
      .insertMany(Array.from({ length: 500 }, (_, i) => ({ i, text: "x".repeat(200) })));
    await db.collection("a").createIndex({ i: 1 });
    await db.collection("b").insertOne({ b: 1 });
    const size = await readDatabaseSize(client, "sz_pr_1");
    expect(size.collections).toBe(2);
    expect(size.dataSize).toBeGreaterThan(500 * 200);
    expect(size.storageSize).toBeGreaterThan(0);
    expect(size.indexSize).toBeGreaterThan(0);
    expect(size.onDisk).toBe(size.storageSize + size.indexSize);
    await db.dropDatabase();
  });
});

describe("the preview comment's size row", () => {
  const model = {
    number: 7,
    headSha: "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    database: "shop_pr_7",
    namespace: "pr-{number}",
    urls: [],
    useSnapshot: false,
    locked: false,
    labels: DEFAULT_LABELS,
  };

  it("shows data and on-disk sizes when known, and no row when not", () => {
    const size = { dataSize: 271_581_184, storageSize: 96_468_992, indexSize: 41_943_040, collections: 11 };
    expect(renderPreviewComment({ ...model, size: { ...size, onDisk: 138_412_032 } })).toContain(
      "| Size | 259 MiB of data; 132 MiB on disk (92.0 MiB storage + 40.0 MiB indexes) |",
    );
    expect(renderPreviewComment(model)).not.toContain("| Size |");
  });
});
