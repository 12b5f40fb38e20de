import type { MongoClient } from "mongodb";
import type { Log } from "../log";
import { METADATA_COLLECTION } from "../mongo/target";
import { type Consistency, readConsistency } from "./consistency";
import { LATEST } from "./metadata";

/**
 * What the `preview` and `db-restored` comments (and the restore's summary) say about a
 * snapshot: read from the snapshot database's `latest` document, and from nowhere else.
 * A PR database is written by its preview application, so its own `snapshot_metadata` is never
 * a source of what a comment shows about the data.
 *
 * Every fact is checked here, in this one place, before anything can render it: dates are
 * dates, counts are non-negative integers, names are collection names a comment can show, the
 * policy is a sha256. A fact that fails its check is left out (with a warning), never shown raw.
 * A new fact for the comments (a "consistent at" time, ...) is added to {@link SnapshotFacts}
 * and checked in {@link snapshotFacts}.
 */
export interface SnapshotFacts {
  /** When the snapshot was taken. */
  timestamp: Date;
  generation?: string;
  /** The masking policy (sha256 of the rules), when the data is masked. */
  maskingPolicy?: string;
  /** Kept documents of the collections the snapshot holds a subset of. */
  subset?: Record<string, number>;
  /** CONTRACT §13: point-in-time (as of `consistentAtDate`) or per-collection. */
  consistency?: Consistency;
  consistentAtDate?: Date;
}

const SHA256 = /^[0-9a-f]{64}$/;
/** Generation names as the producer makes them (generations.ts, newGenerationName). */
const GENERATION = /^g[0-9a-z_]{1,80}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a name with a control character is not shown.
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029$]/;

/** A collection name a comment can show: what MongoDB allows, without control characters. */
export function showableCollectionName(name: unknown): name is string {
  return (
    typeof name === "string" &&
    name.length > 0 &&
    Buffer.byteLength(name, "utf8") <= 255 &&
    !UNSHOWABLE.test(name) &&
    !name.startsWith("system.")
  );
}

/**
 * The facts of a `latest` document, checked. Undefined when it is not a complete snapshot with
 * a valid timestamp (then there is nothing to say about it).
 */
export function snapshotFacts(meta: unknown, log?: Pick<Log, "warning">): SnapshotFacts | undefined {
  if (typeof meta !== "object" || meta === null) return undefined;
  const m = meta as Record<string, unknown>;
  if (m.status !== "complete" || !(m.timestamp instanceof Date) || Number.isNaN(m.timestamp.getTime()))
    return undefined;
  const facts: SnapshotFacts = { timestamp: m.timestamp };
  const skipped: string[] = [];
  if (m.generation !== undefined) {
    if (typeof m.generation === "string" && GENERATION.test(m.generation)) facts.generation = m.generation;
    else skipped.push("generation");
  }
  if (m.masking !== undefined) {
    const policy = (m.masking as { policy?: unknown } | null)?.policy;
    if (typeof policy === "string" && SHA256.test(policy)) facts.maskingPolicy = policy;
    else skipped.push("masking.policy");
  }
  if (m.subset !== undefined) {
    const entries = typeof m.subset === "object" && m.subset !== null ? Object.entries(m.subset) : undefined;
    const valid = entries?.filter(
      ([name, count]) =>
        showableCollectionName(name) &&
        typeof count === "number" &&
        Number.isSafeInteger(count) &&
        count >= 0,
    );
    if (entries && valid && valid.length === entries.length) facts.subset = Object.fromEntries(valid);
    else skipped.push("subset");
  }
  if (m.consistency !== undefined) {
    const c = readConsistency(m);
    if (c.consistency) Object.assign(facts, c);
    else skipped.push("consistency");
  }
  if (skipped.length)
    log?.warning(
      `The snapshot metadata has ${skipped.join(", ")} in a form the comments do not show (not left out silently: ` +
        "run the snapshot producer again to rewrite it).",
    );
  return facts;
}

/** The latest complete snapshot's facts, read from the snapshot database. */
export async function readSnapshotFacts(
  client: MongoClient,
  snapshotDatabase: string,
  log?: Pick<Log, "warning">,
): Promise<SnapshotFacts | undefined> {
  const doc = await client
    .db(snapshotDatabase)
    .collection<{ _id: string }>(METADATA_COLLECTION)
    .findOne({ _id: LATEST });
  return snapshotFacts(doc, log);
}
