import type { MongoClient } from "mongodb";
import type { Log } from "../log";
import { assertWritableTarget, type TargetPolicy } from "../names";

export const METADATA_COLLECTION = "snapshot_metadata";

/** CONTRACT §3 "init": the database exists, i.e. has at least one collection. */
export async function databaseExists(client: MongoClient, database: string): Promise<boolean> {
  const found = await client
    .db(database)
    .listCollections({}, { nameOnly: true, authorizedCollections: true })
    .toArray();
  return found.length > 0;
}

/** Drops a PR database after the name check; dropping one that does not exist is not an error. */
export async function dropTargetDatabase(
  client: MongoClient,
  database: string,
  policy: TargetPolicy,
  log: Log,
): Promise<{ existed: boolean }> {
  assertWritableTarget(database, policy);
  const existed = await databaseExists(client, database);
  await client.db(database).dropDatabase();
  log.info(
    existed ? `Dropped database ${database}.` : `Database ${database} did not exist; nothing to drop.`,
  );
  return { existed };
}

/** The restore's record in the PR database (CONTRACT §5), or undefined for a seeded or missing database. */
export interface PrDatabaseMetadata {
  _id: "latest";
  source: string;
  snapshotTimestamp?: Date;
  restoredAt?: Date;
  collections?: string[];
  counts?: Record<string, number>;
  [key: string]: unknown;
}

export async function readPrMetadata(
  client: MongoClient,
  database: string,
): Promise<PrDatabaseMetadata | undefined> {
  const doc = await client
    .db(database)
    .collection<PrDatabaseMetadata>(METADATA_COLLECTION)
    .findOne({ _id: "latest" });
  return doc ?? undefined;
}
