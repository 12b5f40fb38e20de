import { createHash } from "node:crypto";
import type { Db, MongoClient } from "mongodb";
import { dropCollectionIfExists } from "../copy/engine";
import type { Log } from "../log";
import { METADATA_COLLECTION } from "../mongo/target";

/**
 * Each producer run writes into its own generation of collections (`<generation>.<name>`, see
 * {@link physicalCollection}) and
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

/**
 * A generation's name: `g<yymmddhhmm>_<random>`, e.g. `g2611241322_a7f3` (16 bytes; before this
 * round `g20261124t132200z_a7f3`, which old snapshots keep: readers only use `physical`). Short,
 * because it prefixes every collection of the generation and Atlas's shared tiers allow
 * namespaces of 95 bytes only.
 */
export function newGenerationName(now: Date, random: string): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(2, 12);
  return `g${stamp}_${random}`;
}

/**
 * Where a generation keeps one logical collection: `<generation>.<name>`, or, when that would not
 * fit the namespace limit in the snapshot database (`fit`), `<generation>.<start of name>~<hash>`:
 * any collection name production can hold still fits. The snapshot's `physical` map records the
 * name chosen, and readers only ever look it up there.
 */
export function physicalCollection(
  generation: string,
  logical: string,
  fit?: { database: string; maxNamespaceBytes: number },
): string {
  const plain = `${generation}.${logical}`;
  if (!fit) return plain;
  const room = fit.maxNamespaceBytes - Buffer.byteLength(fit.database, "utf8") - 1;
  if (Buffer.byteLength(plain, "utf8") <= room) return plain;
  const hash = createHash("sha256").update(logical).digest("hex").slice(0, 10);
  const keep = room - Buffer.byteLength(`${generation}.~${hash}`, "utf8");
  return `${generation}.${utf8Prefix(logical, Math.max(0, keep))}~${hash}`;
}

/** The longest prefix of `text` that is at most `max` bytes of UTF-8, cut between characters. */
function utf8Prefix(text: string, max: number): string {
  let out = "";
  let n = 0;
  for (const ch of text) {
    const b = Buffer.byteLength(ch, "utf8");
    if (n + b > max) break;
    out += ch;
    n += b;
  }
  return out;
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
