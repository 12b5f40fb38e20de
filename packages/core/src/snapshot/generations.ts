import type { Db, MongoClient } from "mongodb";
import { dropCollectionIfExists } from "../copy/engine";
import type { Log } from "../log";
import { METADATA_COLLECTION } from "../mongo/target";

/**
 * Each producer run writes into its own generation of collections (`<generation>.<name>`) and
 * publishes it by replacing one metadata document. Readers never see a half-written snapshot,
 * and a restore that started on the previous generation keeps reading it until it finishes.
 */
export interface GenerationRecord {
  _id: string;
  kind: "generation";
  generation: string;
  status: "writing" | "complete" | "retired" | "failed";
  startedAt: Date;
  completedAt?: Date;
  retiredAt?: Date;
  physical: string[];
  holder: string;
  error?: string;
  /** A failed masked generation whose collections were dropped at once. */
  dropped?: boolean;
}

export const generationId = (generation: string) => `generation:${generation}`;

export function newGenerationName(now: Date, random: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "z")
    .toLowerCase();
  return `g${stamp}_${random}`;
}

export function physicalCollection(generation: string, logical: string): string {
  return `${generation}.${logical}`;
}

export function generations(db: Db) {
  return db.collection<GenerationRecord>(METADATA_COLLECTION);
}

export interface RetentionOptions {
  current: string;
  /** Previous (retired) generations to keep besides the current one. */
  retain: number;
  /** A retired generation is deleted only this long after it stopped being current. */
  graceMs: number;
  now: Date;
  log: Log;
}

/**
 * Deletes retired generations beyond `retain` once their grace period is over, and abandoned
 * ones (a run that was killed or failed) once they are older than the grace period.
 */
export async function applyRetention(
  client: MongoClient,
  snapshotDatabase: string,
  o: RetentionOptions,
): Promise<string[]> {
  const db = client.db(snapshotDatabase);
  const all = await generations(db).find({ kind: "generation" }).toArray();
  const retired = all
    .filter((g) => g.status === "retired" && g.generation !== o.current)
    .sort((a, b) => (b.retiredAt?.getTime() ?? 0) - (a.retiredAt?.getTime() ?? 0));
  const overRetention = retired
    .slice(o.retain)
    .filter((g) => o.now.getTime() - (g.retiredAt?.getTime() ?? 0) >= o.graceMs);
  const abandoned = all.filter(
    (g) =>
      (g.status === "writing" || g.status === "failed") &&
      g.generation !== o.current &&
      o.now.getTime() - g.startedAt.getTime() >= o.graceMs,
  );
  const deleted: string[] = [];
  for (const g of [...overRetention, ...abandoned]) {
    await deleteGeneration(client, snapshotDatabase, g);
    deleted.push(g.generation);
    o.log.info(`Deleted ${g.status} snapshot generation ${g.generation} (${g.physical.length} collections).`);
  }
  const waiting = retired.slice(o.retain).length - overRetention.length;
  if (waiting > 0)
    o.log.info(
      `${waiting} older generation(s) kept until their grace period ends (restores may still read them).`,
    );
  return deleted;
}

export async function deleteGeneration(
  client: MongoClient,
  snapshotDatabase: string,
  g: GenerationRecord,
): Promise<void> {
  await dropGenerationCollections(client, snapshotDatabase, g);
  await generations(client.db(snapshotDatabase)).deleteOne({ _id: g._id });
}

/** Every collection of one generation: the recorded ones and any other with its prefix. */
export async function dropGenerationCollections(
  client: MongoClient,
  snapshotDatabase: string,
  g: Pick<GenerationRecord, "generation" | "physical">,
): Promise<void> {
  const prefix = `${g.generation}.`;
  const names = (await client.db(snapshotDatabase).listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => n.startsWith(prefix));
  for (const name of new Set([...g.physical, ...names]))
    await dropCollectionIfExists(client, { db: snapshotDatabase, collection: name });
}
