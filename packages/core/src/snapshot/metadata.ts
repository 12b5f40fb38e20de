import type { Db, Document, MongoClient } from "mongodb";
import { SnapshotUnavailableError, UserError } from "../errors";
import type { Log } from "../log";
import { METADATA_COLLECTION } from "../mongo/target";

/** A view recorded by the producer, recreated in each PR database under its logical name. */
export interface ViewDefinition {
  name: string;
  viewOn: string;
  pipeline: Document[];
  collation?: Document;
}

/**
 * `snapshot_metadata` `_id: "latest"` in the snapshot database (CONTRACT §5). Readers only
 * ever use it when `status` is `complete`. `generation` and `physical` say where this
 * snapshot's collections live; snapshots written by the original scripts have neither and
 * keep each collection under its logical name.
 */
export interface SnapshotMetadata {
  _id: "latest";
  timestamp: Date;
  source: string;
  collections: string[];
  counts?: Record<string, number>;
  status: string;
  method?: string;
  generation?: string;
  physical?: Record<string, string>;
  views?: ViewDefinition[];
  [key: string]: unknown;
}

export const LATEST = "latest" as const;

export async function readSnapshotMetadata(db: Db): Promise<SnapshotMetadata | undefined> {
  const doc = await db.collection<SnapshotMetadata>(METADATA_COLLECTION).findOne({ _id: LATEST });
  return doc ?? undefined;
}

export function physicalName(meta: SnapshotMetadata, logical: string): string {
  return meta.physical?.[logical] ?? logical;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  log: Log;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Shown in the timeout message: the label that asked for the snapshot. */
  snapshotLabel?: string;
}

/** Polls until the snapshot's metadata says `complete`; on timeout, says the three ways out. */
export async function waitForCompleteSnapshot(
  client: MongoClient,
  snapshotDatabase: string,
  options: WaitOptions,
): Promise<SnapshotMetadata> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const db = client.db(snapshotDatabase);
  for (let attempt = 1; ; attempt++) {
    const meta = await readSnapshotMetadata(db);
    if (meta?.status === "complete") return validateMetadata(meta, snapshotDatabase);
    const state = meta ? `status "${meta.status}"` : "no snapshot yet";
    const left = deadline - now();
    if (left <= 0) {
      const label = options.snapshotLabel ?? "use-snapshot";
      throw new SnapshotUnavailableError(
        `No complete snapshot in database "${snapshotDatabase}" after waiting ${Math.round(options.timeoutMs / 1000)}s (${state}). ` +
          "Ways out:\n" +
          "  1. wait for the scheduled weekly snapshot (Sunday 03:00 UTC by default) and re-run this workflow;\n" +
          "  2. run the snapshot-on-demand workflow (type refresh-snapshot to confirm), then re-run;\n" +
          `  3. remove the "${label}" label to use seed data instead.`,
      );
    }
    options.log.info(
      `Waiting for a complete snapshot in ${snapshotDatabase} (${state}; attempt ${attempt}, ${Math.ceil(left / 1000)}s left).`,
    );
    await sleep(Math.min(options.intervalMs, left));
  }
}

function validateMetadata(meta: SnapshotMetadata, snapshotDatabase: string): SnapshotMetadata {
  const bad = (why: string) =>
    new UserError(
      `The snapshot metadata in ${snapshotDatabase}.${METADATA_COLLECTION} is malformed: ${why}. ` +
        "Run the snapshot producer again to rewrite it.",
    );
  if (!(meta.timestamp instanceof Date)) throw bad('"timestamp" is not a date');
  if (!Array.isArray(meta.collections) || meta.collections.some((c) => typeof c !== "string")) {
    throw bad('"collections" is not a list of names');
  }
  if (typeof meta.source !== "string") throw bad('"source" is missing');
  return meta;
}
