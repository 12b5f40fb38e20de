import type { Binary, Db, Document, Timestamp } from "mongodb";
import type { Log } from "../log";
import { bestEffort } from "../mongo/refusal";
import { type CollectionSpec, readCollectionSpec, specFingerprint } from "../mongo/specs";

/**
 * What identifies a collection's content for a differential restore (CONTRACT §11), recorded per
 * collection in `snapshot_metadata.latest.fingerprints`: by the producer when it publishes (for the
 * snapshot's collections) and by a restore when it completes (for the PR database's).
 *
 * `hash` is the server's `dbHash` of the collection: the MD5 of every document's BSON, in `_id`
 * order (MongoDB 6.0, src/mongo/db/commands/dbhash.cpp; clustered collections included). It
 * covers the documents byte for byte, not the collection's name, options or indexes (those are
 * `options` and `indexes`, from specs.ts), and not the insertion order: two capped collections
 * with the same documents inserted in another order hash alike, so a capped collection is never
 * kept on its hash. A time-series collection is hashed through its buckets, whose `_id`s differ
 * between copies: it has no hash.
 */
export interface CollectionFingerprint {
  /** The server's dbHash of the documents; absent when refused or meaningless (capped, time-series). */
  hash?: string;
  /** Canonical options and secondary index specs (specs.ts `specFingerprint`). */
  options: string;
  indexes: string;
  count: number;
}

/** What a restore records about each collection of the PR database when it completes. */
export interface RecordedFingerprint extends CollectionFingerprint {
  /**
   * The snapshot collection the content equals: `<generation>/<physical name>` (a generation's
   * collections are written once and never changed), or the snapshot's timestamp for snapshots
   * of the original scripts, which rewrite their collections in place.
   */
  content: string;
  /** The collection's UUID: a drop and re-create gives a new one. */
  uuid?: Binary;
  /**
   * Cluster time from which every change to the collection is in the oplog (replica sets): the
   * swap of a copied collection, the start of the restore for a kept one. Absent on standalone
   * servers, which have no change streams.
   */
  since?: Timestamp;
}

export type CollectionKind = "collection" | "capped" | "timeseries";

export function kindOf(spec: CollectionSpec): CollectionKind {
  if (spec.type === "timeseries") return "timeseries";
  return spec.options.capped === true ? "capped" : "collection";
}

/** Whether dbHash says anything about a collection's content (see {@link CollectionFingerprint}). */
export function hashable(kind: CollectionKind): boolean {
  return kind === "collection";
}

/**
 * Per-collection dbHash of the named collections of one database, one command per collection:
 * dbHash holds a shared lock on the whole database while it runs (writers of that database wait),
 * so it is never run on production, and on a PR database only for the collections that need it.
 * Undefined when the server refuses the command (Atlas M0/Flex and other managed tiers).
 */
export async function hashCollection(db: Db, collection: string, log: Log): Promise<string | undefined> {
  const res = await bestEffort(() => db.command({ dbHash: 1, collections: [collection] }), {
    log,
    skipped: "dbHash (comparing collections by their documents' hash)",
    cost: "collections that no change stream proves unchanged are copied instead of compared",
  });
  if (!res) return undefined;
  const hash = (res.collections as Record<string, unknown> | undefined)?.[collection];
  return typeof hash === "string" ? hash : undefined;
}

/**
 * The producer's fingerprints of a generation, computed on its final collections as the last step
 * before the publish (the dbHash lock is on the snapshot database, never on production).
 */
export async function generationFingerprints(
  db: Db,
  collections: readonly { name: string; physical: string; documents: number }[],
  log: Log,
): Promise<Record<string, CollectionFingerprint>> {
  const out: Record<string, CollectionFingerprint> = {};
  let refused = false;
  for (const c of collections) {
    const spec = await readCollectionSpec(db, c.physical);
    if (!spec) continue;
    const fp = specFingerprint(spec);
    const kind = kindOf(spec);
    const hash = hashable(kind) && !refused ? await hashCollection(db, c.physical, log) : undefined;
    if (hashable(kind) && hash === undefined) refused = true;
    out[c.name] = { ...(hash ? { hash } : {}), options: fp.options, indexes: fp.indexes, count: c.documents };
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Fingerprints read back from a metadata document: only well-typed entries count (anything
 * else in a database the application can write is ignored, which can only cost a copy).
 */
export function readFingerprints<T extends CollectionFingerprint>(
  value: unknown,
  extra: (entry: Record<string, unknown>) => Partial<T> | undefined = () => ({}),
): Record<string, T> {
  if (!isRecord(value)) return {};
  const out: Record<string, T> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (!isRecord(entry)) continue;
    const { hash, options, indexes, count } = entry;
    if (typeof options !== "string" || typeof indexes !== "string") continue;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) continue;
    if (hash !== undefined && typeof hash !== "string") continue;
    const more = extra(entry);
    if (!more) continue;
    out[name] = { ...(hash ? { hash } : {}), options, indexes, count, ...more } as T;
  }
  return out;
}

/** The PR database's recorded fingerprints (see {@link RecordedFingerprint}), validated. */
export function readRecordedFingerprints(value: unknown): Record<string, RecordedFingerprint> {
  return readFingerprints<RecordedFingerprint>(value, (e) => {
    if (typeof e.content !== "string") return undefined;
    const uuid = (e.uuid as Document | undefined)?._bsontype === "Binary" ? (e.uuid as Binary) : undefined;
    const since =
      (e.since as Document | undefined)?._bsontype === "Timestamp" ? (e.since as Timestamp) : undefined;
    return { content: e.content, ...(uuid ? { uuid } : {}), ...(since ? { since } : {}) };
  });
}
