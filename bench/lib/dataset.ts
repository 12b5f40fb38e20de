import { silentLog } from "@pr-snapshots/core/log";
import { creatableOptions, indexSpecsFor, readCollectionSpecs } from "@pr-snapshots/core/mongo/specs";
import { produceSnapshot } from "@pr-snapshots/core/snapshot/producer";
import type { MongoClient } from "mongodb";
import { seedProduction } from "../../test/support/sample-data";

export const GiB = 2 ** 30;

/** Seeds the original design's 11 collections until the data (uncompressed BSON) reaches `bytes`. */
export async function seedToSize(
  client: MongoClient,
  database: string,
  bytes: number,
): Promise<{ bytes: number; documents: number }> {
  // Calibrate: how many bytes one unit of scale produces with padded study abstracts.
  const probe = `${database}_probe`;
  await seedProduction(client, probe, { scale: 20, abstractWords: 220, structure: false });
  const perUnit = Number((await client.db(probe).command({ dbStats: 1 })).dataSize) / 20;
  await client.db(probe).dropDatabase();
  await seedProduction(client, database, {
    scale: Math.max(1, Math.round(bytes / perUnit)),
    abstractWords: 220,
    batchSize: 5_000,
  });
  return sizeOf(client, database);
}

/**
 * The same documents, options and indexes spread over `count` collections: each of the source's
 * collections is split into shards (by a hash of _id), so only the number of collections differs.
 */
export async function splitIntoCollections(
  client: MongoClient,
  source: string,
  database: string,
  count: number,
): Promise<{ bytes: number; documents: number }> {
  const db = client.db(database);
  await db.dropDatabase();
  const specs = (await readCollectionSpecs(client.db(source))).filter((s) => s.type === "collection");
  const shards = specs.map((_, i) => Math.floor(count / specs.length) + (i < count % specs.length ? 1 : 0));
  for (const [i, spec] of specs.entries()) {
    const k = shards[i] ?? 1;
    for (let shard = 0; shard < k; shard++) {
      const name = `${spec.name}_${String(shard).padStart(2, "0")}`;
      await db.createCollection(name, creatableOptions(spec));
      await client
        .db(source)
        .collection(spec.name)
        .aggregate(
          [
            { $match: { $expr: { $eq: [{ $abs: { $mod: [{ $toHashedIndexKey: "$_id" }, k] } }, shard] } } },
            { $out: { db: database, coll: name } },
          ],
          { bypassDocumentValidation: true },
        )
        .toArray();
      const indexes = indexSpecsFor({ ...spec, name });
      if (indexes.length) await db.command({ createIndexes: name, indexes });
    }
  }
  return sizeOf(client, database);
}

export async function sizeOf(
  client: MongoClient,
  database: string,
): Promise<{ bytes: number; documents: number }> {
  const stats = await client.db(database).command({ dbStats: 1 });
  return { bytes: Number(stats.dataSize), documents: Number(stats.objects) };
}

/** A snapshot of `source` published into `snapshotDatabase` with the bench's settings (no guards, no log). */
export async function benchSnapshot(
  client: MongoClient,
  source: string,
  snapshotDatabase: string,
  concurrency = 4,
): Promise<void> {
  await produceSnapshot({
    client,
    log: silentLog,
    sourceDatabase: source,
    snapshotDatabase,
    concurrency,
    retain: 0,
    graceSeconds: 0,
    maxShrinkPercent: 100,
    force: true,
    dryRun: false,
    allowPrivilegedCredentials: true,
  });
}
