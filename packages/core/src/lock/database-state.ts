import type { PrDatabaseMetadata } from "../mongo/target";

/** What enforce-lock needs to know about the PR database (CONTRACT §3 `init`, and `lockedSnapshot`). */
export interface LockDatabaseState {
  /** The database has at least one collection. */
  exists: boolean;
  /** It exists and no restore into it is unfinished. */
  initialized: boolean;
  /** A restore is writing it right now (or died half-way). */
  restoring: boolean;
  /** It holds snapshot data (true), other data described by metadata (false), or unknown. */
  lockedSnapshot?: boolean;
  snapshotTimestamp?: Date;
}

/**
 * From the restore's metadata document (CONTRACT §5): a complete restore means snapshot data;
 * a metadata document from another source (e.g. an application writing `source: "seed"`)
 * means not; no document means unknown, so the lock falls back to reverting label changes.
 */
export function lockDatabaseState(
  exists: boolean,
  metadata: PrDatabaseMetadata | undefined,
): LockDatabaseState {
  const restoring = exists && metadata?.status === "restoring";
  const timestamp = metadata?.snapshotTimestamp;
  return {
    exists,
    initialized: exists && !restoring,
    restoring,
    ...(exists && metadata && !restoring ? { lockedSnapshot: metadata.source === "snapshot" } : {}),
    ...(exists && timestamp instanceof Date ? { snapshotTimestamp: timestamp } : {}),
  };
}

/** Without mongodb-uri the database is assumed to exist and nothing is known about its data. */
export const ASSUMED_DATABASE_STATE: LockDatabaseState = {
  exists: true,
  initialized: true,
  restoring: false,
};
