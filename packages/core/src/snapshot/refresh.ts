import { formatUtc } from "../markdown";
import type { PrDatabaseMetadata } from "../mongo/target";
import type { SnapshotMetadata } from "./metadata";

/**
 * When a restore may be skipped, and how it copies (config `restore.refresh`, input `refresh`):
 * - `every-sync` (default): every restore makes the PR database the latest snapshot, as the labels
 *   promise, differentially: collections proven identical are kept, the others copied;
 * - `new-snapshot`: only when the latest complete snapshot is newer than the one the PR database
 *   already holds completely, so pushes keep the data the preview has written meanwhile; then
 *   differentially, like every-sync;
 * - `full`: every restore drops and copies every collection, proving nothing (CONTRACT §11).
 */
export const REFRESH_POLICIES = ["every-sync", "new-snapshot", "full"] as const;
export type RefreshPolicy = (typeof REFRESH_POLICIES)[number];

export interface RefreshCheck {
  skip: boolean;
  /** Why, in words, for the log, the job summary and the outputs. */
  reason: string;
}

/**
 * Whether the PR database's restore record (CONTRACT §5) says it already holds `snapshot`
 * completely. Pure. The generation names a snapshot exactly; snapshots from the original
 * scripts have none, so their timestamp stands in for it.
 */
export function checkRefresh(
  current: PrDatabaseMetadata | undefined,
  snapshot: SnapshotMetadata,
  snapshotDatabase: string,
): RefreshCheck {
  const latest = snapshot.generation
    ? `generation ${snapshot.generation}`
    : `the snapshot taken ${formatUtc(snapshot.timestamp)}`;
  const restore = (why: string): RefreshCheck => ({ skip: false, reason: `${why}: restoring ${latest}` });
  if (!current) return restore("the database has no restore record (new, or seeded)");
  if (current.source !== "snapshot") return restore(`the database holds data from "${current.source}"`);
  if (current.status !== "complete") {
    return restore(
      current.status === "restoring"
        ? "an earlier restore into the database did not finish"
        : `its restore record has status "${String(current.status)}"`,
    );
  }
  const from = typeof current.snapshotDatabase === "string" ? current.snapshotDatabase : undefined;
  if (from !== undefined && from !== snapshotDatabase)
    return restore(`the database was restored from ${from}, not ${snapshotDatabase}`);
  const held = current.generation
    ? `generation ${String(current.generation)}`
    : `the snapshot taken ${formatUtc(current.snapshotTimestamp)}`;
  const same = snapshot.generation
    ? current.generation === snapshot.generation
    : current.generation === undefined &&
      current.snapshotTimestamp instanceof Date &&
      current.snapshotTimestamp.getTime() === snapshot.timestamp.getTime();
  if (!same) return restore(`a newer snapshot was published (the database holds ${held})`);
  const restoredAt = current.restoredAt instanceof Date ? `, restored ${formatUtc(current.restoredAt)}` : "";
  return {
    skip: true,
    reason: `the database already holds ${latest}, the latest complete snapshot${restoredAt}`,
  };
}
