import type { Document, MongoClient } from "mongodb";
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

/** The same volume spread over `count` collections, each with three secondary indexes. */
export async function seedWide(
  client: MongoClient,
  database: string,
  bytes: number,
  count: number,
): Promise<{ bytes: number; documents: number }> {
  const db = client.db(database);
  await db.dropDatabase();
  const docBytes = 2_000;
  const perCollection = Math.max(1, Math.round(bytes / docBytes / count));
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const filler = "lorem ipsum dolor sit amet consectetur adipiscing elit ".repeat(30);
  for (let c = 0; c < count; c++) {
    const name = `pmShard${String(c).padStart(3, "0")}`;
    const docs: Document[] = [];
    for (let i = 0; i < perCollection; i++) {
      docs.push({
        projectId: `p${Math.floor(rnd() * 50)}`,
        year: 1990 + Math.floor(rnd() * 36),
        title: `study ${c}-${i}`,
        text: filler.slice(0, 1_400 + Math.floor(rnd() * 200)),
        tags: ["a", "b"],
        at: new Date(1_700_000_000_000 + i * 1000),
      });
    }
    for (let i = 0; i < docs.length; i += 5_000)
      await db.collection(name).insertMany(docs.slice(i, i + 5_000), { ordered: false });
    await db.command({
      createIndexes: name,
      indexes: [
        { key: { projectId: 1, year: -1 }, name: "project_year" },
        { key: { title: 1 }, name: "title" },
        { key: { at: -1 }, name: "at" },
      ],
    });
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
