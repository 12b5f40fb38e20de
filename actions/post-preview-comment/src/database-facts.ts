import type { Log } from "@pr-snapshots/core/log";
import { withMongo } from "@pr-snapshots/core/mongo/client";
import { type DatabaseSize, readDatabaseSize } from "@pr-snapshots/core/mongo/size";
import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { readSnapshotFacts, type SnapshotFacts } from "@pr-snapshots/core/snapshot/comment-facts";
import type { Consistency } from "@pr-snapshots/core/snapshot/consistency";
import type { MongoClient } from "mongodb";

export interface DatabaseFacts {
  snapshotTimestamp?: Date;
  /** The snapshot's masking policy (sha256 of its rules), when its data is masked. */
  maskingPolicy?: string;
  /** Kept documents of the collections the snapshot holds a subset of. */
  subset?: Record<string, number>;
  /** CONTRACT §13, validated when read: point-in-time (as of `consistentAtDate`) or per-collection. */
  consistency?: Consistency;
  consistentAtDate?: Date;
  /** Undefined when the database has no collections yet (or its size could not be read). */
  size?: DatabaseSize;
}

/**
 * What the comment shows about the PR database, in one connection: its size, and (for snapshot
 * data) when the data it holds was taken from production, else when the latest complete snapshot
 * was, and whether that data is masked or a subset. The snapshot's facts come from the snapshot
 * database only (checked in snapshot/comment-facts.ts): the PR database is written by the preview
 * application, so from it only which snapshot it holds is read, as a date and a generation name.
 * Loaded only when mongodb-uri is given (the driver is most of the start-up time).
 */
export async function readDatabaseFacts(
  uri: string,
  database: string,
  snapshotDatabase: string | undefined,
  snapshotData: boolean,
  log: Log,
): Promise<DatabaseFacts> {
  return withMongo(
    { uri, log, appName: "pr-snapshots/post-preview-comment", serverSelectionTimeoutMS: 10_000 },
    async (client) => {
      const facts: DatabaseFacts = {};
      try {
        const size = await readDatabaseSize(client, database);
        if (size.collections > 0) facts.size = size;
      } catch (error) {
        log.warning(
          `Could not read the size of ${database} (dbStats: ${(error as Error).message}); the comment shows no size.`,
        );
      }
      if (!snapshotData) return facts;
      const latest = snapshotDatabase ? await readSnapshotFacts(client, snapshotDatabase, log) : undefined;
      const held = await heldSnapshot(client, database);
      if (held && !(latest && sameSnapshot(held, latest))) {
        // The database holds another snapshot than the latest: its date is all that is known
        // for certain; the latest snapshot's masking, subset and consistency facts are not about this data.
        facts.snapshotTimestamp = held.timestamp;
        return facts;
      }
      if (!latest) return facts;
      facts.snapshotTimestamp = latest.timestamp;
      if (latest.maskingPolicy) facts.maskingPolicy = latest.maskingPolicy;
      if (latest.subset) facts.subset = latest.subset;
      if (latest.consistency) facts.consistency = latest.consistency;
      if (latest.consistentAtDate) facts.consistentAtDate = latest.consistentAtDate;
      return facts;
    },
  );
}

interface HeldSnapshot {
  timestamp: Date;
  generation?: string;
}

/** Which snapshot the PR database's last complete restore copied, if it says so in a checkable form. */
async function heldSnapshot(client: MongoClient, database: string): Promise<HeldSnapshot | undefined> {
  const restored = await readPrMetadata(client, database).catch(() => undefined);
  const timestamp = restored?.snapshotTimestamp;
  if (restored?.status !== "complete" || !(timestamp instanceof Date) || Number.isNaN(timestamp.getTime()))
    return undefined;
  return {
    timestamp,
    ...(typeof restored.generation === "string" ? { generation: restored.generation } : {}),
  };
}

function sameSnapshot(held: HeldSnapshot, latest: SnapshotFacts): boolean {
  if (held.generation !== undefined && latest.generation !== undefined)
    return held.generation === latest.generation;
  return held.timestamp.getTime() === latest.timestamp.getTime();
}
