import type { MongoClient } from "mongodb";

/** How much a database takes, from `dbStats` (bytes). */
export interface DatabaseSize {
  /** Uncompressed size of the documents. */
  dataSize: number;
  /** Space allocated to the documents on disk (compressed). */
  storageSize: number;
  indexSize: number;
  /** What dropping the database frees: documents and indexes on disk. */
  onDisk: number;
  collections: number;
}

/**
 * The size of one database. `dbStats` of a database that does not exist answers zeros, which
 * reads the same as an empty database: callers that need to know use the collection count.
 */
export async function readDatabaseSize(client: MongoClient, database: string): Promise<DatabaseSize> {
  const s = await client.db(database).command({ dbStats: 1, scale: 1 });
  const n = (v: unknown) => (typeof v === "number" ? v : Number(v ?? 0)) || 0;
  const storageSize = n(s.storageSize);
  const indexSize = n(s.indexSize);
  return {
    dataSize: n(s.dataSize),
    storageSize,
    indexSize,
    onDisk: storageSize + indexSize,
    collections: n(s.collections),
  };
}
